/**
 * Maps classic-level (abstract-level) errors to KvsError codes. abstract-level wraps a failed
 * open in LEVEL_DATABASE_NOT_OPEN and puts LevelDB's own category (LEVEL_LOCKED,
 * LEVEL_CORRUPTION, LEVEL_IO_ERROR, ...) on `cause`, so both layers are inspected.
 */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { lockHolderPid } from '../shared/abstract-level.js';

/** LevelDB's folder inside the store directory (the engine's LEVEL_SUBDIR). */
const LEVEL_SUBDIR = 'leveldb';

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

/** How to salvage a LevelDB store whose CURRENT or MANIFEST is damaged, beyond a backup. */
export const LEVEL_SALVAGE = 'let ClassicLevel.repair(<dir>/leveldb) rebuild its manifest from the tables and logs (on a copy first)';

/**
 * A KvsError for a LevelDB failure while doing `what` on the database in `dbDir`.
 * REQUIRES: `dbDir` is the LevelDB folder (holding LOCK, CURRENT, *.ldb, *.log).
 */
export function mapLevelError(err: unknown, what: string, dbDir: string): KvsError {
  if (err instanceof KvsError) return err;
  const { code, message } = innermost(err);
  const dir = path.dirname(dbDir);
  const lockFile = path.join(dbDir, 'LOCK');
  if (code === 'LEVEL_LOCKED' || /\block\b.*(already held|temporarily unavailable|no locks available)/i.test(message)) {
    const here = /already held by process/i.test(message);
    const pid = here ? process.pid : lockHolderPid(lockFile);
    const holder = pid === undefined ? 'another process' : `process ${pid}`;
    return new KvsError(
      ErrorCodes.LOCKED,
      here
        ? `${dir} is already open in this process (LevelDB holds ${lockFile}); close the other handle first, or reuse it`
        : `${dir} is in use by ${holder} (it holds ${lockFile}); close it or wait for it to finish, then retry`,
      { cause: err, details: { dir, file: lockFile, sameProcess: here, ...(here ? { holder: 'this-process' } : {}), ...(pid === undefined ? {} : { pid }) } },
    );
  }
  const named = /(\S+\.(?:ldb|sst|log)|MANIFEST-\d+|CURRENT)\b/.exec(message)?.[1];
  const file = named === undefined ? undefined : path.relative(dir, path.isAbsolute(named) ? named : path.join(dbDir, path.basename(named)));
  if (code === 'LEVEL_CORRUPTION' || /^Corruption:/i.test(message)) return corrupt(err, what, dir, file ?? LEVEL_SUBDIR, message);
  // A file the database needs is gone (CURRENT naming a missing manifest, a missing table): damage, not an I/O failure.
  if (file !== undefined && /No such file or directory|NotFound|not found/i.test(message)) return corrupt(err, what, dir, file, message);
  if (code === 'LEVEL_NOT_FOUND' || /does not exist \(create_if_missing is false\)/.test(message)) return corrupt(err, what, dir, path.join(LEVEL_SUBDIR, 'CURRENT'), message);
  if (/No space left on device/i.test(message)) {
    return new KvsError(ErrorCodes.IO_ERROR, `the disk holding ${dbDir} is full (while ${what}): free space and retry; the store reopens once there is room`, { cause: err, details: { dir, errno: 'ENOSPC' } });
  }
  return new KvsError(ErrorCodes.IO_ERROR, `LevelDB failed while ${what} in ${dbDir}: ${message}`, { cause: err, details: { dir } });
}

/** CORRUPTION naming `file` (relative to the store directory `dir`) for LevelDB's `message`. */
function corrupt(err: unknown, what: string, dir: string, file: string, message: string): KvsError {
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `LevelDB found ${path.join(dir, file)} damaged or missing while ${what} (${message}); restore the store from a backup, or ${LEVEL_SALVAGE}`,
    { cause: err, details: { dir, file, path: path.join(dir, file) } },
  );
}
