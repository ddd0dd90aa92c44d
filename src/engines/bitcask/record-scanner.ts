/**
 * Reads the records of a data file in order, verifying each CRC, and decides where the valid
 * log ends. A record that runs past the end of the file, or a bad last record, is a torn
 * tail (a write cut short by a crash): scanning stops before it. A bad record with more
 * data after it is corruption and throws. Records of a batch are delivered only once the
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

export interface ScanOutcome {
  /** Offset just past the last committed record: the valid length of the file. */
  validEnd: number;
  /** Bytes after validEnd that were not delivered (0 iff the file ends cleanly). */
  tornBytes: number;
}

const CHUNK = 1 << 20;

function allZero(fd: number, from: number, to: number): boolean {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, to - from));
  for (let pos = from; pos < to; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n <= 0) return true;
    for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
    pos += n;
  }
  return true;
}

/**
 * Scans `fd` from `start` to `fileSize`, calling `onRecord` for each committed record.
 * Throws CORRUPTION (naming `fileName` and the offset) for a bad record that is not the tail.
 */
export function scanRecords(
  fd: number,
  fileName: string,
  fileSize: number,
  start: number,
  onRecord: (rec: ScannedRecord) => void,
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

  const tailOrCorrupt = (reason: string, recordEnd: number): ScanOutcome => {
    const torn = recordEnd >= fileSize || allZero(fd, pos, fileSize);
    if (!torn) {
      throw new KvsError(ErrorCodes.CORRUPTION, `bitcask data file ${fileName} is corrupt at byte offset ${pos}: ${reason}`, {
        details: { file: fileName, offset: pos },
      });
    }
    const validEnd = batchStart >= 0 ? batchStart : pos;
    return { validEnd, tornBytes: fileSize - validEnd };
  };

  while (pos < fileSize) {
    if (!ensure(HEADER_SIZE)) return tailOrCorrupt('incomplete record header', fileSize);
    const at = pos - bufStart;
    const flags = buf[at + FLAGS_OFFSET]!;
    const keySize = buf.readUInt32LE(at + KEY_SIZE_OFFSET);
    const valueSize = buf.readUInt32LE(at + VALUE_SIZE_OFFSET);
    const badHeader =
      (flags & ~KNOWN_FLAGS) !== 0 ||
      keySize === 0 ||
      keySize > MAX_KEY_BYTES ||
      valueSize > MAX_VALUE_BYTES ||
      ((flags & FLAG_TOMBSTONE) !== 0 && valueSize !== 0);
    if (badHeader) return tailOrCorrupt('invalid record header', pos + HEADER_SIZE);
    const size = HEADER_SIZE + keySize + valueSize;
    if (!ensure(size)) return tailOrCorrupt('record runs past the end of the file', pos + size);
    const rat = pos - bufStart;
    if (!recordCrcMatches(buf, rat, size)) return tailOrCorrupt('checksum mismatch', pos + size);

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
  const validEnd = batchStart >= 0 ? batchStart : pos;
  return { validEnd, tornBytes: fileSize - validEnd };
}
