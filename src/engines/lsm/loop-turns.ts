/**
 * Turns of the event loop for background work that waits for one (a slice's setImmediate, an
 * answer from the background thread) while writes keep the loop busy. A loop of awaited writes
 * under sync 'never' resumes on the microtask queue and never lets the event loop reach either,
 * so flushes would finish only when a write stalls. While background work waits, the write that
 * crosses every `compactionSliceBytes / BACKGROUND_SHARE` WAL bytes settles one turn later.
 * Single-threaded.
 */
import type { EngineCounters } from './lsm-stats.js';

/** A slice reads about `compactionSliceBytes`: a job gets through about this many input bytes per byte written. */
const BACKGROUND_SHARE = 4;

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class LoopTurns {
  readonly #counters: EngineCounters;
  readonly #turnBytes: number;
  /** Waits for the event loop in progress, and the WAL byte count when the first began. */
  #waits = 0;
  #waitingSince = 0;
  /** The turn of the event loop writes are waiting for, while one is pending. */
  #turn: Promise<void> | undefined;

  constructor(counters: EngineCounters, sliceBytes: number) {
    this.#counters = counters;
    this.#turnBytes = Math.max(1, Math.floor(sliceBytes / BACKGROUND_SHARE));
  }

  /** Awaits `p`, which needs the event loop, counted as a wait. */
  async onLoop<T>(p: () => Promise<T>): Promise<T> {
    if (this.#waits++ === 0) this.#waitingSince = this.#counters.walBytesWritten;
    try {
      return await p();
    } finally {
      this.#waits--;
    }
  }

  /** Between slices on the event loop: timers, I/O, reads and writes run before the job goes on. */
  pause(): Promise<void> {
    return this.onLoop(yieldToLoop);
  }

  /**
   * Returns `result`, or a promise of it settled after one turn of the event loop when background
   * work has waited through `turnBytes` of writes. Writes waiting for the same turn settle in
   * issue order. A promise (a write waiting for an fsync, which lets the event loop turn anyway)
   * is returned as it is.
   */
  shareTurn<T>(result: T | Promise<T>): T | Promise<T> {
    if (result instanceof Promise) return result;
    if (this.#turn === undefined) {
      if (this.#waits === 0 || this.#counters.walBytesWritten - this.#waitingSince < this.#turnBytes) return result;
      this.#waitingSince = this.#counters.walBytesWritten;
      this.#turn = yieldToLoop().then(() => {
        this.#turn = undefined;
      });
    }
    return this.#turn.then(() => result);
  }
}
