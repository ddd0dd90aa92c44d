/**
 * Entries as the LSM engine stores them: a user key, a sequence number, a kind, a value.
 * Internal order sorts by user key ascending (bytewise), then sequence number descending, so
 * that the newest version of a key is met first. On disk (SSTable blocks, see
 * docs/formats/lsm.md) an entry's internal key is the user key followed by an 8-byte trailer:
 *
 *   internalKey := userKey trailer
 *   trailer     := u64 little-endian of (seq * 256 + kind)      -- seq < 2^48, kind: u8
 *
 * A WAL record carries seq and kind in its own grammar, not as a trailer.
 */
import { compareBytes } from '../../util/bytes.js';

export const EntryKind = { DELETION: 0, VALUE: 1 } as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** Width of the internal key trailer: u64 = 8 bytes. */
export const TRAILER_SIZE = 8;
/** Largest sequence number: 48 bits, so seq * 256 + kind stays below 2^56 and each u32 half of the trailer is exact. */
export const MAX_SEQ = 2 ** 48 - 1;

/** Internal order of two entries: negative iff (aKey, aSeq) sorts before (bKey, bSeq). */
export function compareInternal(aKey: Uint8Array, aSeq: number, bKey: Uint8Array, bSeq: number): number {
  const c = compareBytes(aKey, bKey);
  if (c !== 0) return c;
  return bSeq - aSeq; // higher seq (newer) first
}

/**
 * Writes the trailer of (seq, kind) at `offset`. The u64 is written as two u32 halves:
 * low = (seq mod 2^24) * 256 + kind, high = floor(seq / 2^24), so no value exceeds 2^53.
 */
export function encodeTrailer(buf: Buffer, offset: number, seq: number, kind: EntryKind): void {
  buf.writeUInt32LE(((seq % 0x1000000) * 256 + kind) >>> 0, offset);
  buf.writeUInt32LE(Math.floor(seq / 0x1000000), offset + 4);
}

/** Sequence number of the trailer at `offset`. */
export function trailerSeq(buf: Uint8Array, offset: number): number {
  const low = (buf[offset]! | (buf[offset + 1]! << 8) | (buf[offset + 2]! << 16) | (buf[offset + 3]! << 24)) >>> 0;
  const high = (buf[offset + 4]! | (buf[offset + 5]! << 8) | (buf[offset + 6]! << 16) | (buf[offset + 7]! << 24)) >>> 0;
  return high * 0x1000000 + Math.floor(low / 256);
}

/** Kind byte of the trailer at `offset` (not validated: callers check it is a known kind). */
export function trailerKind(buf: Uint8Array, offset: number): number {
  return buf[offset]!;
}

/**
 * Where a point read found an entry: its sequence number, kind, and the value as a range of a
 * buffer it does not own (a cached block, a memtable's arena). The read path fills one of these
 * in place instead of allocating a result per table probed; the caller copies the value out
 * once, before the next lookup. `bytes` is a Buffer so that the copy can be a native one.
 */
export class FoundEntry {
  seq = 0;
  kind: EntryKind = EntryKind.VALUE;
  bytes: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;

  /** A fresh copy of the value. */
  copyValue(): Buffer {
    const len = this.end - this.start;
    const out = Buffer.allocUnsafe(len);
    const bytes = this.bytes;
    if (len <= 64) {
      for (let i = 0, j = this.start; i < len; i++, j++) out[i] = bytes[j]!;
    } else {
      bytes.copy(out, 0, this.start, this.end);
    }
    return out;
  }

  /** The value as a view (valid while the buffer it points into lives). */
  valueView(): Buffer {
    return this.bytes.subarray(this.start, this.end);
  }
}
