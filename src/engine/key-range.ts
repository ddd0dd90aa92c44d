/**
 * Scan bounds normalised to one lower and one upper bound, so engines handle a single shape
 * whatever combination of prefix/gte/gt/lte/lt the caller gave.
 */
import { compareBytes, prefixSuccessor, toBuffer } from '../util/bytes.js';
import { ErrorCodes, KvsError } from './errors.js';
import type { BytesLike, ScanOptions } from './types.js';

export interface Bound {
  key: Buffer;
  inclusive: boolean;
}

export interface KeyRange {
  lower?: Bound;
  upper?: Bound;
  /** Entries to yield at most; Infinity when unlimited. */
  limit: number;
  reverse: boolean;
}

/** True iff `key` is at or above the lower bound. */
export function aboveLower(range: KeyRange, key: Uint8Array): boolean {
  if (range.lower === undefined) return true;
  const c = compareBytes(key, range.lower.key);
  return range.lower.inclusive ? c >= 0 : c > 0;
}

/** True iff `key` is at or below the upper bound. */
export function belowUpper(range: KeyRange, key: Uint8Array): boolean {
  if (range.upper === undefined) return true;
  const c = compareBytes(key, range.upper.key);
  return range.upper.inclusive ? c <= 0 : c < 0;
}

/**
 * `range` narrowed to the keys that come strictly after `key` in its direction: how a scan
 * resumes after the last key it yielded (every engine's re-read after a write, one rule).
 */
export function resumeAfter(range: KeyRange, key: Buffer): KeyRange {
  const after: Bound = { key, inclusive: false };
  return range.reverse ? { ...range, upper: after } : { ...range, lower: after };
}

/** True iff `key` lies within both bounds. */
export function inRange(range: KeyRange, key: Uint8Array): boolean {
  return aboveLower(range, key) && belowUpper(range, key);
}

/** True iff no key can satisfy both bounds (or the limit is zero). */
export function isEmptyRange(range: KeyRange): boolean {
  if (range.limit === 0) return true;
  if (range.lower === undefined || range.upper === undefined) return false;
  const c = compareBytes(range.lower.key, range.upper.key);
  return c > 0 || (c === 0 && !(range.lower.inclusive && range.upper.inclusive));
}

function tighterLower(a: Bound | undefined, b: Bound): Bound {
  if (a === undefined) return b;
  const c = compareBytes(a.key, b.key);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

function tighterUpper(a: Bound | undefined, b: Bound): Bound {
  if (a === undefined) return b;
  const c = compareBytes(a.key, b.key);
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? b : a;
}

function boundKey(name: string, value: BytesLike): Buffer {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `scan option "${name}" must be a string or Uint8Array`);
  }
  return toBuffer(value);
}

/** Validates scan options and reduces them to one range. */
export function toKeyRange(options: ScanOptions = {}): KeyRange {
  const { limit, reverse } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0) && limit !== Infinity) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `scan limit must be a non-negative integer, got ${String(limit)}`);
  }
  const range: KeyRange = { limit: limit ?? Infinity, reverse: reverse === true };
  if (options.gte !== undefined) range.lower = tighterLower(range.lower, { key: boundKey('gte', options.gte), inclusive: true });
  if (options.gt !== undefined) range.lower = tighterLower(range.lower, { key: boundKey('gt', options.gt), inclusive: false });
  if (options.lte !== undefined) range.upper = tighterUpper(range.upper, { key: boundKey('lte', options.lte), inclusive: true });
  if (options.lt !== undefined) range.upper = tighterUpper(range.upper, { key: boundKey('lt', options.lt), inclusive: false });
  if (options.prefix !== undefined) {
    const prefix = boundKey('prefix', options.prefix);
    range.lower = tighterLower(range.lower, { key: prefix, inclusive: true });
    const end = prefixSuccessor(prefix);
    if (end !== undefined) range.upper = tighterUpper(range.upper, { key: end, inclusive: false });
  }
  return range;
}
