/**
 * Byte grammar of the Bitcask keydir image (docs/formats/bitcask.md): the keydir itself, its
 * columns, hash index, key arena and key order, as of known lengths of the data files, so open
 * reads one file instead of every hint and applies only the records written after it.
 * Written at close to `keydir.image.tmp-PID`, then renamed; one CRC covers every byte.
 *
 *   image    := header file{fileCount} columns index ordered arena      (little-endian)
 *   header   := magic:u32 version:u32 crc32:u32 fileCount:u32 handles:u32 size:u32
 *               freeHead:u32 indexSlots:u32 orderedCount:u32 arenaBytes:u32 arenaGarbage:u32
 *               imageBytes:u32
 *   magic    := 0x494b564b ("KVKI" on disk)
 *   crc32    := CRC-32 of header bytes 12.. then every byte after the header
 *   file     := major:u32 minor:u32 coveredSize:u32 liveBytes:u32 hintCovered:u32 hintLength:u32
 *               the image holds every record of that data file below coveredSize; file ids in
 *               the columns are positions in this list (0xffffffff: handle not live)
 *   columns  := fileId:u32{handles} offset:u32{handles} valueSize:u32{handles}
 *               timestamp:u32{handles} hash:u32{handles} keyOffset:u32{handles}
 *               keyLengthMinus1:u16{handles} pad:u16{handles mod 2}
 *   index    := slot:u32{indexSlots}           handle + 1, 0 = empty (keydir.ts)
 *   ordered  := handle:u32{orderedCount}       live handles in key order, or none (orderedCount 0)
 *   arena    := byte{arenaBytes}
 * freeHead is the first free handle (0xffffffff: none); the free list continues through keyOffset.
 * Every section starts at a multiple of 4, so a reader can view the columns in place.
 */

export const IMAGE_FILE = 'keydir.image';
export const IMAGE_MAGIC = 0x494b564b;
export const IMAGE_VERSION = 1;

export const IMAGE_HEADER_SIZE = 12 * 4; // magic, version, crc32, fileCount, handles, size, freeHead, indexSlots, orderedCount, arenaBytes, arenaGarbage, imageBytes = 48
export const CRC_OFFSET = 8;
export const FILE_COUNT_OFFSET = 12;
export const HANDLES_OFFSET = 16;
export const SIZE_OFFSET = 20;
export const FREE_HEAD_OFFSET = 24;
export const INDEX_SLOTS_OFFSET = 28;
export const ORDERED_COUNT_OFFSET = 32;
export const ARENA_BYTES_OFFSET = 36;
export const ARENA_GARBAGE_OFFSET = 40;
export const IMAGE_BYTES_OFFSET = 44;

export const FILE_ENTRY_SIZE = 6 * 4; // major, minor, coveredSize, liveBytes, hintCovered, hintLength = 24

/** Six u32 columns and one u16 column, padded to 4 bytes. */
export function columnsSize(handles: number): number {
  return 6 * 4 * handles + 2 * handles + (handles % 2) * 2;
}

/** Total image bytes for these counts (the layout both sides agree on). */
export function imageSize(fileCount: number, handles: number, indexSlots: number, orderedCount: number, arenaBytes: number): number {
  return IMAGE_HEADER_SIZE + FILE_ENTRY_SIZE * fileCount + columnsSize(handles) + 4 * indexSlots + 4 * orderedCount + arenaBytes;
}

/** What the image says about one data file. */
export interface ImageFile {
  major: number;
  minor: number;
  coveredSize: number;
  liveBytes: number;
  hintCovered: number;
  hintLength: number;
}
