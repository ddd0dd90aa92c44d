/**
 * Maps errors of the rocksdb binding to KvsError codes. The binding reports RocksDB's Status as
 * a plain Error whose message starts with the category ("IO error:", "Corruption:",
 * "NotFound:", "Invalid argument:"), so the message is what is matched.
 */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { lockHolderPid } from '../shared/abstract-level.js';

/** How to salvage a RocksDB store whose CURRENT or MANIFEST is damaged, beyond a backup. */
export const ROCKSDB_SALVAGE = "let RocksDB's `ldb repair --db=<dir>/rocksdb` rebuild its manifest from the tables and logs (on a copy first)";

const ROCKSDB_SUBDIR = 'rocksdb';

/**
 * A KvsError for a RocksDB failure while doing `what` on the database in `dbDir`.
 * REQUIRES: `dbDir` is the RocksDB folder (holding LOCK, CURRENT, *.sst, *.log).
 */
export function mapRocksError(err: unknown, what: string, dbDir: string): KvsError {
  if (err instanceof KvsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const dir = path.dirname(dbDir);
  const lockFile = path.join(dbDir, 'LOCK');
  if (/\block\b.*(hold by current process|temporarily unavailable|no locks available)|While lock file/i.test(message)) {
    const here = /hold by current process/i.test(message);
    const pid = here ? process.pid : lockHolderPid(lockFile);
    const holder = pid === undefined ? 'another process' : `process ${pid}`;
    return new KvsError(
      ErrorCodes.LOCKED,
      here
        ? `${dir} is already open for writing in this process (RocksDB holds ${lockFile}); close the other handle first, or reuse it`
        : `${dir} is in use by ${holder} (it holds ${lockFile}); close it or wait for it to finish, then retry; read commands still work (they open read-only)`,
      { cause: err, details: { dir, file: lockFile, sameProcess: here, ...(here ? { holder: 'this-process' } : {}), ...(pid === undefined ? {} : { pid }) } },
    );
  }
  const named = /(\/\S+?\.(?:sst|log)|\d+\.(?:sst|log)|MANIFEST-\d+|CURRENT|OPTIONS-\d+)\b/.exec(message)?.[1];
  const file = named === undefined ? undefined : path.relative(dir, path.isAbsolute(named) ? named : path.join(dbDir, path.basename(named)));
  if (/^Corruption:/i.test(message)) return corrupt(err, what, dir, file ?? ROCKSDB_SUBDIR, message);
  if (/No space left on device/i.test(message)) {
    return new KvsError(ErrorCodes.IO_ERROR, `the disk holding ${dbDir} is full (while ${what}): free space and retry; the store reopens once there is room`, { cause: err, details: { dir, errno: 'ENOSPC' } });
  }
  // A file the database needs is gone (CURRENT naming a missing manifest, a missing table): damage, not an I/O failure.
  if (file !== undefined && /No such file or directory|^NotFound/i.test(message)) return corrupt(err, what, dir, file, message);
  if (/does not exist \(create_if_missing is false\)/i.test(message)) return corrupt(err, what, dir, path.join(ROCKSDB_SUBDIR, 'CURRENT'), message);
  return new KvsError(ErrorCodes.IO_ERROR, `RocksDB failed while ${what} in ${dbDir}: ${message}`, { cause: err, details: { dir } });
}

/** CORRUPTION naming `file` (relative to the store directory `dir`) for RocksDB's `message`. */
function corrupt(err: unknown, what: string, dir: string, file: string, message: string): KvsError {
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `RocksDB found ${path.join(dir, file)} damaged or missing while ${what} (${message}); restore the store from a backup, or ${ROCKSDB_SALVAGE}`,
    { cause: err, details: { dir, file, path: path.join(dir, file) } },
  );
}
