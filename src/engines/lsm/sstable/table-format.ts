/**
 * Byte grammar of an LSM table file (docs/formats/lsm.md, "SSTable"). Constants and pure
 * encode/decode helpers only; shared by the builder, the reader and the block code.
 *
 *   table        := dataBlock* filterBlock? indexBlock footer
 *   <any>Block   := contents blockTrailer
 *   blockTrailer := type:u8 crc32:u32        crc32 = CRC-32 (zlib) of the stored contents then the type byte
 *   type         := 0 PLAIN (contents stored as is)
 *                 | 1 ZLIB  (data blocks only: stored := rawLength:varint32 deflate, block-compression.ts)
 *                   any other value is corruption
 *
 *   contents of a data or index block (keys are internal keys: userKey + 8-byte trailer, entry.ts)
 *     block      := entry+ restart:u32* numRestarts:u32       (at least one restart, the first = 0)
 *     entry      := shared:varint32 nonShared:varint32 valueLength:varint32
 *                   keyDelta:byte[nonShared] value:byte[valueLength]
 *     key        := previousKey[0, shared) keyDelta           (shared = 0 at every restart point)
 *   an index entry's key is the last internal key of a data block; its value is a block handle:
 *     handle     := offset:varint64 size:varint32              (size of the contents, without trailer)
 *
 *   contents of the filter block: one Bloom filter over every user key of the table (bloom.ts)
 *     filter     := bits:byte[n] k:u8
 *
 *   footer (FOOTER_SIZE = 8 + 4 + 8 + 4 + 4 + 4 + 8 = 40 bytes, always the last bytes of the file)
 *     footer     := filterOffset:u64 filterSize:u32 indexOffset:u64 indexSize:u32 version:u32
 *                   crc32:u32 magic:byte[8]
 *     version    := 1 (every block PLAIN) | 2 (data blocks may be ZLIB); a reader reads both
 *     crc32      := CRC-32 of the 32 bytes before it; filterSize = filterOffset = 0 iff no filter
 *     magic      := ASCII "kvsSST\r\n"
 * All fixed-width integers are little-endian; u64 values stay below 2^53.
 */
import * as zlib from 'node:zlib';
import { getVarint32, getVarint64, putVarint, MAX_VARINT32_BYTES, MAX_VARINT64_BYTES } from '../../../util/varint.js';

export const BLOCK_TYPE_SIZE = 1;
export const BLOCK_CRC_SIZE = 4;
/** 1 + 4 = 5 bytes after every block's contents. */
export const BLOCK_TRAILER_SIZE = BLOCK_TYPE_SIZE + BLOCK_CRC_SIZE;
/** Block type: contents stored as is. */
export const BLOCK_TYPE_PLAIN = 0;
/** Block type: contents compressed with raw DEFLATE after a varint32 of their raw length. */
export const BLOCK_TYPE_ZLIB = 1;

/** Width of one restart offset and of the restart count at a block's end. */
export const RESTART_SIZE = 4;

/** Most bytes a block handle takes: varint64 offset + varint32 size = 8 + 5. */
export const MAX_HANDLE_SIZE = MAX_VARINT64_BYTES + MAX_VARINT32_BYTES;

export const FOOTER_FILTER_OFFSET = 0;
export const FOOTER_FILTER_SIZE = FOOTER_FILTER_OFFSET + 8;
export const FOOTER_INDEX_OFFSET = FOOTER_FILTER_SIZE + 4;
export const FOOTER_INDEX_SIZE = FOOTER_INDEX_OFFSET + 8;
export const FOOTER_VERSION = FOOTER_INDEX_SIZE + 4;
export const FOOTER_CRC = FOOTER_VERSION + 4;
export const FOOTER_MAGIC = FOOTER_CRC + 4;
/** "kvsSST\r\n": the CR LF catches a file mangled by text-mode transfer, as PNG's magic does. */
export const TABLE_MAGIC = Buffer.from('kvsSST\r\n', 'latin1');
/** 8 + 4 + 8 + 4 + 4 + 4 + 8 = 40 bytes. */
export const FOOTER_SIZE = FOOTER_MAGIC + TABLE_MAGIC.length;
/** Format version written in the footer: 2 since data blocks may be compressed (version 1 tables have PLAIN blocks only). */
export const TABLE_FORMAT_VERSION = 2;
/** Oldest version a reader reads; it refuses any version outside [MIN_TABLE_FORMAT_VERSION, TABLE_FORMAT_VERSION]. */
export const MIN_TABLE_FORMAT_VERSION = 1;

