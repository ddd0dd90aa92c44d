/**
 * Why a data directory cannot be written, said so a person can act on it: a read-only file
 * system, an immutable directory or missing permissions, instead of a raw EROFS/EPERM/EACCES
 * naming a file inside the store. Used by the writable open's first write (the marker, the lock).
 */
import { ErrorCodes, KvsError } from './errors.js';

const REASONS: Record<string, (dir: string) => string> = {
  EROFS: () => 'it is on a read-only file system (EROFS); to write, remount it read-write or copy the store to a writable place',
  EPERM: (dir) => `the system does not permit it (EPERM): the directory may be immutable (see \`lsattr -d ${dir}\`); to write, clear that (chattr -i) or copy the store to a writable place`,
  EACCES: () => `permission denied (EACCES) for this user; to write, run as the directory's owner or give this user write permission`,
};

/**
 * READ_ONLY saying why `dir` cannot be written and that reading it still works, iff `err` is a
 * refusal to write (EROFS, EPERM, EACCES); undefined for any other error.
 */
export function unwritableDirError(dir: string, err: unknown): KvsError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = code !== undefined && Object.hasOwn(REASONS, code) ? REASONS[code] : undefined;
  if (reason === undefined) return undefined;
  return new KvsError(
    ErrorCodes.READ_ONLY,
    `cannot write to ${dir}: ${reason(dir)}. Reading it still works (a read-only open: kvs get, ls, count, stats, check)`,
    { cause: err, details: { dir, errno: code } },
  );
}
