/**
 * The directory lock: at most one writer per data directory, across processes and within one.
 * Synchronous; `acquire` either wins at once or throws (waiting is the caller's policy: openStore's
 * lockTimeoutMs). Node has no flock(), so the lock is built from rename(2) alone:
 *
 *   LOCK/              created on demand, removed when the last user leaves it empty
 *   LOCK/held/         exists and is non-empty iff the lock is held (or its holder died)
 *   LOCK/held/TOKEN    the holder's owner record (lock-owner.ts); TOKEN is unique to one acquisition
 *   LOCK/new-TOKEN/    a contender's record while it is prepared
 *
 * Why it cannot be won twice. (1) A contender writes its record into a staging directory of its
 * own, then renames that directory to LOCK/held. rename(2) replaces an existing directory only if
 * it is empty and fails otherwise (ENOTEMPTY/EEXIST), atomically: LOCK/held never appears without
 * its whole record, and a rename can never displace a holder. (2) A record leaves LOCK/held only
 * by an unlink of its own name: by its owner when it releases, or by a contender that read that
 * very record and found its process dead. Tokens are never reused, so the unlink meant for a dead
 * holder cannot remove a newer holder's record: when two contenders judge the same dead lock
 * stale, both unlink the same name (one gets ENOENT), both rename, exactly one rename succeeds,
 * and the other contender then reads the winner's record. (3) So a live process is the holder
 * iff its record is in LOCK/held, and at most one record can be there.
 *
 * A lock held by another thread or another copy of this module in the same process is refused
 * like any live holder; a record with our pid but another start time is a dead predecessor's
 * (pid reuse, a restarted container). A LOCK regular file is the old single-file format: honoured
 * while its pid lives, else removed (running two kvs versions on one directory at once is not
 * supported: the old format could be won twice).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { unwritableDirError } from '../../engine/write-access.js';
import { isProcessAlive } from '../../util/process.js';
import { newOwner, ownerState, parseOwner, type LockOwner } from './lock-owner.js';

/** The lock's entry in a data directory; engines skip it when they list their files. */
export const LOCK_FILE = 'LOCK';
const HELD = 'held';
const STAGE_PREFIX = 'new-';
/** Rounds of "the holder changed under us" before giving up; each needs another process to act. */
const MAX_ROUNDS = 16;

/** LOCK/ directories this module holds, with the token of each. */
const heldHere = new Map<string, string>();

export class DirectoryLock {
  readonly #lockDir: string;
  readonly #record: string;
  #held = true;

  private constructor(lockDir: string, token: string) {
    this.#lockDir = lockDir;
    this.#record = path.join(lockDir, HELD, token);
  }

  /**
   * Takes the lock of `dir`, taking over a stale one (its holder is dead). Throws LOCKED naming
   * the live holder (`details.pid`, `details.host`; `details.holder` is "this-process" when it is
   * this process), READ_ONLY when `dir` cannot be written.
   */
  static acquire(dir: string): DirectoryLock {
    const lockDir = path.join(dir, LOCK_FILE);
    if (heldHere.has(lockDir)) throw openHere(dir);
    const owner = newOwner();
    const stage = path.join(lockDir, STAGE_PREFIX + owner.token);
    try {
      writeStage(dir, lockDir, stage, owner);
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (tryInstall(stage, path.join(lockDir, HELD))) {
          heldHere.set(lockDir, owner.token);
          removeDeadStages(lockDir);
          return new DirectoryLock(lockDir, owner.token);
        }
        clearIfStale(dir, path.join(lockDir, HELD));
      }
    } catch (err) {
      removeQuietly(stage);
      throw err;
    }
    removeQuietly(stage);
    throw new KvsError(ErrorCodes.LOCKED, `${dir} is being locked and unlocked by several processes at once; try again`, { details: { dir } });
  }

  /** Releases the lock. Idempotent. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    heldHere.delete(this.#lockDir);
    fs.rmSync(this.#record, { force: true });
    // Either may fail harmlessly: a newer holder or contender is already there.
    for (const empty of [path.dirname(this.#record), this.#lockDir]) {
      try {
        fs.rmdirSync(empty);
      } catch {
        // not empty, or gone
      }
    }
  }
}

/** Creates LOCK/ (replacing an old-format LOCK file whose holder is dead) and the staging directory with `owner`'s record. */
function writeStage(dir: string, lockDir: string, stage: string, owner: LockOwner): void {
  for (let round = 0; ; round++) {
    try {
      mkdirIfMissing(lockDir); // not recursive: the store directory exists, and Node's recursive mkdir reports EROFS as ENOENT
      fs.mkdirSync(stage);
      fs.writeFileSync(path.join(stage, owner.token), JSON.stringify(owner), { flag: 'wx' });
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (round < MAX_ROUNDS) {
        if ((code === 'EEXIST' || code === 'ENOTDIR') && removeLegacyLock(dir, lockDir)) continue;
        if (code === 'ENOENT') continue; // the last holder removed an empty LOCK/ between our two mkdirs
      }
      throw unwritableDirError(dir, err) ?? err;
    }
  }
}

