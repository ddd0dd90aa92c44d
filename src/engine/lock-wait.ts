/**
 * Waiting for a directory another process has locked, like SQLite's busy timeout: a writable open
 * that finds the store LOCKED by another process tries again, backing off, until `timeoutMs` has
 * passed. Policy only: each engine's open says LOCKED (and takes the lock) its own way.
 */
import { isKvsError, KvsError } from './errors.js';

/** The library's default: fail at once, as before lockTimeoutMs existed. The CLI waits (--lock-timeout). */
export const DEFAULT_LOCK_TIMEOUT_MS = 0;
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/**
 * `open()`, tried again while it throws LOCKED because another process holds the directory, for at
 * most `timeoutMs` (0: once). A lock held by this very process is never waited for: in sequential
 * code the other store would only close after this wait. After the timeout the last LOCKED error
 * is thrown with `details.waitedMs` and a message that says how long it waited.
 */
export async function openWaitingForLock<T>(open: () => Promise<T>, timeoutMs: number): Promise<T> {
  const started = Date.now();
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      return await open();
    } catch (err) {
      if (!isKvsError(err, 'LOCKED') || err.details.holder === 'this-process' || timeoutMs <= 0) throw err;
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw waitedFor(err, waited);
      // Jitter keeps writers that were refused together from retrying in lockstep.
      await sleep(Math.min(pause * (0.5 + Math.random()), timeoutMs - waited));
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }
}

/** A pause; not node:timers/promises, whose import costs a `kvs set` more than its waits usually do. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function waitedFor(err: KvsError, waitedMs: number): KvsError {
  const seconds = (waitedMs / 1000).toFixed(waitedMs < 10_000 ? 1 : 0);
  return new KvsError(err.code, `${err.message} (waited ${seconds} s for it)`, { cause: err, details: { ...err.details, waitedMs } });
}
