/**
 * Maps better-sqlite3 errors (SqliteError, whose `code` is SQLite's extended result code name,
 * e.g. SQLITE_BUSY, SQLITE_CORRUPT, SQLITE_IOERR_FSYNC) to KvsError codes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { unwritableDirError } from '../../engine/write-access.js';

/** A KvsError for a SQLite failure while doing `what` on the database file `file`. */
export function mapSqliteError(err: unknown, what: string, file: string): KvsError {
  if (err instanceof KvsError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const message = err instanceof Error ? err.message : String(err);
  const details = { file, sqliteCode: code };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new KvsError(
      ErrorCodes.LOCKED,
      `${file} is in use by another process, which holds its write lock (${code} while ${what}); close it or wait for its transaction to end (\`fuser ${file}\` names it), then retry, or raise the busyTimeoutMs option`,
      { cause: err, details },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new KvsError(
      ErrorCodes.CORRUPTION,
      `${file} is not a readable SQLite database (${code} while ${what}: ${message}); restore it from a backup (the sqlite3 shell's .recover can salvage rows)`,
      { cause: err, details },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || /does not exist/.test(message)) {
    // Tell a directory SQLite may not write (its -wal and -shm files live beside the database)
    // from a missing file: the first is no damage, and the file must never be called lost.
    const dir = path.dirname(file);
    const refusal = writeRefusal(dir, file);
    if (refusal !== undefined) {
      const readOnly = unwritableDirError(dir, refusal);
      if (readOnly !== undefined) return new KvsError(readOnly.code, `${readOnly.message}; ${path.basename(file)} itself is intact, SQLite only needs to create its -wal and -shm files beside it`, { cause: err, details: { ...readOnly.details, ...details } });
    }
    if (!fs.existsSync(file)) {
      return new KvsError(ErrorCodes.CORRUPTION, `${file} is missing (${code || message} while ${what}); the store marker says a store is there: restore the file from a backup`, { cause: err, details: { ...details, file: path.basename(file), path: file } });
    }
    return new KvsError(
      ErrorCodes.IO_ERROR,
      `SQLite cannot open ${file} (${code || message} while ${what}); check that this user may read and write it and its -wal and -shm files, and that the disk is mounted`,
      { cause: err, details },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new KvsError(ErrorCodes.IO_ERROR, `the disk holding ${file} is full (while ${what}); free space and retry`, { cause: err, details });
  }
  return new KvsError(ErrorCodes.IO_ERROR, `SQLite failed while ${what} in ${file}: ${message}${code ? ` (${code})` : ''}`, { cause: err, details });
}

/**
 * The errno (EROFS, EACCES, EPERM) with which `dir`, or `file` in it, refuses writes, as an
 * error for unwritableDirError; undefined iff both may be written.
 */
function writeRefusal(dir: string, file: string): NodeJS.ErrnoException | undefined {
  for (const target of [dir, file]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return Object.assign(new Error(code), { code, path: `${file}-wal` });
    }
  }
  return undefined;
}
