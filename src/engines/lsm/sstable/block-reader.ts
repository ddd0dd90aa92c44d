/**
 * A parsed, immutable data or index block (grammar in table-format.ts) and its iterator. The
 * restart array is validated when the block is parsed; each entry is bounds-checked as it is
 * decoded, so a bad length throws CORRUPTION naming the file and absolute byte offset. A Block
 * may be shared (block cache) by any number of iterators; an iterator is single-threaded.
 */
import { compareBytes } from '../../../util/bytes.js';
import { getVarint32 } from '../../../util/varint.js';
import { EntryKind, MAX_SEQ, TRAILER_SIZE, trailerKind, trailerSeq } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import { tableCorruption, type BlockSource } from './corruption.js';
import { RESTART_SIZE } from './table-format.js';

export class Block {
  /** Offset in `data` where the restart array starts (= end of the entries). */
  readonly restartsOffset: number;
  readonly numRestarts: number;

  /** Parses `data` (block contents without trailer). Throws CORRUPTION iff the restart array is malformed. */
  constructor(
    readonly data: Buffer,
    readonly source: BlockSource,
  ) {
    const fail = (at: number, reason: string): never => {
      throw tableCorruption(source.file, source.offset + at, reason);
    };
    if (data.length < 2 * RESTART_SIZE) fail(0, `block of ${data.length} bytes is too short to hold a restart array`);
    const countAt = data.length - RESTART_SIZE;
    this.numRestarts = data.readUInt32LE(countAt);
    if (this.numRestarts === 0 || this.numRestarts > Math.floor(countAt / RESTART_SIZE)) fail(countAt, `restart count ${this.numRestarts} does not fit a ${data.length}-byte block`);
    this.restartsOffset = countAt - this.numRestarts * RESTART_SIZE;
    let previous = -1;
    for (let i = 0; i < this.numRestarts; i++) {
      const r = data.readUInt32LE(this.restartsOffset + i * RESTART_SIZE);
      const inRange = r < this.restartsOffset || (r === 0 && this.restartsOffset === 0);
      if (!inRange || r <= previous || (i === 0 && r !== 0)) fail(this.restartsOffset + i * RESTART_SIZE, `restart point ${i} (${r}) is out of order or outside the entries`);
      previous = r;
    }
  }

  /** Bytes this block holds in memory (its charge in the block cache). */
  get size(): number {
    return this.data.length;
  }

  /** True iff the block has no entries. */
  isEmpty(): boolean {
    return this.restartsOffset === 0;
  }

  restartPoint(i: number): number {
    return this.data.readUInt32LE(this.restartsOffset + i * RESTART_SIZE);
  }

  iterator(): BlockIterator {
    return new BlockIterator(this);
  }
}

/** Iterates one block in internal order; key/value views stay valid until the next move. */
export class BlockIterator implements InternalIterator {
  private readonly data: Buffer;
  private readonly end: number;
  /** Offset of the current entry, or -1 iff not valid. */
  private current = -1;
  /** Offset just past the current entry: where the next one starts. */
  private nextOffset = 0;
  /** Index of the last restart point at or before `current`. */
  private restartIndex = 0;
  private keyBuf: Buffer = Buffer.allocUnsafe(64);
  private keyLen = 0;
  private valueStart = 0;
  private valueLen = 0;
  private curSeq = 0;
  private curKind: EntryKind = EntryKind.VALUE;
  private keyView: Buffer | undefined;

  constructor(private readonly block: Block) {
    this.data = block.data;
    this.end = block.restartsOffset;
  }

  valid(): boolean {
    return this.current >= 0;
  }
  key(): Buffer {
    return (this.keyView ??= this.keyBuf.subarray(0, this.keyLen - TRAILER_SIZE));
  }
  seq(): number {
    return this.curSeq;
  }
  kind(): EntryKind {
    return this.curKind;
  }
  value(): Buffer {
    return this.data.subarray(this.valueStart, this.valueStart + this.valueLen);
  }

  seekToFirst(): void {
    this.seekToRestartPoint(0);
    this.parseNext();
  }

