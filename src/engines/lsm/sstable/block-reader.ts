/**
 * A data or index block (grammar in table-format.ts) decoded once, when it is loaded, into flat
 * arrays: every user key written out whole into one buffer, and per entry its key range, value
 * range, sequence number and kind. A lookup is then a binary search that compares keys in place,
 * with no varint decoding, no prefix reconstruction and no allocation; the block cache keeps
 * blocks in this form. Decoding checks every length against the block (decoders never trust a
 * length), so a bad byte is CORRUPTION naming the file and absolute offset of the entry.
 * Immutable once built and shared by any number of single-threaded iterators.
 */
import { EntryKind, MAX_SEQ, TRAILER_SIZE, trailerSeq } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import { tableCorruption, type BlockSource } from './corruption.js';
import { RESTART_SIZE } from './table-format.js';

/**
 * Per entry, META_STRIDE u32s in `meta`: key start in `keys`, value start and end in `data`,
 * entry offset in `data`. Keys lie back to back, so entry i's key ends where entry i + 1's
 * starts; meta[count * META_STRIDE] holds the end of the last one.
 */
const KEY_START = 0;
const VALUE_START = 1;
const VALUE_END = 2;
const ENTRY_AT = 3;
const META_STRIDE = 4;
/** Bytes of the decoded arrays per entry: f64 seq + META_STRIDE u32 + u8 kind = 8 + 16 + 1 = 25. */
export const DECODED_BYTES_PER_ENTRY = 8 + META_STRIDE * 4 + 1;

/** Scratch space for decoding, reused by every block (decoding is synchronous). */
let scratchMeta = new Uint32Array(1024 * META_STRIDE);
let scratchSeqs = new Float64Array(1024);
let scratchKinds = new Uint8Array(1024);
let scratchKeys = Buffer.allocUnsafe(64 * 1024);

export class Block {
  /** Number of entries. */
  readonly count: number;
  /** Every user key, whole, back to back (entry i is keys[meta[5i], meta[5i + 1])). */
  readonly keys: Buffer;
  readonly meta: Uint32Array;
  readonly seqs: Float64Array;
  readonly kinds: Uint8Array;
  /**
   * Bytes of block contents: its charge in the block cache, as LevelDB charges a block. The
   * decoded form adds `decodedBytes` on top (whole user keys and DECODED_BYTES_PER_ENTRY per entry).
   */
  readonly size: number;
  readonly decodedBytes: number;

