/**
 * Maps better-sqlite3 errors (SqliteError, whose `code` is SQLite's extended result code name,
 * e.g. SQLITE_BUSY, SQLITE_CORRUPT, SQLITE_IOERR_FSYNC) to KvsError codes.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

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
  if (code.startsWith('SQLITE_CANTOPEN') || /does not exist/.test(message)) {
    return new KvsError(
      ErrorCodes.STORE_NOT_FOUND,
      `cannot open ${file} (${code || message}); the store marker is there but the database file is missing or unreadable: restore it, or remove the directory and start afresh`,
      { cause: err, details },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new KvsError(ErrorCodes.IO_ERROR, `the disk holding ${file} is full (while ${what}); free space and retry`, { cause: err, details });
  }
  return new KvsError(ErrorCodes.IO_ERROR, `SQLite failed while ${what} in ${file}: ${message}${code ? ` (${code})` : ''}`, { cause: err, details });
}
