/**
 * Argument parsing shared by command handlers, with Redis's error replies: integers are strict
 * 64-bit decimals (no sign +, no spaces, no leading zeros), floats are C-style decimals.
 */
import { ReplyError } from '../resp-writer.js';

export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_SYNTAX = 'ERR syntax error';

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const INTEGER = /^(0|-?[1-9][0-9]{0,19})$/;
const FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$|^[+-]?inf(?:inity)?$/i;

/** The lowercase ASCII text of an option or command name. */
export function word(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase();
}

/** `arg` as a signed 64-bit integer, or undefined iff it is not exactly one. */
export function parseI64(arg: Buffer): bigint | undefined {
  if (arg.length === 0 || arg.length > 20) return undefined;
  const text = arg.toString('latin1');
  if (!INTEGER.test(text)) return undefined;
  const n = BigInt(text);
  return n < I64_MIN || n > I64_MAX ? undefined : n;
}

/** True iff `n` fits a signed 64-bit integer. */
export function inI64(n: bigint): boolean {
  return n >= I64_MIN && n <= I64_MAX;
}

/** `arg` as a 64-bit integer; replies `-ERR value is not an integer or out of range` otherwise. */
export function bigintArg(arg: Buffer): bigint {
  const n = parseI64(arg);
  if (n === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  return n;
}

/** `arg` as a number (offsets and counts; precision beyond 2^53 does not matter where it is used). */
export function intArg(arg: Buffer): number {
  return Number(bigintArg(arg));
}

/** `arg` as a finite-or-infinite float; replies `-ERR value is not a valid float` otherwise. */
export function parseFloatArg(arg: Buffer | undefined): number | undefined {
  if (arg === undefined || arg.length === 0 || arg.length > 5000) return undefined;
  const text = arg.toString('latin1');
  if (!FLOAT.test(text)) return undefined;
  const lower = text.toLowerCase();
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** A float as INCRBYFLOAT prints it: shortest round-trip digits, never exponent notation. */
export function formatFloat(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  const text = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  // Only tiny magnitudes reach here (non-integers >= 1e21 do not exist): move the point left.
  const digits = m[2]! + (m[3] ?? '');
  const point = 1 + Number(m[4]);
  return `${m[1]}0.${'0'.repeat(-point)}${digits}`;
}

/** The arity error Redis sends, naming the command in lowercase. */
export function arityError(name: string): ReplyError {
  return new ReplyError(`ERR wrong number of arguments for '${name}' command`);
}

/** Redis's reply to an unknown command: names it and quotes the start of its arguments. */
export function unknownCommandError(name: Buffer, args: Buffer[]): ReplyError {
  let budget = 128;
  let quoted = '';
  for (const arg of args) {
    if (budget <= 0) break;
    const text = arg.toString('utf8').slice(0, budget);
    budget -= text.length;
    quoted += `'${text}' `;
  }
  return new ReplyError(`ERR unknown command '${name.toString('utf8').slice(0, 128)}', with args beginning with: ${quoted}`);
}
