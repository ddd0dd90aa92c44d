/**
 * Byte grammar of the log format shared by the WAL and the manifest (LevelDB's log format,
 * docs/formats/lsm.md). Constants only; wal-writer.ts writes it, wal-reader.ts reads it.
 *
 *   file      := block* partialBlock?
 *   block     := fragment* trailer?                  -- BLOCK_SIZE bytes
 *   fragment  := crc32:u32 length:u16 type:u8 payload  (little-endian; payload is `length` bytes)
 *   crc32     := CRC-32 (zlib) of the type byte followed by the payload
 *   type      := FULL | FIRST | MIDDLE | LAST
 *   trailer   := 0x00{1..6}    -- a block end too short for a fragment header is zero-filled
 *
 * A record is one FULL fragment, or FIRST MIDDLE* LAST when it does not fit in what is left of
 * the block. A fragment never crosses a block boundary, so a reader can resynchronise at the
 * next block after damage.
 */

export const BLOCK_SIZE = 32 * 1024;

export const CRC_SIZE = 4;
export const LENGTH_SIZE = 2;
export const TYPE_SIZE = 1;
/** 4 + 2 + 1 = 7 bytes. */
export const HEADER_SIZE = CRC_SIZE + LENGTH_SIZE + TYPE_SIZE;
export const LENGTH_OFFSET = CRC_SIZE;
export const TYPE_OFFSET = CRC_SIZE + LENGTH_SIZE;

export const RecordType = { FULL: 1, FIRST: 2, MIDDLE: 3, LAST: 4 } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];
