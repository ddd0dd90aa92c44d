/**
 * Byte grammar of a Bitcask hint file (docs/formats/bitcask.md): the keys and record
 * locations of one data file, so that open can build the keydir without reading values.
 * A hint file is a sequence of chunks, each appended whole and checksummed; a chunk extends
 * the hint's coverage of its data file up to `coveredSize`. Readers use every valid chunk in
 * order and stop at the first invalid one; the data file is scanned from the last covered
 * offset.
 *
 *   hint      := chunk*
 *   chunk     := magic:u32 entryCount:u32 bodySize:u32 coveredSize:u32 crc32:u32 body   (little-endian)
 *   magic     := 0x4b564848 ("HHVK" on disk, "KVHH" as a number)
 *   crc32     := CRC-32 of the first 16 chunk-header bytes followed by body
 *   body      := entry{entryCount}                     (exactly bodySize bytes)
 *   entry     := timestamp:u32 flags:u8 keySize:u32 valueSize:u32 offset:u32 key
 *   flags     := as in the data record (TOMBSTONE); offset is the record's offset in the data file
 */

export const HINT_MAGIC = 0x4b564848;

export const CHUNK_HEADER_SIZE = 4 + 4 + 4 + 4 + 4; // magic, entryCount, bodySize, coveredSize, crc32 = 20
export const CHUNK_ENTRY_COUNT_OFFSET = 4;
export const CHUNK_BODY_SIZE_OFFSET = 8;
export const CHUNK_COVERED_SIZE_OFFSET = 12;
export const CHUNK_CRC_OFFSET = 16;

export const ENTRY_HEADER_SIZE = 4 + 1 + 4 + 4 + 4; // timestamp, flags, keySize, valueSize, offset = 17
export const ENTRY_FLAGS_OFFSET = 4;
export const ENTRY_KEY_SIZE_OFFSET = 5;
export const ENTRY_VALUE_SIZE_OFFSET = 9;
export const ENTRY_OFFSET_OFFSET = 13;
