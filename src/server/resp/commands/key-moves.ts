/**
 * RENAME, RENAMENX, COPY (database 0 only) and RANDOMKEY. A move or copy holds both keys' locks
 * and writes one engine batch, so no client ever sees both keys or neither (atomic where the
 * engine's batches are, which is every built-in engine).
 */
import { ReplyError } from '../resp-writer.js';
import { ERR_SYNTAX, parseI64, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec } from './command-table.js';
import { storable } from './keyspace.js';

const ERR_NO_SUCH_KEY = 'ERR no such key';
/** Below this many keys RANDOMKEY picks uniformly by counting; above, it probes a random point of the key range. */
const UNIFORM_BELOW = 1000;

function spec(name: string, arity: number, flags: CommandSpec['flags'], keys: CommandSpec['keys'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys, category: '@keyspace', summary, handler };
}

/** RENAME (nx false) replies OK; RENAMENX replies 1, or 0 when the new name is taken. */
async function rename(ctx: CommandContext, args: Buffer[], nx: boolean): Promise<void> {
  const [, from, to] = args as [Buffer, Buffer, Buffer];
  const result = await ctx.kv.withKeys([from, to], async (ops) => {
    const value = storable(from) ? await ops.get(from) : undefined;
    if (value === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
    if (from.equals(to)) return !nx;
    if (nx && storable(to) && (await ops.get(to)) !== undefined) return false;
    await ops.batch([
      { type: 'set', key: to, value },
      { type: 'delete', key: from },
    ]);
    return true;
  });
  if (nx) ctx.out.integer(result ? 1 : 0);
  else ctx.out.simple('OK');
}

async function copy(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const [, from, to] = args as [Buffer, Buffer, Buffer];
  let replace = false;
  for (let i = 3; i < args.length; i++) {
    const option = word(args[i]!);
    if (option === 'replace') replace = true;
    else if (option === 'db' && i + 1 < args.length) {
      const db = parseI64(args[++i]!);
      if (db === undefined) throw new ReplyError('ERR value is not an integer or out of range');
      if (db !== 0n) throw new ReplyError('ERR DB index is out of range');
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (from.equals(to)) throw new ReplyError('ERR source and destination objects are the same');
  const copied = await ctx.kv.withKeys([from, to], async (ops) => {
    const value = storable(from) ? await ops.get(from) : undefined;
    if (value === undefined) return false;
    if (!replace && storable(to) && (await ops.get(to)) !== undefined) return false;
    await ops.set(to, value);
    return true;
  });
  ctx.out.integer(copied ? 1 : 0);
}

/** A key at a random point between the first and the last key (uniform among keys for small stores). */
async function randomKey(ctx: CommandContext): Promise<void> {
  const service = ctx.server.service;
  const first = await firstKey(service.scan({ limit: 1 }));
  if (first === undefined) return ctx.out.bulk(undefined);
  const n = await service.count();
  if (n < UNIFORM_BELOW || !service.engine.supports.orderedScan) {
    let skip = Math.floor(Math.random() * n);
    for await (const [key] of service.scan()) if (skip-- <= 0) return ctx.out.bulk(key);
    return ctx.out.bulk(first);
  }
  const last = (await firstKey(service.scan({ limit: 1, reverse: true })))!;
  // A probe that shares the first and last keys' common prefix, then a random byte between theirs, then random bytes.
  let p = 0;
  while (p < first.length && p < last.length && first[p] === last[p]) p++;
  const low = first[p] ?? 0;
  const high = last[p] ?? 255;
  const probe = Buffer.concat([first.subarray(0, p), Buffer.from([low + Math.floor(Math.random() * (high - low + 1))]), Buffer.from(Array.from({ length: 8 }, () => Math.floor(Math.random() * 256)))]);
  ctx.out.bulk((await firstKey(service.scan({ gte: probe, limit: 1 }))) ?? last);
}

async function firstKey(entries: AsyncIterable<[Buffer, Buffer]>): Promise<Buffer | undefined> {
  for await (const [key] of entries) return key;
  return undefined;
}

export const keyMoveCommands: CommandSpec[] = [
  spec('rename', 3, ['write'], [1, 2, 1], 'Rename a key (overwrites the new name); -ERR no such key if it is missing', (ctx, args) => rename(ctx, args, false)),
  spec('renamenx', 3, ['write', 'fast'], [1, 2, 1], 'Rename a key only if the new name is free: 1, or 0', (ctx, args) => rename(ctx, args, true)),
  spec('copy', -3, ['write'], [1, 2, 1], 'Copy a value to another key (DB 0 only; REPLACE to overwrite): 1, or 0', copy),
  spec('randomkey', 1, ['readonly'], [0, 0, 0], 'A random key, or nil when the store is empty', randomKey),
];
