/**
 * Reads the records of a data file in order, verifying each CRC, and decides where the valid
 * log ends. A bad record (incomplete, implausible header, or CRC mismatch) with no valid record
 * anywhere after it is a torn tail (writes cut short by a crash): scanning stops before it. A
 * bad record followed by a valid one is damage in the middle of the file and throws
 * CORRUPTION, so that valid data is never cut off. Records of a batch are delivered only once the
 * batch's last record is seen; an unfinished batch at the end is part of the torn tail.
 */
import * as fs from 'node:fs';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../../engine/limits.js';
import {
  FLAG_BATCH_CONTINUES,
  FLAG_TOMBSTONE,
  FLAGS_OFFSET,
  HEADER_SIZE,
  KEY_SIZE_OFFSET,
  KNOWN_FLAGS,
  recordCrcMatches,
  TIMESTAMP_OFFSET,
  VALUE_SIZE_OFFSET,
} from './record-format.js';

/** A record as delivered to the scan callback. `key` and `record` are views valid only during the call. */
export interface ScannedRecord {
  offset: number;
  timestamp: number;
  flags: number;
  key: Buffer;
  valueSize: number;
  /** The whole encoded record (header, key, value). */
  record: Buffer;
}

/**
 * Why a tail was not delivered: its last record fails its CRC, is cut short by the end of the
 * file, has a header no writer produces, or ends a batch whose final record never came.
 */
export type TornTailReason = 'checksum' | 'incomplete' | 'invalid-header' | 'unfinished-batch';

export interface ScanOutcome {
  /** Offset just past the last committed record: the valid length of the file. */
  validEnd: number;
  /** Bytes after validEnd that were not delivered (0 iff the file ends cleanly). */
  tornBytes: number;
  /** Present iff tornBytes > 0. */
  tornReason?: TornTailReason;
}

const CHUNK = 1 << 20;

/** True iff a record header at `at` in `buf` has sane fields (before its CRC is checked). */
function plausibleHeader(buf: Buffer, at: number): boolean {
  const flags = buf[at + FLAGS_OFFSET]!;
  const keySize = buf.readUInt32LE(at + KEY_SIZE_OFFSET);
  const valueSize = buf.readUInt32LE(at + VALUE_SIZE_OFFSET);
  return (
    (flags & ~KNOWN_FLAGS) === 0 &&
    keySize !== 0 &&
    keySize <= MAX_KEY_BYTES &&
    valueSize <= MAX_VALUE_BYTES &&
    ((flags & FLAG_TOMBSTONE) === 0 || valueSize === 0)
  );
}

/**
 * Offset of the first whole, CRC-valid record starting in (from, fileSize), or -1. Only a
 * failure path calls this: it tells a torn tail (nothing valid after it) from damage in the
 * middle of a file (valid records follow, and must not be cut off).
 */
function findValidRecordAfter(fd: number, from: number, fileSize: number): number {
  const buf = Buffer.allocUnsafe(CHUNK + HEADER_SIZE);
  for (let base = from + 1; base + HEADER_SIZE <= fileSize; base += CHUNK) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, fileSize - base), base);
    for (let i = 0; i + HEADER_SIZE <= n && i < CHUNK; i++) {
      if (!plausibleHeader(buf, i)) continue;
      const size = HEADER_SIZE + buf.readUInt32LE(i + KEY_SIZE_OFFSET) + buf.readUInt32LE(i + VALUE_SIZE_OFFSET);
      if (base + i + size > fileSize) continue;
      const record = Buffer.allocUnsafe(size);
      if (fs.readSync(fd, record, 0, size, base + i) === size && recordCrcMatches(record, 0, size)) return base + i;
    }
  }
  return -1;
}

/**
 * Scans `fd` from `start` to `fileSize`, calling `onRecord` for each committed record.
 * Throws CORRUPTION (naming `fileName` and the offset) for a bad record that is not the tail,
 * and for any bad record at all unless `tornTailAllowed` (only the active file, the one a
 * crash can interrupt, may end in a torn tail; a sealed file was complete and fsynced).
 */