/** Removes a staging directory that may be half made (or not made at all: the store directory refused it). */
function removeQuietly(stage: string): void {
  try {
    fs.rmSync(stage, { recursive: true, force: true });
  } catch {
    // a read-only directory, where nothing was made
  }
}

function mkdirIfMissing(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** True iff `stage` became LOCK/held; false iff a record is there (held, or left by a dead holder). */
function tryInstall(stage: string, held: string): boolean {
  try {
    fs.renameSync(stage, held);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}

/** Throws LOCKED if a live process holds `held`; otherwise unlinks the record of its dead holder, if any. */
function clearIfStale(dir: string, held: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(held);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // released just now
    throw err;
  }
  for (const name of names) {
    const record = path.join(held, name);
    let text: string;
    try {
      text = fs.readFileSync(record, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released or cleared just now
      throw err;
    }
    // A record is complete before it is renamed into place, so an unreadable one was damaged (a
    // power loss, whose holder is gone with the boot) and is stale.
    const owner = parseOwner(text);
    if (owner !== undefined) refuseIfLive(dir, owner);
    fs.rmSync(record, { force: true });
  }
}

function refuseIfLive(dir: string, owner: LockOwner): void {
  const state = ownerState(owner);
  if (state === 'alive' || state === 'other-host') throw lockedBy(dir, owner);
  // This process, under a token this module does not hold: another thread or copy of kvs (where
  // /proc proves it is this very process), else a dead predecessor that had our pid.
  if (state === 'this-process' && owner.start !== undefined) throw openHere(dir);
}

/** True iff `lockDir` was an old-format LOCK file whose holder is dead, now removed; throws LOCKED if it lives. */
function removeLegacyLock(dir: string, lockDir: string): boolean {
  let text: string;
  try {
    if (!fs.lstatSync(lockDir).isFile()) return false;
    text = fs.readFileSync(lockDir, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT'; // gone meanwhile: try again
  }
  const owner = parseOwner(text);
  if (owner !== undefined && owner.pid !== process.pid) {
    const state = ownerState(owner);
    if (state === 'alive' || state === 'other-host') throw lockedBy(dir, owner);
  }
  fs.rmSync(lockDir, { force: true });
  return true;
}

/** Removes the staging directories of contenders that died before they finished. */
function removeDeadStages(lockDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(lockDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(STAGE_PREFIX)) continue;
    const pid = Number.parseInt(name.slice(STAGE_PREFIX.length), 10);
    if (Number.isSafeInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) fs.rmSync(path.join(lockDir, name), { recursive: true, force: true });
  }
}

function lockedBy(dir: string, owner: LockOwner): KvsError {
  return new KvsError(
    ErrorCodes.LOCKED,
    `${dir} is locked by process ${owner.pid} on ${owner.host} (since ${owner.since}); close the store in that process, or reach it through that process (e.g. a kvs server and --addr) instead of opening the directory twice`,
    { details: { dir, pid: owner.pid, host: owner.host, since: owner.since } },
  );
}

function openHere(dir: string): KvsError {
  return new KvsError(ErrorCodes.LOCKED, `${dir} is already open in this process; close the other store first`, {
    details: { dir, pid: process.pid, holder: 'this-process' },
  });
}
