/**
 * Reads a hint file's valid chunks. Never trusts a length: every chunk is bounds-checked and
 * CRC-checked before any entry in it is used, and entries must fill the body exactly.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { MAX_KEY_BYTES } from '../../engine/limits.js';
import {
  CHUNK_BODY_SIZE_OFFSET,
  CHUNK_COVERED_SIZE_OFFSET,
  CHUNK_CRC_OFFSET,
  CHUNK_ENTRY_COUNT_OFFSET,
  CHUNK_HEADER_SIZE,
  ENTRY_FLAGS_OFFSET,
  ENTRY_HEADER_SIZE,
  ENTRY_KEY_SIZE_OFFSET,
  ENTRY_OFFSET_OFFSET,
  ENTRY_VALUE_SIZE_OFFSET,
  HINT_MAGIC,
} from './hint-format.js';

/** An entry as delivered to the callback: one object reused for every entry; `key` is a view valid only during the call. */
export interface HintEntry {
  timestamp: number;
  flags: number;
  key: Buffer;
  valueSize: number;
  offset: number;
}

export interface HintOutcome {
  /** Data-file bytes the valid chunks cover (0 iff none). */
  coveredSize: number;
  /** Length of the valid prefix of the hint file. */
  validLength: number;
  /** Why reading stopped early, or undefined iff every byte was a valid chunk. */
  stoppedBecause?: string;
  /**
   * Present iff reading stopped at a valid chunk covering more than the data file holds: the
   * bytes that chunk covers. Hints only cover fsynced bytes, so the data file lost some.
   */
  coveredBeyondData?: number;
}

/** True iff `count` entries fill [start, end) exactly, each with a sane key size. */
function bodyIsWellFormed(buf: Buffer, start: number, end: number, count: number): boolean {
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_HEADER_SIZE > end) return false;
    const keySize = buf.readUInt32LE(at + ENTRY_KEY_SIZE_OFFSET);
    if (keySize === 0 || keySize > MAX_KEY_BYTES || at + ENTRY_HEADER_SIZE + keySize > end) return false;
    at += ENTRY_HEADER_SIZE + keySize;
  }
  return at === end;
}

/** Delivers the entries of a well-formed body through one reused object (no allocation per entry). */
function deliverBody(buf: Buffer, start: number, end: number, onEntry: (e: HintEntry) => void): void {
  const e: HintEntry = { timestamp: 0, flags: 0, key: buf.subarray(0, 0), valueSize: 0, offset: 0 };
  for (let at = start; at < end; ) {
    const keySize = buf.readUInt32LE(at + ENTRY_KEY_SIZE_OFFSET);
    e.timestamp = buf.readUInt32LE(at);
    e.flags = buf[at + ENTRY_FLAGS_OFFSET]!;
    e.key = buf.subarray(at + ENTRY_HEADER_SIZE, at + ENTRY_HEADER_SIZE + keySize);
    e.valueSize = buf.readUInt32LE(at + ENTRY_VALUE_SIZE_OFFSET);
    e.offset = buf.readUInt32LE(at + ENTRY_OFFSET_OFFSET);
    onEntry(e);
    at += ENTRY_HEADER_SIZE + keySize;
  }
}

/** The bytes of the hint file at `file`, empty if there is none. */
export function readHintFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}

/** Entries the hint's chunk headers announce (an estimate for presizing: nothing is verified). */
export function countHintEntries(buf: Buffer): number {
  let count = 0;
  for (let at = 0; at + CHUNK_HEADER_SIZE <= buf.length && buf.readUInt32LE(at) === HINT_MAGIC; ) {
    // A corrupt count must not size the keydir past what the bytes present could hold.
    const bodyBytes = Math.min(buf.readUInt32LE(at + CHUNK_BODY_SIZE_OFFSET), buf.length - at - CHUNK_HEADER_SIZE);
    count += Math.min(buf.readUInt32LE(at + CHUNK_ENTRY_COUNT_OFFSET), Math.floor(bodyBytes / (ENTRY_HEADER_SIZE + 1)));
    at += CHUNK_HEADER_SIZE + buf.readUInt32LE(at + CHUNK_BODY_SIZE_OFFSET);
  }
  return count;
}

/**
 * Delivers the entries of every valid chunk of the hint bytes `buf`, in order, stopping at the
 * first invalid chunk or one whose coverage exceeds `dataSize`.
 */
export function readHint(buf: Buffer, dataSize: number, onEntry: (e: HintEntry) => void): HintOutcome {
  let at = 0;
  let coveredSize = 0;
  while (at < buf.length) {
    const stop = (why: string): HintOutcome => ({ coveredSize, validLength: at, stoppedBecause: `${why} at byte offset ${at}` });
    if (at + CHUNK_HEADER_SIZE > buf.length) return stop('incomplete chunk header');
    if (buf.readUInt32LE(at) !== HINT_MAGIC) return stop('bad chunk magic');
    const count = buf.readUInt32LE(at + CHUNK_ENTRY_COUNT_OFFSET);
    const bodySize = buf.readUInt32LE(at + CHUNK_BODY_SIZE_OFFSET);
    const covered = buf.readUInt32LE(at + CHUNK_COVERED_SIZE_OFFSET);
    const bodyStart = at + CHUNK_HEADER_SIZE;
    if (bodySize > buf.length - bodyStart) return stop('chunk body runs past the end of the file');
    const crc = zlib.crc32(buf.subarray(bodyStart, bodyStart + bodySize), zlib.crc32(buf.subarray(at, at + CHUNK_CRC_OFFSET)));
    if (crc !== buf.readUInt32LE(at + CHUNK_CRC_OFFSET)) return stop('chunk checksum mismatch');
    if (!bodyIsWellFormed(buf, bodyStart, bodyStart + bodySize, count)) return stop('chunk entries do not fit its body');
    if (covered < coveredSize) return stop(`chunk coverage shrinks from ${coveredSize} to ${covered} bytes`);
    if (covered > dataSize) return { ...stop(`chunk covers ${covered} bytes of a ${dataSize}-byte data file`), coveredBeyondData: covered };
    deliverBody(buf, bodyStart, bodyStart + bodySize, onEntry);
    coveredSize = covered;
    at = bodyStart + bodySize;
  }
  return { coveredSize, validLength: at };
}