  /**
   * Decodes `data` (block contents without trailer). Throws CORRUPTION naming `source.file` and
   * the absolute offset iff the restart array or any entry is malformed.
   */
  constructor(
    readonly data: Buffer,
    readonly source: BlockSource,
  ) {
    const fail = (at: number, reason: string): never => {
      throw tableCorruption(source.file, source.offset + at, reason);
    };
    if (data.length < 2 * RESTART_SIZE) fail(0, `block of ${data.length} bytes is too short to hold a restart array`);
    const countAt = data.length - RESTART_SIZE;
    const numRestarts = data.readUInt32LE(countAt);
    if (numRestarts === 0 || numRestarts > Math.floor(countAt / RESTART_SIZE)) fail(countAt, `restart count ${numRestarts} does not fit a ${data.length}-byte block`);
    const end = countAt - numRestarts * RESTART_SIZE;
    let previous = -1;
    for (let i = 0; i < numRestarts; i++) {
      const r = data.readUInt32LE(end + i * RESTART_SIZE);
      const inRange = r < end || (r === 0 && end === 0);
      if (!inRange || r <= previous || (i === 0 && r !== 0)) fail(end + i * RESTART_SIZE, `restart point ${i} (${r}) is out of order or outside the entries`);
      previous = r;
    }
    /** Index of the next restart point not yet reached, and its offset (end once all are reached). */
    let nextRestart = 0;
    let restartAt = 0;
    let n = 0;
    let keysLen = 0;
    let prevStart = 0;
    let prevLen = 0;
    let at = 0;
    while (at < end) {
      if (at > restartAt) fail(end + nextRestart * RESTART_SIZE, `restart point ${nextRestart} (${restartAt}) does not start an entry`);
      const isRestart = at === restartAt;
      if (isRestart) {
        nextRestart++;
        restartAt = nextRestart < numRestarts ? data.readUInt32LE(end + nextRestart * RESTART_SIZE) : end;
      }
      const entryAt = at;
      // Three varint32s, decoded inline: one byte each in all but huge entries.
      let shared = data[at++]!;
      if (shared >= 0x80) [shared, at] = slowVarint(data, at - 1, end, entryAt, fail);
      if (at >= end) fail(entryAt, 'malformed length varint');
      let nonShared = data[at++]!;
      if (nonShared >= 0x80) [nonShared, at] = slowVarint(data, at - 1, end, entryAt, fail);
      if (at >= end) fail(entryAt, 'malformed length varint');
      let valueLen = data[at++]!;
      if (valueLen >= 0x80) [valueLen, at] = slowVarint(data, at - 1, end, entryAt, fail);
      if (isRestart && shared !== 0) fail(entryAt, `restart entry shares ${shared} key bytes (must be 0)`);
      if (shared > prevLen + (n === 0 ? 0 : TRAILER_SIZE)) fail(entryAt, `entry shares ${shared} bytes of a ${n === 0 ? 0 : prevLen + TRAILER_SIZE}-byte previous key`);
      if (nonShared > end - at) fail(entryAt, `key delta of ${nonShared} bytes runs past the entries`);
      const valueStart = at + nonShared;
      if (valueLen > end - valueStart) fail(entryAt, `value of ${valueLen} bytes runs past the entries`);
      const keyLen = shared + nonShared;
      if (keyLen < TRAILER_SIZE) fail(entryAt, `internal key of ${keyLen} bytes is shorter than its ${TRAILER_SIZE}-byte trailer`);
      const userLen = keyLen - TRAILER_SIZE;
      if (n + 1 >= scratchSeqs.length) growEntries();
      if (keysLen + keyLen > scratchKeys.length) growKeys(keysLen + keyLen);
      // The key is the previous (whole) user key's first `shared` bytes, then the delta; the
      // trailer may straddle the two, so build the internal key at keysLen and keep its user part.
      const keys = scratchKeys;
      const start = keysLen;
      if (shared > 0) {
        const fromPrev = Math.min(shared, prevLen);
        for (let i = 0; i < fromPrev; i++) keys[start + i] = keys[prevStart + i]!;
        // Sharing into the previous trailer: those bytes sit in the previous entry's decoded trailer.
        for (let i = fromPrev; i < shared; i++) keys[start + i] = prevTrailer[i - prevLen]!;
      }
      copyBytes(data, at, valueStart, keys, start + shared);
      const kind = keys[start + userLen]!;
      if (kind !== EntryKind.VALUE && kind !== EntryKind.DELETION) fail(entryAt, `unknown entry kind ${kind}`);
      for (let i = 0; i < TRAILER_SIZE; i++) prevTrailer[i] = keys[start + userLen + i]!;
      const m = n * META_STRIDE;
      scratchMeta[m + KEY_START] = start;
      scratchMeta[m + VALUE_START] = valueStart;
      scratchMeta[m + VALUE_END] = valueStart + valueLen;
      scratchMeta[m + ENTRY_AT] = entryAt;
      scratchSeqs[n] = trailerSeq(keys, start + userLen);
      scratchKinds[n] = kind;
      n++;
      prevStart = start;
      prevLen = userLen;
      keysLen = start + userLen; // the trailer is dropped: the next key overwrites it
      at = valueStart + valueLen;
    }
    if (end > 0 && nextRestart !== numRestarts) fail(end + nextRestart * RESTART_SIZE, `restart point ${nextRestart} (${restartAt}) does not start an entry`);
    scratchMeta[n * META_STRIDE + KEY_START] = keysLen;
    this.count = n;
    // One allocation for every decoded array: seqs (f64, first for alignment), meta, kinds, keys.
    const metaLen = n * META_STRIDE + 1;
    const store = new ArrayBuffer(n * 8 + metaLen * 4 + n + keysLen);
    this.seqs = new Float64Array(store, 0, n);
    this.seqs.set(scratchSeqs.subarray(0, n));
    this.meta = new Uint32Array(store, n * 8, metaLen);
    this.meta.set(scratchMeta.subarray(0, metaLen));
    this.kinds = new Uint8Array(store, n * 8 + metaLen * 4, n);
    this.kinds.set(scratchKinds.subarray(0, n));
    this.keys = Buffer.from(store, n * 8 + metaLen * 4 + n, keysLen);
    this.keys.set(scratchKeys.subarray(0, keysLen));
    this.size = data.length;
    this.decodedBytes = store.byteLength;
  }

  /** True iff the block has no entries. */
  isEmpty(): boolean {
    return this.count === 0;
  }