export function scanRecords(
  fd: number,
  fileName: string,
  fileSize: number,
  start: number,
  onRecord: (rec: ScannedRecord) => void,
  tornTailAllowed = true,
): ScanOutcome {
  let buf = Buffer.allocUnsafe(CHUNK);
  let bufStart = start; // file offset of buf[0]
  let bufLen = 0;
  let pos = start;
  let batchStart = -1;
  let pending: ScannedRecord[] = [];

  /** Makes [pos, pos+n) available in buf; false iff the file ends first. */
  const ensure = (n: number): boolean => {
    if (pos + n > fileSize) return false;
    if (pos + n <= bufStart + bufLen) return true;
    const keep = bufStart + bufLen - pos;
    if (n > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, buf.length * 2));
      buf.copy(bigger, 0, pos - bufStart, pos - bufStart + keep);
      buf = bigger;
    } else if (keep > 0) {
      buf.copy(buf, 0, pos - bufStart, pos - bufStart + keep);
    }
    bufStart = pos;
    bufLen = Math.max(keep, 0);
    while (bufLen < n) {
      const got = fs.readSync(fd, buf, bufLen, Math.min(buf.length - bufLen, fileSize - (bufStart + bufLen)), bufStart + bufLen);
      if (got <= 0) return false;
      bufLen += got;
    }
    return true;
  };

  /** A bad record at `pos`: the torn tail of a cut-short write, unless valid records follow it. */
  const tailOrCorrupt = (reason: string, kind: TornTailReason): ScanOutcome => {
    const next = findValidRecordAfter(fd, pos, fileSize);
    if (next >= 0) {
      throw new KvsError(
        ErrorCodes.CORRUPTION,
        `bitcask data file ${fileName} is corrupt at byte offset ${pos} (${reason}) and valid records follow from offset ${next}; ` +
          `nothing was changed. Restore the file from a backup` +
          (tornTailAllowed ? `, or truncate it at ${pos} to keep what precedes the damage (what follows is then lost)` : ''),
        { details: { file: fileName, offset: pos, nextValidOffset: next } },
      );
    }
    if (!tornTailAllowed) throw sealedDamage(fileName, pos, reason);
    const validEnd = batchStart >= 0 ? batchStart : pos;
    return { validEnd, tornBytes: fileSize - validEnd, tornReason: kind };
  };

  while (pos < fileSize) {
    if (!ensure(HEADER_SIZE)) return tailOrCorrupt('incomplete record header', 'incomplete');
    const at = pos - bufStart;
    const flags = buf[at + FLAGS_OFFSET]!;
    const keySize = buf.readUInt32LE(at + KEY_SIZE_OFFSET);
    const valueSize = buf.readUInt32LE(at + VALUE_SIZE_OFFSET);
    if (!plausibleHeader(buf, at)) return tailOrCorrupt('invalid record header', 'invalid-header');
    const size = HEADER_SIZE + keySize + valueSize;
    if (!ensure(size)) return tailOrCorrupt('record runs past the end of the file', 'incomplete');
    const rat = pos - bufStart;
    if (!recordCrcMatches(buf, rat, size)) return tailOrCorrupt('checksum mismatch', 'checksum');

    const rec: ScannedRecord = {
      offset: pos,
      timestamp: buf.readUInt32LE(rat + TIMESTAMP_OFFSET),
      flags,
      key: buf.subarray(rat + HEADER_SIZE, rat + HEADER_SIZE + keySize),
      valueSize,
      record: buf.subarray(rat, rat + size),
    };
    if ((flags & FLAG_BATCH_CONTINUES) !== 0) {
      if (batchStart < 0) batchStart = pos;
      pending.push({ ...rec, key: Buffer.from(rec.key), record: Buffer.from(rec.record) });
    } else {
      for (const p of pending) onRecord(p);
      pending = [];
      batchStart = -1;
      onRecord(rec);
    }
    pos += size;
  }
  if (batchStart < 0) return { validEnd: pos, tornBytes: fileSize - pos };
  if (!tornTailAllowed) throw sealedDamage(fileName, batchStart, 'the file ends inside a batch');
  return { validEnd: batchStart, tornBytes: fileSize - batchStart, tornReason: 'unfinished-batch' };
}

/** Damage at the end of a sealed file: a crash cannot leave a torn tail there, so nothing is cut. */
function sealedDamage(fileName: string, offset: number, reason: string): KvsError {
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `bitcask data file ${fileName} is corrupt at byte offset ${offset} (${reason}); it is a sealed file, written completely and fsynced before a newer file was started, ` +
      `so this is damage, not a write cut short by a crash. Nothing was changed. Restore ${fileName} from a backup`,
    { details: { file: fileName, offset } },
  );
}
