/**
 * The bytes the benchmark writes: fixed-width decimal keys (db_bench's "%016d") and values cut
 * from a seeded random pool. Record index i always maps to the same key on every engine.
 */
import type { Random } from './random.js';

/** Keys of exactly `keySize` bytes: the record index in decimal, zero-padded on the left. */
export class KeyCodec {
  constructor(readonly keySize: number) {}

  /** The largest record index this width can hold. */
  get maxIndex(): number {
    return this.keySize >= 15 ? Number.MAX_SAFE_INTEGER : 10 ** this.keySize - 1;
  }

  /** The key of record `i`; byte order of keys equals numeric order of indexes. */
  key(i: number): Buffer {
    return Buffer.from(String(i).padStart(this.keySize, '0'), 'latin1');
  }

  /**
   * A key that is never written: record i's key plus ".", as db_bench's readmissing does. It
   * sorts between record i and record i+1, so range checks cannot reject it; only a lookup can.
   */
  missingKey(i: number): Buffer {
    return Buffer.from(`${String(i).padStart(this.keySize, '0')}.`, 'latin1');
  }

  /** The record index of a key made by `key`, or -1 if it is not one. */
  index(key: Uint8Array): number {
    const text = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
    return text.length === this.keySize && /^[0-9]+$/.test(text) ? Number(text) : -1;
  }
}

/** Size of the random pool values are cut from; larger than any CPU cache, as in db_bench. */
const POOL_BYTES = 1 << 20;

/** Values of exactly `valueSize` bytes, consecutive slices of a seeded random pool. */
export class ValueSource {
  readonly #pool: Buffer;
  #pos = 0;

  constructor(
    readonly valueSize: number,
    rng: Random,
  ) {
    this.#pool = Buffer.allocUnsafe(POOL_BYTES + valueSize);
    rng.fill(this.#pool);
  }

  /** A fresh Buffer (callers of a store hand it their own bytes, not a view of a shared pool). */
  next(): Buffer {
    if (this.#pos + this.valueSize > this.#pool.length) this.#pos = 0;
    const out = Buffer.from(this.#pool.subarray(this.#pos, this.#pos + this.valueSize));
    this.#pos += this.valueSize;
    if (this.#pos >= POOL_BYTES) this.#pos = 0;
    return out;
  }
}