  /**
   * Index of the first entry at or after (userKey, seq) in internal order, or `count` iff none.
   * A binary search comparing keys in place.
   */
  lowerBound(userKey: Uint8Array, seq: number): number {
    const keys = this.keys;
    const meta = this.meta;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = mid * META_STRIDE;
      const c = compareRange(keys, meta[m + KEY_START]!, meta[m + META_STRIDE + KEY_START]!, userKey) || seq - this.seqs[mid]!;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** True iff entry `i`'s user key equals `userKey`. REQUIRES: 0 <= i < count. */
  keyEquals(i: number, userKey: Uint8Array): boolean {
    const m = i * META_STRIDE;
    return compareRange(this.keys, this.meta[m + KEY_START]!, this.meta[m + META_STRIDE + KEY_START]!, userKey) === 0;
  }

  /** User key of entry `i`, a view. */
  keyAt(i: number): Buffer {
    const m = i * META_STRIDE;
    return this.keys.subarray(this.meta[m + KEY_START]!, this.meta[m + META_STRIDE + KEY_START]!);
  }
  valueStart(i: number): number {
    return this.meta[i * META_STRIDE + VALUE_START]!;
  }
  valueEnd(i: number): number {
    return this.meta[i * META_STRIDE + VALUE_END]!;
  }
  /** Value of entry `i`, a view into the block contents. */
  valueAt(i: number): Buffer {
    const m = i * META_STRIDE;
    return this.data.subarray(this.meta[m + VALUE_START]!, this.meta[m + VALUE_END]!);
  }
  /** Absolute file offset of entry `i` (for error messages). */
  position(i: number): number {
    return this.source.offset + this.meta[i * META_STRIDE + ENTRY_AT]!;
  }

  iterator(): BlockIterator {
    return new BlockIterator(this);
  }
}

/** The last decoded internal key's trailer, for a next key that shares into it. */
const prevTrailer = new Uint8Array(TRAILER_SIZE);

function growEntries(): void {
  const n = scratchSeqs.length * 2;
  const meta = new Uint32Array(n * META_STRIDE);
  meta.set(scratchMeta);
  scratchMeta = meta;
  const seqs = new Float64Array(n);
  seqs.set(scratchSeqs);
  scratchSeqs = seqs;
  const kinds = new Uint8Array(n);
  kinds.set(scratchKinds);
  scratchKinds = kinds;
}

function growKeys(need: number): void {
  const keys = Buffer.allocUnsafe(Math.max(need, scratchKeys.length * 2));
  scratchKeys.copy(keys);
  scratchKeys = keys;
}

/** A varint32 of more than one byte at `at`: [value, offset past it]; fails as malformed. */
function slowVarint(data: Uint8Array, at: number, end: number, entryAt: number, fail: (at: number, reason: string) => never): [number, number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= end) break;
    const b = data[at + i]!;
    if (i === 4 && b > 0x0f) break; // bits past 32
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return [value, at + i + 1];
  }
  return fail(entryAt, 'malformed length varint');
}

/** Iterates one block in internal order; key/value views stay valid while the block lives. */
export class BlockIterator implements InternalIterator {
  /** Current entry, or -1 iff not valid. */
  private i = -1;
  private keyView: Buffer | undefined;

  constructor(readonly block: Block) {}

  valid(): boolean {
    return this.i >= 0;
  }
  key(): Buffer {
    return (this.keyView ??= this.block.keyAt(this.i));
  }
  seq(): number {
    return this.block.seqs[this.i]!;
  }
  kind(): EntryKind {
    return this.block.kinds[this.i]! as EntryKind;
  }
  value(): Buffer {
    return this.block.valueAt(this.i);
  }
  /** Index of the current entry. REQUIRES: valid(). */
  index(): number {
    return this.i;
  }

  seekToFirst(): void {
    this.moveTo(0);
  }
  seekToLast(): void {
    this.moveTo(this.block.count - 1);
  }
  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    this.moveTo(this.block.lowerBound(userKey, seq));
  }
  seekForPrev(userKey: Buffer): void {
    // Seq -1 sorts after every version of userKey: the entry before that bound is the answer.
    this.moveTo(this.block.lowerBound(userKey, -1) - 1);
  }
  next(): void {
    this.moveTo(this.i + 1);
  }
  prev(): void {
    this.moveTo(this.i - 1);
  }
  close(): void {
    this.moveTo(-1);
  }

  /** Absolute file offset of the current entry (for error messages). REQUIRES: valid(). */
  position(): number {
    return this.block.position(this.i);
  }

  private moveTo(i: number): void {
    this.i = i >= 0 && i < this.block.count ? i : -1;
    this.keyView = undefined;
  }
}

/**
 * Byte order of a[start, end) against b. A JS loop rather than Buffer#compare with offsets: keys
 * are short, and the native call's fixed cost dominated point reads when profiled.
 */
export function compareRange(a: Uint8Array, start: number, end: number, b: Uint8Array): number {
  const aLen = end - start;
  const n = aLen < b.length ? aLen : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[start + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return aLen - b.length;
}

/** Copies src[start, end) to dst at `at`; a loop for the short key deltas prefix compression leaves. */
function copyBytes(src: Buffer, start: number, end: number, dst: Buffer, at: number): void {
  if (end - start > 32) {
    src.copy(dst, at, start, end);
    return;
  }
  for (let i = start; i < end; i++) dst[at++] = src[i]!;
}
