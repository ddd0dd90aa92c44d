/**
 * Maps classic-level (abstract-level) errors to KvsError codes. abstract-level wraps a failed
 * open in LEVEL_DATABASE_NOT_OPEN and puts LevelDB's own category (LEVEL_LOCKED,
 * LEVEL_CORRUPTION, LEVEL_IO_ERROR, ...) on `cause`, so both layers are inspected.
 */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';

interface LevelError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The innermost LevelDB error code and message of `err` (LEVEL_LOCKED, ...). */
function innermost(err: unknown): { code: string; message: string } {
  let e = err as LevelError | undefined;
  let code = '';
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (typeof e.code === 'string' && e.code !== 'LEVEL_DATABASE_NOT_OPEN') code = e.code;
    if (typeof e.message === 'string' && e.message !== 'Database failed to open') message = e.message;
    e = e.cause as LevelError | undefined;
  }
  return { code, message };
}

/**
 * A KvsError for a LevelDB failure while doing `what` on the database in `dbDir`.
 * REQUIRES: `dbDir` is the LevelDB folder (holding LOCK, CURRENT, *.ldb, *.log).
 */
export function mapLevelError(err: unknown, what: string, dbDir: string): KvsError {
  if (err instanceof KvsError) return err;
  const { code, message } = innermost(err);
  const lockFile = path.join(dbDir, 'LOCK');
  if (code === 'LEVEL_LOCKED' || /\block\b.*(already held|temporarily unavailable|no locks available)/i.test(message)) {
    const here = /already held by process/i.test(message);
    return new KvsError(
      ErrorCodes.LOCKED,
      here
        ? `${path.dirname(dbDir)} is already open in this process (LevelDB holds ${lockFile}); close the other handle first, or reuse it`
        : `${path.dirname(dbDir)} is in use by another process (it holds ${lockFile}); close it or wait for it to finish (\`fuser ${lockFile}\` names it), then retry`,
      { cause: err, details: { dir: path.dirname(dbDir), file: lockFile, sameProcess: here } },
    );
  }
  if (code === 'LEVEL_CORRUPTION' || /^Corruption:/i.test(message)) {
    const file = /(\S+\.(?:ldb|sst|log)|MANIFEST-\d+|CURRENT)\b/.exec(message)?.[1];
    const where = file === undefined ? dbDir : path.isAbsolute(file) ? file : path.join(dbDir, file);
    return new KvsError(
      ErrorCodes.CORRUPTION,
      `LevelDB found corrupt data in ${where} while ${what}: ${message}; restore the store from a backup (ClassicLevel.repair can salvage what is readable)`,
      { cause: err, details: { dir: path.dirname(dbDir), file: where } },
    );
  }
  if (code === 'LEVEL_NOT_FOUND' || /does not exist \(create_if_missing is false\)/.test(message)) {
    return new KvsError(
      ErrorCodes.STORE_NOT_FOUND,
      `no LevelDB database in ${dbDir} (${message}); the store marker is there but its data folder is missing: restore it, or remove the directory and start afresh`,
      { cause: err, details: { dir: path.dirname(dbDir) } },
    );
  }
  return new KvsError(ErrorCodes.IO_ERROR, `LevelDB failed while ${what} in ${dbDir}: ${message}`, { cause: err, details: { dir: path.dirname(dbDir) } });
}
