/**
 * The kvs key space over LMDB's two named databases: keys up to LMDB's maximum key size live in
 * `kv`, longer ones in buckets of `long-keys` (see long-keys.ts). This file decides where a key
 * lives; the engine wraps each call in a transaction and maps errors.
 * Concurrency: synchronous; writes must run inside a write transaction of the root database.
 */
import type { Database } from 'lmdb';
import type { KeyRange } from '../../engine/key-range.js';
import { readPage, type Entry, type LmdbSources } from './lmdb-scan.js';
import { decodeBucket, encodeBucket, findSuffix, type BucketEntry } from './long-keys.js';

type Db = Database<Buffer, Buffer>;

export class KeySpace implements LmdbSources {
  /**
   * `maxKey` is LMDB's largest key: longer keys live in buckets of `long` under their first
   * `maxKey` bytes. `file` names the data file in error messages.
   */
  constructor(
    readonly kv: Db,
    readonly long: Db,
    readonly maxKey: number,
    readonly file: string,
  ) {}

  /** The value of `key`, or undefined iff it is absent. */
  get(key: Buffer): Buffer | undefined {
    // getBinary copies the value out of the map; getBinaryFast would hand out a reused buffer.
    if (key.length <= this.maxKey) return this.kv.getBinary(key);
    const bucket = this.#bucket(key);
    const i = findSuffix(bucket, key.subarray(this.maxKey));
    return i >= 0 ? bucket[i]!.value : undefined;
  }

  /** True iff `key` is present. */
  has(key: Buffer): boolean {
    if (key.length > this.maxKey) return this.get(key) !== undefined;
    return this.kv.doesExist(key);
  }

  /** Up to `n` entries of `range`, in scan order. */
  page(range: KeyRange, n: number): Entry[] {
    return readPage(this, range, n);
  }

  /** The number of keys, long keys included (each bucket is decoded). */
  count(): number {
    let n = this.kv.getCount();
    for (const { value } of this.long.getRange({})) n += decodeBucket(value, this.#where()).length;
    return n;
  }

  /** REQUIRES: inside a write transaction. Stores `value` under `key`; LMDB copies both. */
  put(key: Buffer, value: Buffer): void {
    if (key.length <= this.maxKey) {
      this.kv.putSync(key, value);
      return;
    }
    const prefix = key.subarray(0, this.maxKey);
    const suffix = Buffer.from(key.subarray(this.maxKey));
    const bucket = this.#bucket(key);
    const i = findSuffix(bucket, suffix);
    if (i >= 0) bucket[i] = { suffix, value };
    else bucket.splice(-i - 1, 0, { suffix, value });
    this.long.putSync(prefix, encodeBucket(bucket));
  }

  /** REQUIRES: inside a write transaction. Removes `key`; true iff it was present. */
  remove(key: Buffer): boolean {
    if (key.length <= this.maxKey) return this.kv.removeSync(key);
    const prefix = key.subarray(0, this.maxKey);
    const bucket = this.#bucket(key);
    const i = findSuffix(bucket, key.subarray(this.maxKey));
    if (i < 0) return false;
    bucket.splice(i, 1);
    if (bucket.length === 0) this.long.removeSync(prefix);
    else this.long.putSync(prefix, encodeBucket(bucket));
    return true;
  }

  /** The decoded bucket holding the long key `key` (empty if none). */
  #bucket(key: Buffer): BucketEntry[] {
    const bytes = this.long.getBinary(key.subarray(0, this.maxKey));
    return bytes === undefined ? [] : decodeBucket(bytes, this.#where());
  }

  #where(): string {
    return `${this.file} (long-keys)`;
  }
}
