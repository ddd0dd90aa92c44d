/**
 * Why a data directory cannot be written, said so a person can act on it: a read-only file
 * system, an immutable directory or missing permissions, instead of a raw EROFS/EPERM/EACCES
 * naming a file inside the store. Used by the writable open's first writes (the marker, the lock).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from './errors.js';

/** Why, for the directory that refused: `it` names it in the sentence ("it", or its path when that is a parent), `where` is its path. */
const REASONS: Record<string, (it: string, where: string) => string> = {
  EROFS: (it) => `${it} is on a read-only file system (EROFS); to write, remount it read-write or copy the store to a writable place`,
  EPERM: (it, where) => `the system does not permit changes in ${it} (EPERM): it may be immutable (see \`lsattr -d ${where}\`); to write, clear that (chattr -i) or copy the store to a writable place`,
  EACCES: (it) => `this user may not write in ${it} (EACCES); to write, run as its owner or give this user write permission`,
};

/**
 * READ_ONLY saying why `dir` cannot be written (naming the directory that refused, which is a
 * parent of `dir` when `dir` is being created), iff `err` is a refusal to write (EROFS, EPERM,
 * EACCES); undefined for any other error. `storeExists`: add that reading the store still works.
 */
export function unwritableDirError(dir: string, err: unknown, storeExists = true): KvsError | undefined {
  const { code, path: target } = (err ?? {}) as NodeJS.ErrnoException;
  if (code === undefined || !Object.hasOwn(REASONS, code)) return undefined;
  const where = target === undefined ? dir : path.dirname(target);
  const reading = storeExists ? '. Reading it still works (a read-only open: kvs get, ls, count, stats, check)' : '';
  return new KvsError(ErrorCodes.READ_ONLY, `cannot write to ${dir}: ${REASONS[code]!(where === dir ? 'it' : where, where)}${reading}`, { cause: err, details: { dir, errno: code } });
}

/**
 * `mkdir -p dir`, failing with the real reason: Node's recursive mkdir says ENOENT where a
 * parent is on a read-only file system, so on ENOENT each missing directory is made in turn.
 */
export function makeDirectories(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const missing: string[] = [];
  for (let at = dir; !fs.existsSync(at) && path.dirname(at) !== at; at = path.dirname(at)) missing.unshift(at);
  for (const each of missing) {
    try {
      fs.mkdirSync(each);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
