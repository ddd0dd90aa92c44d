/** Facts about other processes on this host. */

/**
 * True iff a process with id `pid` exists on this host. Signal 0 checks without signalling:
 * EPERM means it exists but belongs to another user; ESRCH (or any other error) means it is gone.
 * A pid may be reused after its process died, so callers keep more evidence where it matters.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
