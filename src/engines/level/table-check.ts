/**
 * A check of every block of LevelDB's table files (*.ldb, *.sst), run when a store opens:
 * classic-level cannot turn on LevelDB's verify_checksums or paranoid_checks, so without it a
 * flipped byte in a table is served as data. Read-only; one table per event-loop turn.
 *
 * Grammar (LevelDB doc/table_format.md):
 *   table   := data-block* meta-block* metaindex-block index-block footer
 *   block   := contents trailer;  trailer := type:u8 (0 none, 1 snappy) crc:u32le
 *     crc = masked CRC-32C of contents and type
 *   footer  := metaindex:handle index:handle padding to FOOTER_HANDLES bytes, magic:u64le  (FOOTER_SIZE)
 *   handle  := offset:varint64 size:varint64   (size excludes the trailer)
 *   contents of an index or metaindex block (after decompression):
 *     entry* restart:u32le[n] n:u32le;  entry := shared:varint32 unshared:varint32
 *     value_length:varint32 key_delta[unshared] value[value_length]  (value: the block's handle)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { crc32c, maskCrc } from '../../util/crc32c.js';
import { snappyDecompress } from './snappy.js';

/** type (1) + crc (4). */
const TRAILER_SIZE = 1 + 4;
/** Two handles of at most 10 + 10 bytes each, padded. */
const FOOTER_HANDLES = 2 * (10 + 10);
/** FOOTER_HANDLES + magic (8). */
const FOOTER_SIZE = FOOTER_HANDLES + 8;
const MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];

interface Handle {
  offset: number;
  size: number;
}

/** What the check read. */
export interface TableCheck {
  tables: number;
  blocks: number;
  bytes: number;
}

/**
 * Checks every table of the LevelDB folder `dbDir` of the store `storeDir`; throws CORRUPTION
 * naming the table (relative to `storeDir`) and the offset of the first damaged block.
 */
export async function checkTables(storeDir: string, dbDir: string): Promise<TableCheck> {
  const seen: TableCheck = { tables: 0, blocks: 0, bytes: 0 };
  for (const name of fs.readdirSync(dbDir).filter((n) => /^\d+\.(ldb|sst)$/.test(n)).sort()) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(dbDir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // compacted away meanwhile
      throw err;
    }
    const file = path.relative(storeDir, path.join(dbDir, name));
    seen.blocks += checkTable(bytes, file);
    seen.tables++;
    seen.bytes += bytes.length;
    await new Promise((resolve) => setImmediate(resolve)); // one table per turn: other work runs between them
  }
  return seen;
}

/** Checks the footer and every block of one table; returns the number of blocks checked. */
export function checkTable(bytes: Uint8Array, file: string): number {
  const fail = (offset: number, what: string): never => {
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `LevelDB table ${file} is damaged at byte offset ${offset}: ${what}; LevelDB would serve its bytes unchecked. Restore the store from a backup, or let ClassicLevel.repair(<dir>/leveldb) keep what is readable (on a copy first)`,
      { details: { file, offset } },
    );
  };
  if (bytes.length < FOOTER_SIZE) fail(0, `the file is ${bytes.length} bytes, shorter than a ${FOOTER_SIZE}-byte footer`);
  const footer = bytes.length - FOOTER_SIZE;
  for (let i = 0; i < 8; i++) if (bytes[bytes.length - 8 + i] !== MAGIC[i]) fail(bytes.length - 8, 'the footer lacks the table magic number');
  const reader = { at: footer };
  const metaindex = readHandle(bytes, reader, footer + FOOTER_HANDLES) ?? fail(footer, 'the footer does not hold a metaindex handle');
  const index = readHandle(bytes, reader, footer + FOOTER_HANDLES) ?? fail(footer, 'the footer does not hold an index handle');
  let blocks = 0;
  for (const [handle, role] of [[metaindex, 'metaindex block'], [index, 'index block']] as const) {
    const contents = readBlock(bytes, handle, footer, role, fail);
    blocks++;
    for (const child of blockHandles(contents, handle.offset, role, fail)) {
      readBlock(bytes, child, footer, role === 'index block' ? 'data block' : 'meta block', fail, false);
      blocks++;
    }
  }
  return blocks;
}

/** The contents of the block at `h` (decompressed iff `decode`), after checking its bounds and checksum. */
function readBlock(bytes: Uint8Array, h: Handle, end: number, role: string, fail: (offset: number, what: string) => never, decode = true): Uint8Array {
  if (h.offset + h.size + TRAILER_SIZE > end) fail(h.offset, `a ${role} of ${h.size} bytes runs past the table's blocks`);
  const typeAt = h.offset + h.size;
  const stored = (bytes[typeAt + 1]! | (bytes[typeAt + 2]! << 8) | (bytes[typeAt + 3]! << 16) | (bytes[typeAt + 4]! << 24)) >>> 0;
  if (maskCrc(crc32c(bytes, h.offset, typeAt + 1)) !== stored) fail(h.offset, `the ${role}'s checksum does not match`);
  const raw = bytes.subarray(h.offset, typeAt);
  const type = bytes[typeAt]!;
  if (type === 0 || !decode) return raw;
  if (type !== 1) return fail(typeAt, `the ${role} has unknown compression type ${type}`);
  try {
    return snappyDecompress(raw);
  } catch (err) {
    return fail(h.offset, `the ${role} does not decompress (${(err as Error).message})`);
  }
}

/** The handles stored as values in an index or metaindex block. */
function blockHandles(contents: Uint8Array, at: number, role: string, fail: (offset: number, what: string) => never): Handle[] {
  if (contents.length < 4) fail(at, `the ${role} is too short for its restart count`);
  const restarts = (contents[contents.length - 4]! | (contents[contents.length - 3]! << 8) | (contents[contents.length - 2]! << 16) | (contents[contents.length - 1]! << 24)) >>> 0;
  const entriesEnd = contents.length - 4 - 4 * restarts;
  if (entriesEnd < 0) fail(at, `the ${role} claims ${restarts} restart points, more than it holds`);
  const out: Handle[] = [];
  const r = { at: 0 };
  while (r.at < entriesEnd) {
    const shared = readVarint(contents, r, entriesEnd);
    const unshared = readVarint(contents, r, entriesEnd);
    const valueLength = readVarint(contents, r, entriesEnd);
    if (shared === undefined || unshared === undefined || valueLength === undefined) return fail(at, `an entry of the ${role} is cut short`);
    r.at += unshared;
    const valueEnd = r.at + valueLength;
    if (valueEnd > entriesEnd) fail(at, `an entry of the ${role} runs past its entries`);
    const handle = readHandle(contents, r, valueEnd) ?? fail(at, `an entry of the ${role} does not hold a block handle`);
    out.push(handle);
    r.at = valueEnd;
  }
  return out;
}

function readHandle(bytes: Uint8Array, r: { at: number }, end: number): Handle | undefined {
  const offset = readVarint(bytes, r, end);
  const size = readVarint(bytes, r, end);
  return offset === undefined || size === undefined ? undefined : { offset, size };
}

/** A varint of up to 64 bits read at `r.at` (advanced past it), or undefined iff it does not end before `end` or exceeds 2^53. */
function readVarint(bytes: Uint8Array, r: { at: number }, end: number): number | undefined {
  let value = 0;
  for (let scale = 1; r.at < end && scale < 2 ** 53; scale *= 128) {
    const b = bytes[r.at++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
  }
  return undefined;
}
