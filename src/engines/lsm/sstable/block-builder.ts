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
  /** The last key added: lastKeyBuf[0, lastKeyLen), reused so that an add allocates nothing. */
  private lastKeyBuf: Buffer = Buffer.allocUnsafe(64);
  private lastKeyLen = 0;
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

  /** The last key added, a view valid until the next add() or reset(). REQUIRES: !empty(). */
  lastAddedKey(): Buffer {
    return this.lastKeyBuf.subarray(0, this.lastKeyLen);
  }

  /**
   * Appends an entry: `key[0, keyLength)` is an internal key. REQUIRES: keys strictly increase in internal
   * order (the table builder checks it; the block stores what it is given).
   */
  add(key: Uint8Array, value: Uint8Array, keyLength: number = key.length): void {
    let shared = 0;
    const last = this.lastKeyBuf;
    if (this.sinceRestart < this.restartInterval) {
      const limit = Math.min(keyLength, this.lastKeyLen);
      while (shared < limit && key[shared] === last[shared]) shared++;
    } else {
      this.restarts.push(this.bytes);
      this.sinceRestart = 0;
    }
    const nonShared = keyLength - shared;
    this.reserve(varintLength(shared) + varintLength(nonShared) + varintLength(value.length) + nonShared + value.length);
    const buf = this.buf;
    let at = putVarint(buf, putVarint(buf, putVarint(buf, this.bytes, shared), nonShared), value.length);
    for (let i = shared; i < keyLength; i++) buf[at++] = key[i]!;
    buf.set(value, at);
    this.bytes = at + value.length;
    if (keyLength > last.length) {
      this.lastKeyBuf = Buffer.allocUnsafe(Math.max(keyLength, last.length * 2));
      this.lastKeyBuf.set(key.subarray(0, keyLength));
    } else {
      for (let i = shared; i < keyLength; i++) last[i] = key[i]!;
    }
    this.lastKeyLen = keyLength;
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
    this.lastKeyLen = 0;
    this.entries = 0;
  }
}
