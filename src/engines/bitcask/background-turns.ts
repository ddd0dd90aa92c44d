/**
 * Event-loop turns for Bitcask's background work (sealing hints, merges). Such work pauses on
 * `setImmediate` between slices; a loop of awaited writes under sync 'never' resumes only on the
 * microtask queue and would never let the event loop reach it, so the merge would starve while
 * dead bytes pile up. Once a paused task has waited through `turnBytes` of writes, the next write
 * returns a promise settled after one turn of the event loop, in which the task runs its slice
 * (or its fsync's callback runs). Once it has waited through `stallBytes`, writes wait for its
 * step itself: that is what bounds the disk whatever the loop, at the price of a stall.
 * Writes waiting for the same turn settle in issue order. Concurrency: one JS thread.
 */

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class BackgroundTurns {
  readonly #turnBytes: number;
  readonly #stallBytes: number;
  #written = 0;
  /** What the waiting task waits for (settles, never rejects); undefined iff none waits. */
  #waiting: Promise<void> | undefined;
  /** `#written` when the background task last paused; undefined while it runs a slice or none waits. */
  #pausedAt: number | undefined;
  #turn: Promise<void> | undefined;

  /**
   * `turnBytes`: bytes written while a task waits before writes give it a turn (> 0).
   * `stallBytes`: bytes written while a task waits before writes wait for its step to finish
   * (an fsync of a sealed file, say, can take longer than the writes need to fill the disk).
   */
  constructor(turnBytes: number, stallBytes: number) {
    this.#turnBytes = Math.max(1, turnBytes);
    this.#stallBytes = Math.max(this.#turnBytes, stallBytes);
  }

  /** Bytes written so far (counted by `wrote`). */
  get written(): number {
    return this.#written;
  }

  /** Counts `bytes` appended by a write. */
  wrote(bytes: number): void {
    this.#written += bytes;
  }

  /** A background task's pause between slices: resolves after a turn of the event loop. */
  pause(): Promise<void> {
    return this.wait(yieldToLoop());
  }

  /**
   * `pending` (an fsync, a file write) awaited by a background task: its callback also needs
   * the event loop to turn, so writes share turns with it the same way.
   */
  async wait<T>(pending: Promise<T>): Promise<T> {
    this.#pausedAt = this.#written;
    const waiting = pending.then(
      () => undefined,
      () => undefined,
    );
    this.#waiting = waiting;
    try {
      return await pending;
    } finally {
      this.#pausedAt = undefined;
      if (this.#waiting === waiting) this.#waiting = undefined;
    }
  }

  /**
   * Undefined iff the write that just finished need not wait; else a promise settled after the
   * event loop turned once (and the waiting task ran its next slice).
   */
  share(): Promise<void> | undefined {
    if (this.#pausedAt !== undefined && this.#waiting !== undefined && this.#written - this.#pausedAt >= this.#stallBytes) return this.#waiting;
    if (this.#turn !== undefined) return this.#turn;
    if (this.#pausedAt === undefined || this.#written - this.#pausedAt < this.#turnBytes) return undefined;
    this.#turn = yieldToLoop().then(() => {
      this.#turn = undefined;
    });
    return this.#turn;
  }
}
