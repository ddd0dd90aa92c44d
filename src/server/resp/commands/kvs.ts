/**
 * The KVS.* namespace: what kvs offers beyond Redis's commands.
 *   KVS.RANGE [PREFIX p] [GTE k] [GT k] [LTE k] [LT k] [LIMIT n] [REVERSE] [WITHVALUES]
 *     -> flat array of keys (or key, value, key, value ...) in byte order, descending with
 *        REVERSE; at most LIMIT (default and cap: 1000). Bounds intersect. Page by re-issuing with
 *        GT (or LT with REVERSE) set to the last key returned, until fewer than LIMIT come back.
 *   KVS.COUNT [PREFIX p] [GTE k] [GT k] [LTE k] [LT k]  -> integer
 *   KVS.STATS -> bulk string of the engine's statistics as JSON
 *   KVS.COMPACT -> bulk string of the compaction result as JSON
 */
import type { ScanOptions } from '../../../engine/types.js';
import { ReplyError } from '../resp-writer.js';
import { intArg, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec } from './command-table.js';

const BOUNDS = ['prefix', 'gte', 'gt', 'lte', 'lt'] as const;
type BoundName = (typeof BOUNDS)[number];

interface RangeRequest {
  scan: ScanOptions;
  bounded: boolean;
  withValues: boolean;
}

function spec(name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys: [0, 0, 0], category: '@kvs', summary, handler };
}

/** Parses the options of KVS.RANGE (`paging`) or KVS.COUNT (bounds only). */
function parseRange(ctx: CommandContext, args: Buffer[], command: string, paging: boolean): RangeRequest {
  const scan: ScanOptions = {};
  const seen = new Set<string>();
  let withValues = false;
  let limit = ctx.server.limits.maxRangeLimit;
  for (let i = 1; i < args.length; i++) {
    const option = word(args[i]!);
    if (seen.has(option)) throw new ReplyError(`ERR ${command} option ${option.toUpperCase()} given twice`);
    seen.add(option);
    if ((BOUNDS as readonly string[]).includes(option)) {
      const value = args[++i];
      if (value === undefined) throw new ReplyError(`ERR ${command} option ${option.toUpperCase()} needs a key`);
      scan[option as BoundName] = value;
    } else if (paging && option === 'limit') {
      const value = args[++i];
      if (value === undefined) throw new ReplyError(`ERR ${command} option LIMIT needs a number`);
      const n = intArg(value);
      if (n < 0) throw new ReplyError(`ERR ${command} LIMIT must not be negative`);
      limit = Math.min(n, ctx.server.limits.maxRangeLimit);
    } else if (paging && option === 'reverse') {
      scan.reverse = true;
    } else if (paging && option === 'withvalues') {
      withValues = true;
    } else {
      const known = paging ? 'PREFIX, GTE, GT, LTE, LT, LIMIT, REVERSE, WITHVALUES' : 'PREFIX, GTE, GT, LTE, LT';
      throw new ReplyError(`ERR ${command} does not know option '${args[i]!.toString('utf8').slice(0, 64)}'; its options are ${known}`);
    }
  }
  const bounded = BOUNDS.some((name) => scan[name] !== undefined);
  if (paging) scan.limit = limit;
  return { scan, bounded, withValues };
}

export const kvsCommands: CommandSpec[] = [
  spec('kvs.range', -1, ['readonly'], 'Keys (and values) within bounds, in byte order; paged by LIMIT (max 1000)', async (ctx, args) => {
    const { scan, withValues } = parseRange(ctx, args, 'KVS.RANGE', true);
    const items: Buffer[] = [];
    for await (const [key, value] of ctx.server.service.scan(scan)) {
      items.push(key);
      if (withValues) items.push(value);
    }
    ctx.out.bulks(items);
  }),
  spec('kvs.count', -1, ['readonly'], 'Number of keys, or of keys within bounds', async (ctx, args) => {
    const { scan, bounded } = parseRange(ctx, args, 'KVS.COUNT', false);
    const service = ctx.server.service;
    if (!bounded) return ctx.out.integer(await service.count());
    let n = 0;
    for await (const _ of service.scan(scan)) n++;
    ctx.out.integer(n);
  }),
  spec('kvs.stats', 1, ['readonly'], 'Engine statistics as JSON', async (ctx) => {
    ctx.out.bulk(JSON.stringify(await ctx.server.service.stats()));
  }),
  spec('kvs.compact', 1, ['write', 'admin'], 'Reclaim the space of overwritten and deleted data now; the result as JSON', async (ctx) => {
    ctx.out.bulk(JSON.stringify(await ctx.server.service.compact()));
  }),
];
