/**
 * Group commit: many writers wait for one fsync. A caller's promise resolves after an fsync
 * that *started* after the call, so everything it wrote before calling is durable. While one
 * fsync runs, new callers queue for the next one, which then covers them all.
 * Imports no engine; any log-structured engine can use it.
 */
export class GroupSync {
  readonly #sync: () => Promise<void>;
  #running: Promise<void> | undefined;
  #next: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  #syncs = 0;
  /** The first failure. After it every request rejects: a later fsync succeeding proves nothing about data written before the failure. */
  #failed: { error: unknown } | undefined;

  /** `sync` makes every write issued before it started durable (typically fsync of the log). */
  constructor(sync: () => Promise<void>) {
    this.#sync = sync;
  }

  /** fsyncs performed so far. */
  get count(): number {
    return this.#syncs;
  }

  /** Resolves once everything written before this call is durable. */
  request(): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed.error);
    if (this.#running === undefined) return this.#start();
    if (this.#next === undefined) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#next = { promise, resolve, reject };
    }
    return this.#next.promise;
  }

  /** Resolves when no fsync is running or queued. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running.catch(() => undefined);
  }

  #start(): Promise<void> {
    this.#syncs++;
    const run = this.#sync()
      .catch((error: unknown) => {
        this.#failed ??= { error };
        throw error;
      })
      .finally(() => {
        this.#running = undefined;
        const waiting = this.#next;
        this.#next = undefined;
        if (waiting === undefined) return;
        if (this.#failed !== undefined) waiting.reject(this.#failed.error);
        else this.#start().then(waiting.resolve, waiting.reject);
      });
    this.#running = run;
    return run;
  }
}
