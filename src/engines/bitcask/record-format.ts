/**
 * Byte grammar of a Bitcask data-file record (docs/formats/bitcask.md). Shared by the writer,
 * the scanner and the merge; holds constants and pure encode/decode helpers only.
 *
 *   record    := header key value
 *   header    := crc32:u32 timestamp:u32 flags:u8 keySize:u32 valueSize:u32     (little-endian)
 *   crc32     := CRC-32 (ISO-HDLC, as zlib) of every byte after the crc32 field: the rest of
 *                the header, then key, then value
 *   timestamp := seconds since the Unix epoch when the record was written
 *   flags     := bit 0 TOMBSTONE (a delete; valueSize is 0)
 *                bit 1 BATCH_CONTINUES (more records of the same batch follow; a batch counts
 *                      only once a record without this bit ends it)
 *                bits 2-7 zero
 *   keySize   := 1 .. MAX_KEY_BYTES
 *   valueSize := 0 .. MAX_VALUE_BYTES
 */
import * as zlib from 'node:zlib';

export const CRC_SIZE = 4;
export const TIMESTAMP_SIZE = 4;
export const FLAGS_SIZE = 1;
export const KEY_SIZE_SIZE = 4;
export const VALUE_SIZE_SIZE = 4;
/** 4 + 4 + 1 + 4 + 4 = 17 bytes. */
export const HEADER_SIZE = CRC_SIZE + TIMESTAMP_SIZE + FLAGS_SIZE + KEY_SIZE_SIZE + VALUE_SIZE_SIZE;

export const TIMESTAMP_OFFSET = CRC_SIZE;
export const FLAGS_OFFSET = TIMESTAMP_OFFSET + TIMESTAMP_SIZE;
export const KEY_SIZE_OFFSET = FLAGS_OFFSET + FLAGS_SIZE;
export const VALUE_SIZE_OFFSET = KEY_SIZE_OFFSET + KEY_SIZE_SIZE;

export const FLAG_TOMBSTONE = 0b01;
export const FLAG_BATCH_CONTINUES = 0b10;
export const KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_BATCH_CONTINUES;

export interface RecordHeader {
  crc: number;
  timestamp: number;
  flags: number;
  keySize: number;
  valueSize: number;
}

/** Total bytes of a record with these sizes. */
export function recordSize(keySize: number, valueSize: number): number {
  return HEADER_SIZE + keySize + valueSize;
}

/** Seconds since the epoch, as stored in records. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Writes a complete record (header, key, value) into `out` at `at`, computing the CRC.
 * REQUIRES: out has recordSize(key.length, value.length) bytes free at `at`.
 */
export function encodeRecord(out: Buffer, at: number, key: Uint8Array, value: Uint8Array, flags: number, timestamp: number): number {
  out.writeUInt32LE(timestamp, at + TIMESTAMP_OFFSET);
  out[at + FLAGS_OFFSET] = flags;
  out.writeUInt32LE(key.length, at + KEY_SIZE_OFFSET);
  out.writeUInt32LE(value.length, at + VALUE_SIZE_OFFSET);
  out.set(key, at + HEADER_SIZE);
  out.set(value, at + HEADER_SIZE + key.length);
  const end = at + HEADER_SIZE + key.length + value.length;
  out.writeUInt32LE(zlib.crc32(out.subarray(at + CRC_SIZE, end)), at);
  return end;
}

/**
 * Writes the header and key of a record whose value is written separately (large values are
 * not copied). Returns the header+key buffer.
 */
export function encodeHeaderAndKey(key: Uint8Array, value: Uint8Array, flags: number, timestamp: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + key.length);
  out.writeUInt32LE(timestamp, TIMESTAMP_OFFSET);
  out[FLAGS_OFFSET] = flags;
  out.writeUInt32LE(key.length, KEY_SIZE_OFFSET);
  out.writeUInt32LE(value.length, VALUE_SIZE_OFFSET);
  out.set(key, HEADER_SIZE);
  out.writeUInt32LE(zlib.crc32(value, zlib.crc32(out.subarray(CRC_SIZE))), 0);
  return out;
}

/** Decodes the fixed header at `at`. REQUIRES: HEADER_SIZE bytes available. */
export function decodeHeader(buf: Buffer, at: number): RecordHeader {
  return {
    crc: buf.readUInt32LE(at),
    timestamp: buf.readUInt32LE(at + TIMESTAMP_OFFSET),
    flags: buf[at + FLAGS_OFFSET]!,
    keySize: buf.readUInt32LE(at + KEY_SIZE_OFFSET),
    valueSize: buf.readUInt32LE(at + VALUE_SIZE_OFFSET),
  };
}

/** True iff the CRC stored in the record at `at` (of `size` bytes) matches its contents. */
export function recordCrcMatches(buf: Buffer, at: number, size: number): boolean {
  return zlib.crc32(buf.subarray(at + CRC_SIZE, at + size)) === buf.readUInt32LE(at);
}
