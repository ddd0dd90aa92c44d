/**
 * String commands: GET, SET (NX, XX, GET), SETNX, GETSET, GETDEL, MGET, MSET, MSETNX, APPEND,
 * STRLEN, GETRANGE/SUBSTR, SETRANGE, INCR/INCRBY/DECR/DECRBY, INCRBYFLOAT. Every
 * read-modify-write runs inside `withKeys`, so it is atomic with respect to other clients.
 */
import { MAX_VALUE_BYTES } from '../../../engine/limits.js';
import type { BatchOp } from '../../../engine/types.js';
import { ReplyError } from '../resp-writer.js';
import { arityError, bigintArg, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, formatFloat, inI64, intArg, parseFloatArg, parseI64, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec } from './command-table.js';
import { readValue } from './keyspace.js';
import { expiryNotSupported, parseSetOptions } from './set-options.js';

const ERR_TOO_BIG = `ERR string exceeds maximum allowed size: values are limited to ${MAX_VALUE_BYTES} bytes (64 MiB)`;
const EMPTY = Buffer.alloc(0);

function spec(name: string, arity: number, flags: CommandSpec['flags'], keys: CommandSpec['keys'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys, category: '@string', summary, handler };
}

async function set(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const [, key, value] = args as [Buffer, Buffer, Buffer];
  const { nx, xx, get, expire } = parseSetOptions(args, 3, 'set');
  if (expire !== undefined) throw expiryNotSupported('set', expire.option);
  if (!nx && !xx && !get) {
    await ctx.kv.set(key, value);
    return ctx.out.simple('OK');
  }
  const { done, old } = await ctx.kv.withKeys([key], async (ops) => {
    const previous = await ops.get(key);
    if ((nx && previous !== undefined) || (xx && previous === undefined)) return { done: false, old: previous };
    await ops.set(key, value);
    return { done: true, old: previous };
  });
  if (get) ctx.out.bulk(old);
  else if (done) ctx.out.simple('OK');
  else ctx.out.bulk(undefined);
}

