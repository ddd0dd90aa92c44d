/**
 * How kvs keys map onto Redis keys: `<namespace>:<key bytes>`, and the SCAN MATCH pattern that
 * selects the Redis keys a scan range can contain. Pure functions over Buffers.
 */
import type { KeyRange } from '../../engine/key-range.js';
import { compareBytes, prefixSuccessor } from '../../util/bytes.js';

/** A store's key space in one Redis database. */
export class KeySpace {
  /** `<namespace>:` as bytes. */
  readonly prefix: Buffer;

  constructor(namespace: string) {
    this.prefix = Buffer.from(`${namespace}:`, 'utf8');
  }

  /** The Redis key of a kvs key. */
  toRedis(key: Buffer): Buffer {
    return Buffer.concat([this.prefix, key]);
  }

  /** The kvs key of a Redis key, or undefined iff it lies outside this key space (or would be empty). */
  fromRedis(redisKey: Buffer): Buffer | undefined {
    if (redisKey.length <= this.prefix.length || !redisKey.subarray(0, this.prefix.length).equals(this.prefix)) return undefined;
    return Buffer.from(redisKey.subarray(this.prefix.length));
  }

  /** MATCH pattern for every Redis key of this space whose kvs key starts with `keyPrefix`. */
  matchPattern(keyPrefix: Buffer = Buffer.alloc(0)): Buffer {
    return Buffer.concat([escapeGlob(this.prefix), escapeGlob(keyPrefix), Buffer.from('*')]);
  }
}

// Bytes that Redis's glob matcher (stringmatchlen) treats specially; a backslash before any byte
// makes it literal.
const GLOB_SPECIAL = new Set([0x2a /* * */, 0x3f /* ? */, 0x5b /* [ */, 0x5d /* ] */, 0x5c /* \ */, 0x5e /* ^ */, 0x2d /* - */]);

/** `bytes` as a glob pattern that matches exactly those bytes. */
export function escapeGlob(bytes: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of bytes) {
    if (GLOB_SPECIAL.has(byte)) out.push(0x5c);
    out.push(byte);
  }
  return Buffer.from(out);
}

/**
 * The longest byte string every key in `range` starts with, so SCAN MATCH can leave the rest of
 * the database out. Any key between two bounds starts with their common prefix. A longer prefix P
 * of the lower bound also holds when the upper bound is at most successor(P) (below it when
 * inclusive): then lower <= key < successor(P), so key starts with P. A `prefix` scan is that case.
 */
export function commonRangePrefix(range: KeyRange): Buffer {
  const { lower, upper } = range;
  if (lower === undefined || upper === undefined) return Buffer.alloc(0);
  let common = 0;
  while (common < lower.key.length && common < upper.key.length && lower.key[common] === upper.key[common]) common++;
  const holds = (length: number): boolean => {
    const successor = prefixSuccessor(lower.key.subarray(0, length));
    if (successor === undefined) return true; // all 0xff: every key at or above it starts with it
    const c = compareBytes(successor, upper.key);
    return upper.inclusive ? c > 0 : c >= 0;
  };
  // Shorter prefixes have larger successors, so `holds` is monotone: binary search for the longest.
  let lo = common; // known to hold
  let hi = lower.key.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (holds(mid)) lo = mid;
    else hi = mid - 1;
  }
  return Buffer.from(lower.key.subarray(0, lo));
}
