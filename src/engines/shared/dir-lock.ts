/**
 * The LOCK file: one writer per data directory. The file is created exclusively and holds
 * the owner's pid and host; a lock whose pid is no longer alive on this host is stale and is
 * taken over. Node has no flock(), so takeover is best-effort: a process moves the stale file
 * aside, and puts it back if what it moved turns out to be another process's fresh lock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { isProcessAlive } from '../../util/process.js';

export const LOCK_FILE = 'LOCK';

/** Directories this process holds: tells "open twice here" apart from a stale lock of a dead process that had our pid (a restarted container). */
const heldHere = new Set<string>();

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string') return { pid: owner.pid, host: owner.host, since: String(owner.since) };
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined;
}

export class DirectoryLock {
  readonly #file: string;
  #held = false;

  private constructor(file: string) {
    this.#file = file;
  }

  /** Takes the lock of `dir`, recovering a stale one; throws LOCKED naming the live holder. */
  static acquire(dir: string): DirectoryLock {
    const file = path.join(dir, LOCK_FILE);
    const me: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
        const lock = new DirectoryLock(file);
        lock.#held = true;
        heldHere.add(file);
        return lock;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner(file);
      const ours = owner?.pid === process.pid && owner.host === me.host;
      if (owner !== undefined && !ours && (owner.host !== me.host || isProcessAlive(owner.pid))) {
        throw new KvsError(
          ErrorCodes.LOCKED,
          `${dir} is locked by process ${owner.pid} on ${owner.host} (since ${owner.since}); stop that process, or use it (e.g. kvs --addr) instead of opening the directory twice`,
          { details: { dir, pid: owner.pid, host: owner.host } },
        );
      }
      if (ours && heldHere.has(file)) {
        throw new KvsError(ErrorCodes.LOCKED, `${dir} is already open in this process; close the other store first`, { details: { dir, pid: process.pid } });
      }
      // Stale: the holder died without unlocking. Move it aside atomically, then retry. If what we
      // moved is not the lock we judged stale, another process took it over in between: put it back.
      const aside = `${file}.stale-${process.pid}`;
      try {
        fs.renameSync(file, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const moved = readOwner(aside);
      if (moved !== undefined && (moved.pid !== owner?.pid || moved.since !== owner?.since)) {
        try {
          fs.linkSync(aside, file);
        } catch {
          // a third process holds it now; it will be reported on the next attempt
        }
      }
      fs.rmSync(aside, { force: true });
    }
    throw new KvsError(ErrorCodes.LOCKED, `${dir} is being locked by several processes at once; try again`, { details: { dir } });
  }

  /** Removes the lock file iff this process still owns it. Idempotent. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    heldHere.delete(this.#file);
    const owner = readOwner(this.#file);
    if (owner?.pid === process.pid) fs.rmSync(this.#file, { force: true });
  }
}