/** INCRBY and friends: the stored value must be a 64-bit integer; the result must stay one. */
async function incrBy(ctx: CommandContext, key: Buffer, delta: bigint): Promise<void> {
  const next = await ctx.kv.withKeys([key], async (ops) => {
    const old = await ops.get(key);
    const current = old === undefined ? 0n : parseI64(old);
    if (current === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    const sum = current + delta;
    if (!inI64(sum)) throw new ReplyError('ERR increment or decrement would overflow');
    await ops.set(key, Buffer.from(sum.toString(), 'latin1'));
    return sum;
  });
  ctx.out.integer(next);
}

async function incrByFloat(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const key = args[1]!;
  const increment = parseFloatArg(args[2]);
  if (increment === undefined) throw new ReplyError(ERR_NOT_FLOAT);
  const text = await ctx.kv.withKeys([key], async (ops) => {
    const old = await ops.get(key);
    const current = old === undefined ? 0 : parseFloatArg(old);
    if (current === undefined) throw new ReplyError(ERR_NOT_FLOAT);
    const sum = current + increment;
    if (!Number.isFinite(sum)) throw new ReplyError('ERR increment would produce NaN or Infinity');
    const formatted = formatFloat(sum);
    await ops.set(key, Buffer.from(formatted, 'latin1'));
    return formatted;
  });
  ctx.out.bulk(text);
}

async function getRange(ctx: CommandContext, args: Buffer[]): Promise<void> {
  let start = intArg(args[2]!);
  let end = intArg(args[3]!);
  const value = (await readValue(ctx, args[1]!)) ?? EMPTY;
  const len = value.length;
  if (start < 0 && end < 0 && start > end) return ctx.out.bulk(EMPTY);
  if (start < 0) start = Math.max(0, len + start);
  if (end < 0) end = Math.max(0, len + end);
  if (end >= len) end = len - 1;
  ctx.out.bulk(len === 0 || start > end ? EMPTY : value.subarray(start, end + 1));
}

async function setRange(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const [, key, , value] = args as [Buffer, Buffer, Buffer, Buffer];
  const offset = intArg(args[2]!);
  if (offset < 0) throw new ReplyError('ERR offset is out of range');
  if (offset + value.length > MAX_VALUE_BYTES) throw new ReplyError(ERR_TOO_BIG);
  const length = await ctx.kv.withKeys([key], async (ops) => {
    const old = await ops.get(key);
    if (value.length === 0) return old?.length ?? 0; // nothing to write, and no key is created
    const out = Buffer.alloc(Math.max(old?.length ?? 0, offset + value.length));
    old?.copy(out);
    value.copy(out, offset);
    await ops.set(key, out);
    return out.length;
  });
  ctx.out.integer(length);
}

async function append(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const [, key, value] = args as [Buffer, Buffer, Buffer];
  const length = await ctx.kv.withKeys([key], async (ops) => {
    const old = (await ops.get(key)) ?? EMPTY;
    if (old.length + value.length > MAX_VALUE_BYTES) throw new ReplyError(ERR_TOO_BIG);
    await ops.set(key, Buffer.concat([old, value]));
    return old.length + value.length;
  });
  ctx.out.integer(length);
}

function pairs(name: string, args: Buffer[]): BatchOp[] {
  if ((args.length - 1) % 2 !== 0) throw arityError(name);
  const ops: BatchOp[] = [];
  for (let i = 1; i < args.length; i += 2) ops.push({ type: 'set', key: args[i]!, value: args[i + 1]! });
  return ops;
}

export const stringCommands: CommandSpec[] = [
  spec('get', 2, ['readonly', 'fast'], [1, 1, 1], 'Get the value of a key', async (ctx, args) => {
    ctx.out.bulk(await readValue(ctx, args[1]!));
  }),
  spec('set', -3, ['write'], [1, 1, 1], 'Set the value of a key (NX, XX, GET, KEEPTTL; no expiry options)', set),
  spec('setnx', 3, ['write', 'fast'], [1, 1, 1], 'Set the value of a key, only if it does not exist', async (ctx, args) => {
    const [, key, value] = args as [Buffer, Buffer, Buffer];
    const stored = await ctx.kv.withKeys([key], async (ops) => {
      if (await ctx.kv.has(key)) return false;
      await ops.set(key, value);
      return true;
    });
    ctx.out.integer(stored ? 1 : 0);
  }),
  spec('getset', 3, ['write', 'fast'], [1, 1, 1], 'Set the value of a key and return its old value', async (ctx, args) => {
    const [, key, value] = args as [Buffer, Buffer, Buffer];
    const old = await ctx.kv.withKeys([key], async (ops) => {
      const previous = await ops.get(key);
      await ops.set(key, value);
      return previous;
    });
    ctx.out.bulk(old);
  }),
  spec('getdel', 2, ['write', 'fast'], [1, 1, 1], 'Get the value of a key and delete the key', async (ctx, args) => {
    const key = args[1]!;
    const old = await ctx.kv.withKeys([key], async (ops) => {
      const previous = await readValue(ctx, key);
      if (previous !== undefined) await ops.delete(key);
      return previous;
    });
    ctx.out.bulk(old);
  }),
  spec('mget', -2, ['readonly', 'fast'], [1, -1, 1], 'Get the values of several keys', async (ctx, args) => {
    ctx.out.bulks(await Promise.all(args.slice(1).map((key) => readValue(ctx, key))));
  }),
  spec('mset', -3, ['write'], [1, -1, 2], 'Set several keys, atomically', async (ctx, args) => {
    await ctx.kv.batch(pairs('mset', args));
    ctx.out.simple('OK');
  }),
  spec('msetnx', -3, ['write'], [1, -1, 2], 'Set several keys, only if none of them exists', async (ctx, args) => {
    const ops = pairs('msetnx', args);
    const keys = ops.map((op) => op.key as Buffer);
    const stored = await ctx.kv.withKeys(keys, async (locked) => {
      const present = await Promise.all(keys.map((key) => ctx.kv.has(key)));
      if (present.some(Boolean)) return false;
      await locked.batch(ops);
      return true;
    });
    ctx.out.integer(stored ? 1 : 0);
  }),
  spec('append', 3, ['write'], [1, 1, 1], 'Append a value to a key', append),
  spec('strlen', 2, ['readonly', 'fast'], [1, 1, 1], 'Length of the value of a key', async (ctx, args) => {
    ctx.out.integer((await readValue(ctx, args[1]!))?.length ?? 0);
  }),
  spec('getrange', 4, ['readonly'], [1, 1, 1], 'A substring of the value of a key', getRange),
  spec('substr', 4, ['readonly'], [1, 1, 1], 'A substring of the value of a key (old name of GETRANGE)', getRange),
  spec('setrange', 4, ['write'], [1, 1, 1], 'Overwrite part of a value at an offset', setRange),
  spec('incr', 2, ['write', 'fast'], [1, 1, 1], 'Increment the integer value of a key by one', (ctx, args) => incrBy(ctx, args[1]!, 1n)),
  spec('decr', 2, ['write', 'fast'], [1, 1, 1], 'Decrement the integer value of a key by one', (ctx, args) => incrBy(ctx, args[1]!, -1n)),
  spec('incrby', 3, ['write', 'fast'], [1, 1, 1], 'Increment the integer value of a key', (ctx, args) => incrBy(ctx, args[1]!, bigintArg(args[2]!))),
  spec('decrby', 3, ['write', 'fast'], [1, 1, 1], 'Decrement the integer value of a key', (ctx, args) => {
    const n = bigintArg(args[2]!);
    if (n === -(2n ** 63n)) throw new ReplyError('ERR decrement would overflow');
    return incrBy(ctx, args[1]!, -n);
  }),
  spec('incrbyfloat', 3, ['write', 'fast'], [1, 1, 1], 'Increment the float value of a key', incrByFloat),
];
