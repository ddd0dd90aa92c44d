/**
 * Keyspace commands: DEL, UNLINK, EXISTS, TYPE, TTL, PTTL, KEYS, SCAN, DBSIZE, FLUSHDB,
 * FLUSHALL. Every value is a string and nothing expires, so TYPE is "string" or "none" and
 * TTL is -1 or -2. A SCAN cursor names the last key looked at (scan-cursor.ts).
 */
import type { ScanOptions } from '../../../engine/types.js';
import { globMatch, literalPrefix, matchesAll } from '../glob.js';
import { ReplyError } from '../resp-writer.js';
import { ERR_SYNTAX, intArg, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec } from './command-table.js';
import { keyExists, storable } from './keyspace.js';

const DEFAULT_SCAN_COUNT = 10;

function spec(name: string, arity: number, flags: CommandSpec['flags'], keys: CommandSpec['keys'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys, category: '@keyspace', summary, handler };
}

async function del(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const byName = new Map<string, Buffer>();
  for (const key of args.slice(1)) if (storable(key)) byName.set(key.toString('latin1'), key);
  const keys = [...byName.values()];
  if (keys.length === 0) return ctx.out.integer(0);
  const deleted = await ctx.kv.withKeys(keys, async (ops) => {
    const present = await Promise.all(keys.map((key) => ctx.kv.has(key)));
    const existing = keys.filter((_, i) => present[i]);
    if (existing.length > 0) await ops.batch(existing.map((key) => ({ type: 'delete' as const, key })));
    return existing.length;
  });
  ctx.out.integer(deleted);
}

/** The scan bounds that narrow a MATCH pattern to its literal prefix. */
function patternBounds(pattern: Buffer | undefined): ScanOptions {
  if (pattern === undefined) return {};
  const prefix = literalPrefix(pattern);
  return prefix.length > 0 ? { prefix } : {};
}

async function keysCommand(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const pattern = args[1]!;
  const all = matchesAll(pattern);
  const keys: Buffer[] = [];
  for await (const [key] of ctx.server.service.scan(patternBounds(pattern))) {
    if (all || globMatch(pattern, key)) keys.push(key);
  }
  ctx.out.bulks(keys);
}

async function scan(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const after = ctx.server.cursors.decode(args[1]!);
  if (after === undefined) throw new ReplyError('ERR invalid cursor');
  let pattern: Buffer | undefined;
  let count = DEFAULT_SCAN_COUNT;
  let type: string | undefined;
  for (let i = 2; i < args.length; i += 2) {
    const option = word(args[i]!);
    const value = args[i + 1];
    if (value === undefined) throw new ReplyError(ERR_SYNTAX);
    if (option === 'match') pattern = matchesAll(value) ? undefined : value;
    else if (option === 'count') {
      count = intArg(value);
      if (count < 1) throw new ReplyError(ERR_SYNTAX);
    } else if (option === 'type') type = word(value);
    else throw new ReplyError(ERR_SYNTAX);
  }
  const service = ctx.server.service;
  if (type !== undefined && type !== 'string') {
    // Every key is a string: no key of another type exists, so the iteration is already complete.
    ctx.out.array(2);
    ctx.out.bulk('0');
    return ctx.out.array(0);
  }
  // Resuming after a key needs byte order; an unordered engine answers everything in one call.
  const ordered = service.engine.supports.orderedScan;
  const options: ScanOptions = patternBounds(pattern);
  if (ordered) options.limit = count;
  if (after !== null) options.gt = after;
  const keys: Buffer[] = [];
  let scanned = 0;
  let last: Buffer | undefined;
  if (ordered || after === null) {
    for await (const [key] of service.scan(options)) {
      scanned++;
      last = key;
      if (pattern === undefined || globMatch(pattern, key)) keys.push(key);
    }
  }
  const next = ordered && scanned === count && last !== undefined ? ctx.server.cursors.encode(last) : '0';
  ctx.out.array(2);
  ctx.out.bulk(next);
  ctx.out.bulks(keys);
}

async function flush(ctx: CommandContext, args: Buffer[]): Promise<void> {
  if (args.length > 2 || (args.length === 2 && !['async', 'sync'].includes(word(args[1]!)))) throw new ReplyError(ERR_SYNTAX);
  await ctx.server.service.clear('resp', ctx.defer);
  ctx.out.simple('OK');
}

export const keyCommands: CommandSpec[] = [
  spec('del', -2, ['write'], [1, -1, 1], 'Delete keys; replies how many existed', del),
  spec('unlink', -2, ['write', 'fast'], [1, -1, 1], 'Delete keys (same as DEL: deletion is already cheap)', del),
  spec('exists', -2, ['readonly', 'fast'], [1, -1, 1], 'Count how many of the keys exist (a key named twice counts twice)', async (ctx, args) => {
    const present = await Promise.all(args.slice(1).map((key) => keyExists(ctx, key)));
    ctx.out.integer(present.filter(Boolean).length);
  }),
  spec('type', 2, ['readonly', 'fast'], [1, 1, 1], 'Type of a key: string, or none', async (ctx, args) => {
    ctx.out.simple((await keyExists(ctx, args[1]!)) ? 'string' : 'none');
  }),
  spec('ttl', 2, ['readonly', 'fast'], [1, 1, 1], 'Time to live in seconds: -1 (no expiry) or -2 (no key)', async (ctx, args) => {
    ctx.out.integer((await keyExists(ctx, args[1]!)) ? -1 : -2);
  }),
  spec('pttl', 2, ['readonly', 'fast'], [1, 1, 1], 'Time to live in milliseconds: -1 (no expiry) or -2 (no key)', async (ctx, args) => {
    ctx.out.integer((await keyExists(ctx, args[1]!)) ? -1 : -2);
  }),
  spec('keys', 2, ['readonly'], [0, 0, 0], 'Every key matching a glob pattern, in byte order', keysCommand),
  spec('scan', -2, ['readonly'], [0, 0, 0], 'Iterate keys with a cursor (MATCH, COUNT, TYPE)', scan),
  spec('dbsize', 1, ['readonly', 'fast'], [0, 0, 0], 'Number of keys', async (ctx) => {
    ctx.out.integer(await ctx.server.service.count());
  }),
  spec('flushdb', -1, ['write'], [0, 0, 0], 'Delete every key (ASYNC and SYNC are accepted; both are synchronous)', flush),
  spec('flushall', -1, ['write'], [0, 0, 0], 'Delete every key (the only database)', flush),
];
