/**
 * Maps errors of the rocksdb binding to KvsError codes. The binding reports RocksDB's Status as
 * a plain Error whose message starts with the category ("IO error:", "Corruption:",
 * "NotFound:", "Invalid argument:"), so the message is what is matched.
 */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';

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
    return new KvsError(
      ErrorCodes.LOCKED,
      here
        ? `${dir} is already open for writing in this process (RocksDB holds ${lockFile}); close the other handle first, or reuse it`
        : `${dir} is in use by another process (it holds ${lockFile}); close it or wait for it to finish (\`fuser ${lockFile}\` names it), then retry; read commands still work (they open read-only)`,
      { cause: err, details: { dir, file: lockFile, sameProcess: here } },
    );
  }
  if (/^Corruption:/i.test(message)) {
    const file = /(\/\S+?\.(?:sst|log)|\d+\.(?:sst|log)|MANIFEST-\d+|CURRENT|OPTIONS-\d+)\b/.exec(message)?.[1];
    const where = file === undefined ? dbDir : path.isAbsolute(file) ? file : path.join(dbDir, file);
    return new KvsError(
      ErrorCodes.CORRUPTION,
      `RocksDB found corrupt data in ${where} while ${what}: ${message}; restore the store from a backup (RocksDB's ldb repair tool can salvage what is readable)`,
      { cause: err, details: { dir, file: where } },
    );
  }
  if (/^NotFound:.*CURRENT|does not exist \(create_if_missing is false\)/i.test(message)) {
    return new KvsError(
      ErrorCodes.STORE_NOT_FOUND,
      `no RocksDB database in ${dbDir}; the store marker is there but its data folder is missing or empty: restore it, or remove the directory and start afresh`,
      { cause: err, details: { dir } },
    );
  }
  if (/No space left on device/i.test(message)) {
    return new KvsError(ErrorCodes.IO_ERROR, `the disk holding ${dbDir} is full (while ${what}); free space and retry`, { cause: err, details: { dir } });
  }
  return new KvsError(ErrorCodes.IO_ERROR, `RocksDB failed while ${what} in ${dbDir}: ${message}`, { cause: err, details: { dir } });
}
