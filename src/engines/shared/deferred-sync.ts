/**
 * The deferred fsync of an engine whose commits skip fsync under the "interval" and "never"
 * policies: it remembers whether a commit is not durable yet, runs the engine's sync on a timer
 * under "interval", and once more when the engine closes (the contract: close makes writes durable).
 * Concurrency: one JS thread; a timer tick that finds a sync failing leaves the commits pending
 * for the next tick or for close, which reports the error.
 */
import type { SyncPolicy } from '../../engine/types.js';

export class DeferredSync {
  readonly #sync: () => void | Promise<void>;
  readonly #deferred: boolean;
  #timer: NodeJS.Timeout | undefined;
  #pending = false;
  #count = 0;

  /**
   * `sync` makes every commit so far durable (throws if it cannot). A timer runs it every
   * `intervalMs` iff the policy is "interval" and the store is writable.
   */
  constructor(sync: () => void | Promise<void>, policy: SyncPolicy, intervalMs: number, readOnly: boolean) {
    this.#sync = sync;
    this.#deferred = policy !== 'always';
    if (!readOnly && policy === 'interval') {
      this.#timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs);
      this.#timer.unref();
    }
  }

  /** Syncs that succeeded so far (timer ticks and flushes that had something to sync). */
  get count(): number {
    return this.#count;
  }

  /** Records a commit; under "always" commits fsync themselves, so nothing is left pending. */
  committed(): void {
    if (this.#deferred) this.#pending = true;
  }

  /** Runs the sync iff a commit is pending; if it fails, the commits stay pending and the error is thrown. */
  async flush(): Promise<void> {
    if (!this.#pending) return;
    this.#pending = false;
    try {
      await this.#sync();
      this.#count++;
    } catch (err) {
      this.#pending = true;
      throw err;
    }
  }

  /** Stops the timer (at close, before the engine's last flush). Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
