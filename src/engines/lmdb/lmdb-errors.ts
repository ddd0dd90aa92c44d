/**
 * LMDB failures as KvsErrors, and a check of the data file's meta pages before lmdb-js sees it:
 * lmdb-js crashes the whole process (SIGSEGV) on a file that is not an LMDB file, so a store
 * whose data.mdb is truncated or overwritten must be refused before `open`.
 *
 * Meta page grammar as lmdb-js 3 writes it (little-endian), pages 0 and 1 both hold one:
 *   page header (24 bytes) | magic:u32 = 0xBEEFC0DE @24 | version:u32 @28 | address:u64 @32 |
 *   mapsize:u64 @40 | free-db page size:u32 @48 ...
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { unwritableDirError } from '../../engine/write-access.js';

const MAGIC = 0xbeefc0de;
const MAGIC_OFFSET = 24;
const PAGE_SIZE_OFFSET = 24 + 4 + 4 + 8 + 8;
const MIN_PAGE = 4096;
const MAX_PAGE = 65536;

/** Throws CORRUPTION naming `file` iff it exists and its meta pages are not LMDB's. */
export function checkDataFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new KvsError(ErrorCodes.IO_ERROR, `cannot read ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return; // created but never initialised (a crash during the first open): LMDB initialises it
    const head = Buffer.alloc(PAGE_SIZE_OFFSET + 4);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    if (got < head.length || head.readUInt32LE(MAGIC_OFFSET) !== MAGIC) throw notLmdb(file, MAGIC_OFFSET, 'the first meta page lacks the LMDB magic number');
    const pageSize = head.readUInt32LE(PAGE_SIZE_OFFSET);
    if (pageSize < MIN_PAGE || pageSize > MAX_PAGE || (pageSize & (pageSize - 1)) !== 0) {
      throw notLmdb(file, PAGE_SIZE_OFFSET, `the page size ${pageSize} is not a power of two between ${MIN_PAGE} and ${MAX_PAGE}`);
    }
    if (size < 2 * pageSize) throw notLmdb(file, size, `the file is ${size} bytes, shorter than its two ${pageSize}-byte meta pages (truncated)`);
    const second = Buffer.alloc(4);
    fs.readSync(fd, second, 0, 4, pageSize + MAGIC_OFFSET);
    if (second.readUInt32LE(0) !== MAGIC) throw notLmdb(file, pageSize + MAGIC_OFFSET, 'the second meta page lacks the LMDB magic number');
  } finally {
    fs.closeSync(fd);
  }
}

function notLmdb(file: string, offset: number, what: string): KvsError {
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `${file} is not a valid LMDB data file: ${what} (byte offset ${offset}); restore it from a backup`,
    { details: { file, offset } },
  );
}

/** A KvsError for an lmdb-js failure while doing `what` on `file`. */
export function mapLmdbError(err: unknown, what: string, file: string): KvsError {
  if (err instanceof KvsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const details = { file };
  if (/MDB_(INVALID|CORRUPTED|PAGE_NOTFOUND|VERSION_MISMATCH|BAD_TXN)|not an LMDB file/i.test(message)) {
    return new KvsError(ErrorCodes.CORRUPTION, `LMDB found corrupt data in ${file} while ${what}: ${message}; restore it from a backup (mdb_copy can salvage a readable file)`, { cause: err, details });
  }
  if (/No such file or directory|MDB_NOTFOUND/i.test(message)) {
    return new KvsError(ErrorCodes.STORE_NOT_FOUND, `no LMDB database at ${file} (${message}); the store marker is there but the data file is missing: restore it, or write to the store to create it`, { cause: err, details });
  }
  if (/MDB_READERS_FULL/.test(message)) {
    return new KvsError(ErrorCodes.LOCKED, `${file} has too many open readers (MDB_READERS_FULL); close other processes using it, or remove stale readers with mdb_stat -rr, then retry`, { cause: err, details });
  }
  if (/Read-only file system|Permission denied|Operation not permitted/i.test(message)) {
    const errno = /Read-only/i.test(message) ? 'EROFS' : /Permission/i.test(message) ? 'EACCES' : 'EPERM';
    const refused = unwritableDirError(path.dirname(file), Object.assign(new Error(message), { code: errno, path: `${file}-lock` }));
    if (refused !== undefined) return new KvsError(refused.code, `${refused.message}; ${path.basename(file)} itself is intact, LMDB only needs to write its lock file beside it`, { cause: err, details: { ...refused.details, ...details } });
  }
  if (/MDB_MAP_FULL|No space left/i.test(message)) {
    return new KvsError(ErrorCodes.IO_ERROR, `${file} is full (${message}) while ${what}; free disk space, or raise the mapSize option`, { cause: err, details });
  }
  return new KvsError(ErrorCodes.IO_ERROR, `LMDB failed while ${what} in ${file}: ${message}`, { cause: err, details });
}
