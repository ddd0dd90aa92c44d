/**
 * The file set of a bitcask store (`FILESET`, docs/formats/bitcask.md): which data files the
 * store is made of, the length each sealed file was sealed at, which file was active, and which
 * files a merge has made obsolete. Open checks the directory against it, so a missing or
 * truncated file is CORRUPTION instead of silent loss. Replaced whole (temporary file, fsync,
 * rename, directory fsync) by the one writer; readers see the old or the new set, never a mix.
 *
 *   fileset    := magic:u32 version:u32 generation:u32 count:u32 entry{count} crc32:u32   (little-endian)
 *   magic      := 0x5346564b ("KVFS" on disk)
 *   version    := 1
 *   generation := incremented by every rewrite (so a reader can tell the set changed)
 *   entry      := major:u32 minor:u32 state:u8 size:u32     entries in (major, minor) order
 *   state      := 1 SEALED  complete; its length must be exactly `size`
 *                 2 ACTIVE   the file appends go to; the only one that may end in a torn tail
 *                 3 MERGED   a merge copied its live records into SEALED outputs; it may be gone
 *   crc32      := CRC-32 of every byte before it
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { fsyncDirSync } from '../../util/fs.js';
import { compareFileIds, type FileId } from './file-names.js';

export const FILE_SET = 'FILESET';
export const FILE_SET_MAGIC = 0x5346564b;
export const FILE_SET_VERSION = 1;

export const HEADER_SIZE = 4 + 4 + 4 + 4; // magic, version, generation, count = 16
export const VERSION_OFFSET = 4;
export const GENERATION_OFFSET = 8;
export const COUNT_OFFSET = 12;
export const ENTRY_SIZE = 4 + 4 + 1 + 4; // major, minor, state, size = 13
export const ENTRY_MINOR_OFFSET = 4;
export const ENTRY_STATE_OFFSET = 8;
export const ENTRY_SIZE_OFFSET = 9;
export const CRC_SIZE = 4;

export type FileState = 'sealed' | 'active' | 'merged';
const STATE_CODES: Record<FileState, number> = { sealed: 1, active: 2, merged: 3 };
const STATES: (FileState | undefined)[] = [undefined, 'sealed', 'active', 'merged'];

export interface FileSetEntry {
  id: FileId;
  state: FileState;
  /** The sealed length (SEALED, MERGED); for ACTIVE, the length when the set was written. */
  size: number;
}

export interface FileSet {
  generation: number;
  entries: FileSetEntry[];
}

/** The encoded set: `16 + 13 * entries + 4` bytes. REQUIRES: entries in (major, minor) order. */
export function encodeFileSet(set: FileSet): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE + set.entries.length * ENTRY_SIZE + CRC_SIZE);
  buf.writeUInt32LE(FILE_SET_MAGIC, 0);
  buf.writeUInt32LE(FILE_SET_VERSION, VERSION_OFFSET);
  buf.writeUInt32LE(set.generation >>> 0, GENERATION_OFFSET);
  buf.writeUInt32LE(set.entries.length, COUNT_OFFSET);
  set.entries.forEach((e, i) => {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    buf.writeUInt32LE(e.id.major, at);
    buf.writeUInt32LE(e.id.minor, at + ENTRY_MINOR_OFFSET);
    buf[at + ENTRY_STATE_OFFSET] = STATE_CODES[e.state];
    buf.writeUInt32LE(e.size, at + ENTRY_SIZE_OFFSET);
  });
  buf.writeUInt32LE(zlib.crc32(buf.subarray(0, buf.length - CRC_SIZE)), buf.length - CRC_SIZE);
  return buf;
}

function damaged(offset: number, why: string): KvsError {
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `the bitcask file set ${FILE_SET} is corrupt at byte offset ${offset}: ${why}; nothing was changed. ` +
      `Restore ${FILE_SET} from a backup (without it, kvs cannot tell whether a data file is missing)`,
    { details: { file: FILE_SET, offset } },
  );
}

/** Decodes `buf`; throws CORRUPTION naming FILESET and the offset unless every check passes. */
export function decodeFileSet(buf: Buffer): FileSet {
  if (buf.length < HEADER_SIZE + CRC_SIZE) throw damaged(0, `${buf.length} bytes is shorter than the smallest file set`);
  if (buf.readUInt32LE(0) !== FILE_SET_MAGIC) throw damaged(0, 'bad magic');
  const count = buf.readUInt32LE(COUNT_OFFSET);
  // Bound the count by the bytes present before trusting it.
  if (count > (buf.length - HEADER_SIZE - CRC_SIZE) / ENTRY_SIZE || buf.length !== HEADER_SIZE + count * ENTRY_SIZE + CRC_SIZE) {
    throw damaged(COUNT_OFFSET, `${count} entries do not fit its ${buf.length} bytes`);
  }
  if (zlib.crc32(buf.subarray(0, buf.length - CRC_SIZE)) !== buf.readUInt32LE(buf.length - CRC_SIZE)) throw damaged(buf.length - CRC_SIZE, 'checksum mismatch');
  const version = buf.readUInt32LE(VERSION_OFFSET);
  if (version !== FILE_SET_VERSION) {
    throw new KvsError(ErrorCodes.UNSUPPORTED, `the bitcask file set ${FILE_SET} has version ${version}; this kvs reads version ${FILE_SET_VERSION}: upgrade kvs`, { details: { file: FILE_SET } });
  }
  const entries: FileSetEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    const state = STATES[buf[at + ENTRY_STATE_OFFSET]!];
    if (state === undefined) throw damaged(at + ENTRY_STATE_OFFSET, `entry ${i} has unknown state ${buf[at + ENTRY_STATE_OFFSET]}`);
    const id = { major: buf.readUInt32LE(at), minor: buf.readUInt32LE(at + ENTRY_MINOR_OFFSET) };
    if (entries.length > 0 && compareFileIds(entries.at(-1)!.id, id) >= 0) throw damaged(at, `entry ${i} is out of order`);
    entries.push({ id, state, size: buf.readUInt32LE(at + ENTRY_SIZE_OFFSET) });
  }
  const active = entries.filter((e) => e.state === 'active');
  if (active.length > 1 || (active.length === 1 && entries.findLast((e) => e.state !== 'merged') !== active[0])) {
    throw damaged(HEADER_SIZE, 'the active file is not the newest file');
  }
  return { generation: buf.readUInt32LE(GENERATION_OFFSET), entries };
}

/** The raw bytes of `dir`'s file set, or undefined iff there is none (a store written before file sets). */
export function readFileSetBytes(dir: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(dir, FILE_SET));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Replaces `dir`'s file set with `set`, durably: after a crash the old or the new set is in
 * place. On failure (a full disk) the temporary file is removed and the old set stays.
 */
export function writeFileSet(dir: string, set: FileSet): void {
  const file = path.join(dir, FILE_SET);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, encodeFileSet(set));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDirSync(dir);
}

/** True iff `a` and `b` list the same files in the same states and sealed sizes (generations and the active file's growth aside). */
export function sameEntries(a: readonly FileSetEntry[], b: readonly FileSetEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => compareFileIds(e.id, b[i]!.id) === 0 && e.state === b[i]!.state && (e.state === 'active' || e.size === b[i]!.size));
}