  seekToLast(): void {
    this.seekToRestartPoint(this.block.numRestarts - 1);
    while (this.parseNext() && this.nextOffset < this.end) {
      // walk to the last entry of the last restart interval
    }
  }

  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    // Binary search for the last restart point whose (full) key sorts before the target.
    let left = 0;
    let right = this.block.numRestarts - 1;
    while (left < right) {
      const mid = (left + right + 1) >>> 1;
      if (this.compareRestartKey(mid, userKey, seq) < 0) left = mid;
      else right = mid - 1;
    }
    this.seekToRestartPoint(left);
    while (this.parseNext()) {
      if (this.compareCurrent(userKey, seq) >= 0) return;
    }
  }

  seekForPrev(userKey: Buffer): void {
    // Seq 0 is the last place a user key can occupy in internal order.
    this.seek(userKey, 0);
    if (!this.valid()) this.seekToLast();
    else if (compareBytes(this.key(), userKey) > 0) this.prev();
  }

  next(): void {
    this.parseNext();
  }

  prev(): void {
    const original = this.current;
    while (this.block.restartPoint(this.restartIndex) >= original) {
      if (this.restartIndex === 0) {
        this.invalidate();
        return;
      }
      this.restartIndex--;
    }
    this.seekToRestartPoint(this.restartIndex);
    while (this.parseNext() && this.nextOffset < original) {
      // walk forward to the entry just before `original`
    }
  }

  close(): void {
    this.invalidate();
  }

  /** Absolute file offset of the current entry (for error messages). REQUIRES: valid(). */
  position(): number {
    return this.block.source.offset + this.current;
  }

  /** Internal order of the current entry against (userKey, seq). REQUIRES: valid(). */
  private compareCurrent(userKey: Buffer, seq: number): number {
    const c = compareRange(this.keyBuf, 0, this.keyLen - TRAILER_SIZE, userKey);
    return c !== 0 ? c : seq - this.curSeq;
  }

  private compareRestartKey(index: number, userKey: Buffer, seq: number): number {
    const at = this.block.restartPoint(index);
    const shared = this.varint(at, at);
    const nonShared = this.varint(shared.next, at);
    const valueLen = this.varint(nonShared.next, at);
    if (shared.value !== 0) this.fail(at, `restart entry shares ${shared.value} key bytes (must be 0)`);
    const keyStart = valueLen.next;
    if (nonShared.value < TRAILER_SIZE || nonShared.value > this.end - keyStart) this.fail(at, `key of ${nonShared.value} bytes does not fit the block`);
    const userEnd = keyStart + nonShared.value - TRAILER_SIZE;
    const c = compareRange(this.data, keyStart, userEnd, userKey);
    return c !== 0 ? c : seq - trailerSeq(this.data, userEnd);
  }

  private seekToRestartPoint(index: number): void {
    this.keyLen = 0;
    this.restartIndex = index;
    this.nextOffset = this.block.restartPoint(index);
    this.current = -1;
  }

  /** Decodes the entry at nextOffset; false (and not valid) iff there is none. */
  private parseNext(): boolean {
    const at = this.nextOffset;
    if (at >= this.end) {
      this.invalidate();
      return false;
    }
    const shared = this.varint(at, at);
    const nonShared = this.varint(shared.next, at);
    const valueLen = this.varint(nonShared.next, at);
    const keyStart = valueLen.next;
    if (shared.value > this.keyLen) this.fail(at, `entry shares ${shared.value} bytes of a ${this.keyLen}-byte previous key`);
    if (nonShared.value > this.end - keyStart) this.fail(at, `key delta of ${nonShared.value} bytes runs past the entries`);
    const valueStart = keyStart + nonShared.value;
    if (valueLen.value > this.end - valueStart) this.fail(at, `value of ${valueLen.value} bytes runs past the entries`);
    const keyLen = shared.value + nonShared.value;
    if (keyLen < TRAILER_SIZE) this.fail(at, `internal key of ${keyLen} bytes is shorter than its ${TRAILER_SIZE}-byte trailer`);
    if (keyLen > this.keyBuf.length) {
      const grown = Buffer.allocUnsafe(Math.max(keyLen, this.keyBuf.length * 2));
      this.keyBuf.copy(grown, 0, 0, shared.value);
      this.keyBuf = grown;
    }
    copyRange(this.data, keyStart, valueStart, this.keyBuf, shared.value);
    const kind = trailerKind(this.keyBuf, keyLen - TRAILER_SIZE);
    if (kind !== EntryKind.VALUE && kind !== EntryKind.DELETION) this.fail(at, `unknown entry kind ${kind}`);
    this.keyLen = keyLen;
    this.keyView = undefined;
    this.curKind = kind as EntryKind;
    this.curSeq = trailerSeq(this.keyBuf, keyLen - TRAILER_SIZE);
    this.valueStart = valueStart;
    this.valueLen = valueLen.value;
    this.current = at;
    this.nextOffset = valueStart + valueLen.value;
    const restarts = this.block.numRestarts;
    while (this.restartIndex + 1 < restarts && this.block.restartPoint(this.restartIndex + 1) <= at) this.restartIndex++;
    return true;
  }

  private varint(at: number, entryAt: number): { value: number; next: number } {
    return getVarint32(this.data, at, this.end) ?? this.fail(entryAt, 'malformed length varint');
  }

  private fail(at: number, reason: string): never {
    this.invalidate();
    throw tableCorruption(this.block.source.file, this.block.source.offset + at, reason);
  }

  private invalidate(): void {
    this.current = -1;
    this.keyView = undefined;
  }
}

/**
 * Byte order of a[start, end) against b. A JS loop rather than Buffer#compare with offsets: keys
 * are short, and the native call's fixed cost dominated point reads when profiled.
 */
function compareRange(a: Uint8Array, start: number, end: number, b: Uint8Array): number {
  const aLen = end - start;
  const n = Math.min(aLen, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[start + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return aLen - b.length;
}

/** Copies src[start, end) to dst at `at`; a loop for the short key deltas prefix compression leaves. */
function copyRange(src: Buffer, start: number, end: number, dst: Buffer, at: number): void {
  if (end - start > 32) {
    src.copy(dst, at, start, end);
    return;
  }
  for (let i = start; i < end; i++) dst[at++] = src[i]!;
}
