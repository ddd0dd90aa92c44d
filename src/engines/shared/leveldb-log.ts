/**
 * A checker of the log format LevelDB and RocksDB share for their write-ahead logs (*.log) and
 * MANIFEST files, run before the library opens a store: LevelDB (whose paranoid_checks
 * classic-level cannot turn on) skips a damaged log record silently, and RocksDB's default
 * point-in-time recovery silently stops at it, dropping every acknowledged write after it.
 * Read-only; synchronous (a log is at most a few memtables long).
 *
 * Grammar (LevelDB doc/log_format.md; RocksDB's legacy record format is the same):
 *   file   := block*                        each BLOCK_SIZE bytes, the last one possibly shorter
 *   block  := record* trailer?              trailer: < HEADER_SIZE zero bytes that end a block
 *   record := checksum:u32le length:u16le type:u8 data[length]
 *     checksum = masked CRC-32C of type and data; type: 0 zero (preallocated, skipped),
 *     1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST (a logical record split across blocks)
 */
import * as fs from 'node:fs';
import { crc32c, maskCrc } from '../../util/crc32c.js';

export const BLOCK_SIZE = 32 * 1024;
/** checksum (4) + length (2) + type (1). */
export const HEADER_SIZE = 4 + 2 + 1;
const MAX_TYPE = 4;

/** Where a log stops being readable. */
export interface LogDamage {
  offset: number;
  reason: string;
  /** True iff nothing valid follows: what a write interrupted by a crash leaves at the end of the newest log. */
  tail: boolean;
}

/** The first damaged record of `bytes`, or undefined iff every record is intact. */
export function findLogDamage(bytes: Uint8Array): LogDamage | undefined {
  let at = 0;
  while (at < bytes.length) {
    const blockEnd = Math.min(bytes.length, (Math.floor(at / BLOCK_SIZE) + 1) * BLOCK_SIZE);
    if (blockEnd - at < HEADER_SIZE) {
      // A block trailer (zeros), or the end of a file cut short inside a header.
      if (blockEnd === bytes.length && !allZero(bytes, at, blockEnd)) return damage(bytes, at, 'the file ends inside a record header');
      at = blockEnd;
      continue;
    }
    const length = bytes[at + 4]! | (bytes[at + 5]! << 8);
    const type = bytes[at + 6]!;
    if (type === 0 && length === 0) {
      at = blockEnd; // preallocated space: the writer never reached it
      continue;
    }
    if (at + HEADER_SIZE + length > blockEnd) {
      return damage(bytes, at, blockEnd === bytes.length ? `a ${length}-byte record runs past the end of the file` : `a ${length}-byte record runs past the end of its ${BLOCK_SIZE}-byte block`);
    }
    if (type > MAX_TYPE) return damage(bytes, at, `unknown record type ${type}`);
    const stored = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
    if (maskCrc(crc32c(bytes, at + 6, at + HEADER_SIZE + length)) !== stored) return damage(bytes, at, 'the record checksum does not match');
    at += HEADER_SIZE + length;
  }
  return undefined;
}

/** The damage of the log file at `file` (see findLogDamage); undefined iff intact or absent. */
export function findLogFileDamage(file: string): LogDamage | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // a writer removed an obsolete log meanwhile
    throw err;
  }
  return findLogDamage(bytes);
}

function damage(bytes: Uint8Array, offset: number, reason: string): LogDamage {
  return { offset, reason, tail: !validRecordAfter(bytes, offset) };
}

/**
 * True iff a record with a matching checksum starts after `offset`: at any position in the rest
 * of its block (a flipped length hides where the next record starts), or at a later block start.
 */
function validRecordAfter(bytes: Uint8Array, offset: number): boolean {
  const nextBlock = (Math.floor(offset / BLOCK_SIZE) + 1) * BLOCK_SIZE;
  for (let at = offset + 1; at + HEADER_SIZE <= Math.min(nextBlock, bytes.length); at++) if (validRecordAt(bytes, at, nextBlock)) return true;
  for (let block = nextBlock; block + HEADER_SIZE <= bytes.length; block += BLOCK_SIZE) if (validRecordAt(bytes, block, block + BLOCK_SIZE)) return true;
  return false;
}

/** True iff a non-empty record of a known type with a matching checksum starts at `at` and ends by `blockEnd`. */
function validRecordAt(bytes: Uint8Array, at: number, blockEnd: number): boolean {
  const length = bytes[at + 4]! | (bytes[at + 5]! << 8);
  const type = bytes[at + 6]!;
  if (type === 0 || type > MAX_TYPE || at + HEADER_SIZE + length > Math.min(bytes.length, blockEnd)) return false;
  const stored = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  return maskCrc(crc32c(bytes, at + 6, at + HEADER_SIZE + length)) === stored;
}

function allZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
