/**
 * Bit commands on string values: SETBIT, GETBIT, BITCOUNT [start end [BYTE|BIT]]. Bit 0 is the
 * most significant bit of the first byte, as in Redis. SETBIT grows the value with zero bytes;
 * offsets are bounded by the value limit instead of Redis's 512 MiB.
 */
import { MAX_VALUE_BYTES } from '../../../engine/limits.js';
import { ReplyError } from '../resp-writer.js';
import { ERR_SYNTAX, intArg, parseI64, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec } from './command-table.js';
import { readValue } from './keyspace.js';

const ERR_OFFSET = 'ERR bit offset is not an integer or out of range';

function spec(name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys: [1, 1, 1], category: '@bitmap', summary, handler };
}

function bitOffset(arg: Buffer): number {
  const n = parseI64(arg);
  if (n === undefined || n < 0n || n >> 3n >= BigInt(MAX_VALUE_BYTES)) throw new ReplyError(ERR_OFFSET);
  return Number(n);
}

const POPCOUNT = new Uint8Array(256).map((_, n) => {
  let c = 0;
  for (let v = n; v !== 0; v >>= 1) c += v & 1;
  return c;
});

function popcount(buf: Buffer, start: number, end: number): number {
  let count = 0;
  for (let i = start; i <= end; i++) count += POPCOUNT[buf[i]!]!;
  return count;
}

async function bitcount(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const value = await readValue(ctx, args[1]!);
  if (value === undefined) return ctx.out.integer(0);
  if (args.length === 2) return ctx.out.integer(popcount(value, 0, value.length - 1));
  if (args.length !== 4 && args.length !== 5) throw new ReplyError(ERR_SYNTAX);
  let start = intArg(args[2]!);
  let end = intArg(args[3]!);
  let isBit = false;
  if (args.length === 5) {
    const unit = word(args[4]!);
    if (unit === 'bit') isBit = true;
    else if (unit !== 'byte') throw new ReplyError(ERR_SYNTAX);
  }
  if (start < 0 && end < 0 && start > end) return ctx.out.integer(0);
  const total = isBit ? value.length * 8 : value.length;
  if (start < 0) start = Math.max(0, total + start);
  if (end < 0) end = Math.max(0, total + end);
  if (end >= total) end = total - 1;
  if (start > end) return ctx.out.integer(0);
  if (!isBit) return ctx.out.integer(popcount(value, start, end));
  let count = 0;
  for (let bit = start; bit <= end; bit++) count += (value[bit >> 3]! >> (7 - (bit & 7))) & 1;
  ctx.out.integer(count);
}

export const bitCommands: CommandSpec[] = [
  spec('setbit', 4, ['write'], 'Set or clear the bit at an offset; replies the bit it replaced', async (ctx, args) => {
    const key = args[1]!;
    const offset = bitOffset(args[2]!);
    const bitArg = args[3]!.toString('latin1');
    if (bitArg !== '0' && bitArg !== '1') throw new ReplyError('ERR bit is not an integer or out of range');
    const on = bitArg === '1';
    const old = await ctx.kv.withKeys([key], async (ops) => {
      const current = (await ops.get(key)) ?? Buffer.alloc(0);
      const byte = offset >> 3;
      const mask = 1 << (7 - (offset & 7));
      const was = byte < current.length && (current[byte]! & mask) !== 0 ? 1 : 0;
      const next = Buffer.alloc(Math.max(current.length, byte + 1));
      current.copy(next);
      next[byte] = on ? next[byte]! | mask : next[byte]! & ~mask;
      if (!next.equals(current)) await ops.set(key, next);
      return was;
    });
    ctx.out.integer(old);
  }),
  spec('getbit', 3, ['readonly', 'fast'], 'The bit at an offset (0 past the end)', async (ctx, args) => {
    const offset = bitOffset(args[2]!);
    const value = await readValue(ctx, args[1]!);
    const byte = offset >> 3;
    ctx.out.integer(value !== undefined && byte < value.length ? (value[byte]! >> (7 - (offset & 7))) & 1 : 0);
  }),
  spec('bitcount', -2, ['readonly'], 'Count set bits, in a byte (or BIT) range', bitcount),
];
