/**
 * A point lookup in a block's raw contents (grammar in table-format.ts), for a block just read
 * from the file: binary search of the restart points, whose keys are whole and compared where
 * they lie, then a scan of at most one restart interval, rebuilding each key in a scratch buffer.
 * A block looked up once and evicted is never decoded whole (block-reader.ts decodes it on its
 * second lookup). Every length read is checked against the entries: a bad one is CORRUPTION
 * naming the file and the entry's absolute offset. Synchronous; allocates nothing but the error.
 */
import { EntryKind, TRAILER_SIZE, trailerSeq, type FoundEntry } from '../entry.js';
import { tableCorruption, type BlockSource } from './corruption.js';
import { RESTART_SIZE } from './table-format.js';

let scratch = Buffer.allocUnsafe(256);

/** The block's entry region [0, end) and restart array, as validated by Block's constructor. */
export interface RawBlock {
  readonly data: Buffer;
  readonly source: BlockSource;
  /** Offset of the restart array (= end of the entries). */
  readonly end: number;
  readonly numRestarts: number;
}

/** Fills `out` with the first entry at or after (userKey, seq) if its user key is `userKey`; false iff there is none. */
export function seekRaw(b: RawBlock, userKey: Uint8Array, seq: number, out: FoundEntry): boolean {
  const data = b.data;
  const end = b.end;
  let left = 0;
  let right = b.numRestarts - 1;
  while (left < right) {
    const mid = (left + right + 1) >>> 1;
    if (compareRestart(b, mid, userKey, seq) < 0) left = mid;
    else right = mid - 1;
  }
  let at = data.readUInt32LE(end + left * RESTART_SIZE);
  let keyLen = 0;
  while (at < end) {
    const entryAt = at;
    let shared = data[at++]!;
    if (shared >= 0x80) [shared, at] = longVarint(b, data, at - 1, entryAt);
    if (at >= end) fail(b, entryAt, 'malformed length varint');
    let nonShared = data[at++]!;
    if (nonShared >= 0x80) [nonShared, at] = longVarint(b, data, at - 1, entryAt);
    if (at >= end) fail(b, entryAt, 'malformed length varint');
    let valueLen = data[at++]!;
    if (valueLen >= 0x80) [valueLen, at] = longVarint(b, data, at - 1, entryAt);
    if (shared > keyLen) fail(b, entryAt, `entry shares ${shared} bytes of a ${keyLen}-byte previous key`);
    if (nonShared > end - at) fail(b, entryAt, `key delta of ${nonShared} bytes runs past the entries`);
    const valueStart = at + nonShared;
    if (valueLen > end - valueStart) fail(b, entryAt, `value of ${valueLen} bytes runs past the entries`);
    keyLen = shared + nonShared;
    if (keyLen < TRAILER_SIZE) fail(b, entryAt, `internal key of ${keyLen} bytes is shorter than its ${TRAILER_SIZE}-byte trailer`);
    if (keyLen > scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(keyLen, scratch.length * 2));
      scratch.copy(bigger, 0, 0, shared);
      scratch = bigger;
    }
    const key = scratch;
    for (let i = 0; i < nonShared; i++) key[shared + i] = data[at + i]!;
    const userLen = keyLen - TRAILER_SIZE;
    const kind = key[userLen]!;
    if (kind !== EntryKind.VALUE && kind !== EntryKind.DELETION) fail(b, entryAt, `unknown entry kind ${kind}`);
    const entrySeq = trailerSeq(key, userLen);
    let c = 0;
    const n = userLen < userKey.length ? userLen : userKey.length;
    for (let i = 0; i < n && c === 0; i++) c = key[i]! - userKey[i]!;
    if (c === 0) c = userLen - userKey.length;
    if (c > 0 || (c === 0 && seq - entrySeq >= 0)) {
      if (c !== 0) return false;
      out.seq = entrySeq;
      out.kind = kind as EntryKind;
      out.bytes = data;
      out.start = valueStart;
      out.end = valueStart + valueLen;
      return true;
    }
    at = valueStart + valueLen;
  }
  return false;
}

/** Internal order of restart point `index`'s (whole) key against (userKey, seq). */
function compareRestart(b: RawBlock, index: number, userKey: Uint8Array, seq: number): number {
  const data = b.data;
  const end = b.end;
  const entryAt = data.readUInt32LE(end + index * RESTART_SIZE);
  let at = entryAt;
  if (data[at++] !== 0 || at >= end) fail(b, entryAt, `restart entry shares ${data[entryAt]} key bytes (must be 0)`);
  let nonShared = data[at++]!;
  if (nonShared >= 0x80) [nonShared, at] = longVarint(b, data, at - 1, entryAt);
  if (at >= end) fail(b, entryAt, 'malformed length varint');
  const valueLenByte = data[at++]!;
  if (valueLenByte >= 0x80) at = longVarint(b, data, at - 1, entryAt)[1];
  if (nonShared < TRAILER_SIZE || nonShared > end - at) fail(b, entryAt, `key of ${nonShared} bytes does not fit the block`);
  const userEnd = at + nonShared - TRAILER_SIZE;
  const userLen = userEnd - at;
  const n = userLen < userKey.length ? userLen : userKey.length;
  for (let i = 0; i < n; i++) {
    const d = data[at + i]! - userKey[i]!;
    if (d !== 0) return d;
  }
  return userLen - userKey.length || seq - trailerSeq(data, userEnd);
}

/** A varint32 of more than one byte at `at`: [value, offset past it]. */
function longVarint(b: RawBlock, data: Uint8Array, at: number, entryAt: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 5 && at + i < b.end; i++) {
    const byte = data[at + i]!;
    if (i === 4 && byte > 0x0f) break;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return [value, at + i + 1];
  }
  return fail(b, entryAt, 'malformed length varint');
}

function fail(b: RawBlock, at: number, reason: string): never {
  throw tableCorruption(b.source.file, b.source.offset + at, reason);
}
