/**
 * One page of an LMDB scan: the first `n` entries of a range in scan order, read synchronously
 * from the `kv` database and the `long-keys` buckets (see long-keys.ts) and merged. Taking the
 * first `n` of each source is enough: the first `n` of the union are among them.
 */
import { aboveLower, belowUpper, type KeyRange } from '../../engine/key-range.js';
import { compareBytes } from '../../util/bytes.js';
import type { Entry } from '../shared/resumable-scan.js';
import type { Database } from 'lmdb';
import { decodeBucket } from './long-keys.js';

export type { Entry };

export interface LmdbSources {
  kv: Database<Buffer, Buffer>;
  long: Database<Buffer, Buffer>;
  /** LMDB's largest key; long-key buckets are keyed by the first `maxKey` bytes. */
  maxKey: number;
  /** For error messages. */
  file: string;
}

/** Up to `n` entries of `range`, in scan order. */
export function readPage(src: LmdbSources, range: KeyRange, n: number): Entry[] {
  const short = collect(src, src.kv, range, n, (key, value) => [[key, value]]);
  const long = collect(src, src.long, range, n, (prefix, bucket) => {
    const entries = decodeBucket(bucket, `${src.file} (long-keys at a ${prefix.length}-byte prefix)`);
    const expanded = entries.map((e): Entry => [Buffer.concat([prefix, e.suffix]), e.value]);
    return range.reverse ? expanded.reverse() : expanded;
  });
  if (long.length === 0) return short;
  const sign = range.reverse ? -1 : 1;
  return [...short, ...long].sort((a, b) => sign * compareBytes(a[0], b[0])).slice(0, n);
}

/** The smallest key LMDB accepts. */
const ZERO_KEY = Buffer.from([0]);

/** Up to `n` in-range entries of `db` in scan order, each stored entry expanded by `expand`. */
function collect(src: LmdbSources, db: Database<Buffer, Buffer>, range: KeyRange, n: number, expand: (key: Buffer, value: Buffer) => Entry[]): Entry[] {
  const out: Entry[] = [];
  // Start at the near bound cut to LMDB's key size: every key in range sorts at or after the cut
  // (a key of at most maxKey bytes that passes a longer bound passes its maxKey-byte prefix too).
  const near = range.reverse ? range.upper : range.lower;
  const options: { reverse: boolean; start?: Buffer; end?: Buffer; inclusiveEnd?: boolean } = { reverse: range.reverse };
  if (near !== undefined) options.start = near.key.length > src.maxKey ? near.key.subarray(0, src.maxKey) : near.key;
  // Without an end, a reverse getRange stops before lmdb-js's default beginning key [0x00],
  // exclusive, and so never yields the key \x00. [0x00] is the smallest key LMDB can hold (it
  // rejects empty keys), so ending there inclusively covers the whole space; the far bound
  // itself is checked on each key below.
  if (range.reverse) {
    options.end = ZERO_KEY;
    options.inclusiveEnd = true;
  }
  for (const { key, value } of db.getRange(options)) {
    for (const entry of expand(key, value)) {
      const k = entry[0];
      if (range.reverse ? !belowUpper(range, k) : !aboveLower(range, k)) continue;
      if (range.reverse ? !aboveLower(range, k) : !belowUpper(range, k)) return out;
      out.push(entry);
      if (out.length === n) return out;
    }
  }
  return out;
}
