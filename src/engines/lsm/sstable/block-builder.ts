/**
 * Builds the contents of one data or index block (grammar in table-format.ts): prefix-compressed
 * entries with a full key every `restartInterval` entries, then the restart array and count.
 * Not thread-safe; one builder per block being written, reused after reset().
 */
import { putVarint, varintLength } from '../../../util/varint.js';
import { RESTART_SIZE } from './table-format.js';

export class BlockBuilder {
  private readonly restartInterval: number;
  /** Entry bytes so far in buf[0, bytes); grown by doubling. Keys and values are copied in, so callers may reuse theirs. */
  private buf: Buffer = Buffer.allocUnsafe(4096);
  private bytes = 0;
  private restarts: number[] = [0];
  private sinceRestart = 0;
  private lastKey: Buffer = Buffer.alloc(0);
  private entries = 0;

  /** REQUIRES: restartInterval >= 1. */
  constructor(restartInterval: number) {
    if (!Number.isInteger(restartInterval) || restartInterval < 1) throw new RangeError(`restartInterval must be an integer >= 1; got ${restartInterval}`);
    this.restartInterval = restartInterval;
  }

  /** True iff no entry was added since construction or the last reset(). */
  empty(): boolean {
    return this.entries === 0;
  }

  /** Entries added since the last reset(). */
  count(): number {
    return this.entries;
  }

  /** Size of the contents finish() would return now. */
  estimatedSize(): number {
    return this.bytes + this.restarts.length * RESTART_SIZE + RESTART_SIZE;
  }

  /** The last key added. REQUIRES: !empty(). */
  lastAddedKey(): Buffer {
    return this.lastKey;
  }

  /**
   * Appends an entry. `key` is an internal key. REQUIRES: keys strictly increase in internal
   * order (the table builder checks it; the block stores what it is given).
   */
  add(key: Buffer, value: Uint8Array): void {
    let shared = 0;
    if (this.sinceRestart < this.restartInterval) {
      const limit = Math.min(key.length, this.lastKey.length);
      while (shared < limit && key[shared] === this.lastKey[shared]) shared++;
    } else {
      this.restarts.push(this.bytes);
      this.sinceRestart = 0;
    }
    const nonShared = key.length - shared;
    this.reserve(varintLength(shared) + varintLength(nonShared) + varintLength(value.length) + nonShared + value.length);
    let at = putVarint(this.buf, putVarint(this.buf, putVarint(this.buf, this.bytes, shared), nonShared), value.length);
    at += key.copy(this.buf, at, shared);
    this.buf.set(value, at);
    this.bytes = at + value.length;
    this.lastKey = Buffer.from(key);
    this.sinceRestart++;
    this.entries++;
  }

  /** The block contents. The builder must be reset() before it is used again. */
  finish(): Buffer {
    const tail = Buffer.allocUnsafe((this.restarts.length + 1) * RESTART_SIZE);
    this.restarts.forEach((r, i) => tail.writeUInt32LE(r, i * RESTART_SIZE));
    tail.writeUInt32LE(this.restarts.length, this.restarts.length * RESTART_SIZE);
    return Buffer.concat([this.buf.subarray(0, this.bytes), tail], this.bytes + tail.length);
  }

  private reserve(n: number): void {
    if (this.bytes + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.bytes + n));
    this.buf.copy(grown, 0, 0, this.bytes);
    this.buf = grown;
  }

  /** Forgets every entry, ready for the next block. */
  reset(): void {
    this.bytes = 0;
    this.restarts = [0];
    this.sinceRestart = 0;
    this.lastKey = Buffer.alloc(0);
    this.entries = 0;
  }
}