/** Where a block's contents lie in the file: `size` bytes at `offset`, followed by its trailer. */
export interface BlockHandle {
  offset: number;
  size: number;
}

export interface Footer {
  /** undefined iff the table has no filter block (bloomBitsPerKey was 0). */
  filter: BlockHandle | undefined;
  index: BlockHandle;
  version: number;
}

/** The CRC a block trailer stores for `contents` of block type `type`. */
export function blockCrc(contents: Uint8Array, type: number): number {
  return zlib.crc32(Uint8Array.of(type), zlib.crc32(contents));
}

/** The 5-byte trailer of a block of type `type` (PLAIN by default) with these stored contents. */
export function encodeBlockTrailer(contents: Uint8Array, type: number = BLOCK_TYPE_PLAIN): Buffer {
  const out = Buffer.allocUnsafe(BLOCK_TRAILER_SIZE);
  out[0] = type;
  out.writeUInt32LE(blockCrc(contents, type), BLOCK_TYPE_SIZE);
  return out;
}

/** `handle` encoded as varints. */
export function encodeHandle(handle: BlockHandle): Buffer {
  const out = Buffer.allocUnsafe(MAX_HANDLE_SIZE);
  const end = putVarint(out, putVarint(out, 0, handle.offset), handle.size);
  return out.subarray(0, end);
}

/** Decodes a handle that must fill `buf[start, end)` exactly; undefined iff malformed. */
export function decodeHandle(buf: Uint8Array, start: number, end: number): BlockHandle | undefined {
  const offset = getVarint64(buf, start, end);
  if (offset === undefined) return undefined;
  const size = getVarint32(buf, offset.next, end);
  if (size === undefined || size.next !== end) return undefined;
  return { offset: offset.value, size: size.value };
}

function writeU64(out: Buffer, at: number, value: number): void {
  out.writeUInt32LE(value % 0x100000000, at);
  out.writeUInt32LE(Math.floor(value / 0x100000000), at + 4);
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at + 4) * 0x100000000 + buf.readUInt32LE(at);
}

/** The footer bytes. */
export function encodeFooter(footer: Footer): Buffer {
  const out = Buffer.alloc(FOOTER_SIZE);
  writeU64(out, FOOTER_FILTER_OFFSET, footer.filter?.offset ?? 0);
  out.writeUInt32LE(footer.filter?.size ?? 0, FOOTER_FILTER_SIZE);
  writeU64(out, FOOTER_INDEX_OFFSET, footer.index.offset);
  out.writeUInt32LE(footer.index.size, FOOTER_INDEX_SIZE);
  out.writeUInt32LE(footer.version, FOOTER_VERSION);
  out.writeUInt32LE(zlib.crc32(out.subarray(0, FOOTER_CRC)), FOOTER_CRC);
  TABLE_MAGIC.copy(out, FOOTER_MAGIC);
  return out;
}

/**
 * Decodes FOOTER_SIZE bytes. Returns the footer, or a reason and the byte offset (within the
 * footer) of the field that is wrong. Handle ranges are checked by the caller, who knows the file size.
 */
export function decodeFooter(buf: Buffer): Footer | { reason: string; at: number } {
  if (buf.length !== FOOTER_SIZE) return { reason: `footer is ${buf.length} bytes, expected ${FOOTER_SIZE}`, at: 0 };
  if (!buf.subarray(FOOTER_MAGIC).equals(TABLE_MAGIC)) return { reason: 'bad magic number (not a kvs table file)', at: FOOTER_MAGIC };
  if (zlib.crc32(buf.subarray(0, FOOTER_CRC)) !== buf.readUInt32LE(FOOTER_CRC)) return { reason: 'footer checksum mismatch', at: FOOTER_CRC };
  const version = buf.readUInt32LE(FOOTER_VERSION);
  if (version < MIN_TABLE_FORMAT_VERSION || version > TABLE_FORMAT_VERSION) return { reason: `unknown table format version ${version}`, at: FOOTER_VERSION };
  const filterOffset = readU64(buf, FOOTER_FILTER_OFFSET);
  const filterSize = buf.readUInt32LE(FOOTER_FILTER_SIZE);
  return {
    filter: filterOffset === 0 && filterSize === 0 ? undefined : { offset: filterOffset, size: filterSize },
    index: { offset: readU64(buf, FOOTER_INDEX_OFFSET), size: buf.readUInt32LE(FOOTER_INDEX_SIZE) },
    version,
  };
}
