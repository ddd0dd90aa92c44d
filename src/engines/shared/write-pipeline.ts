/**
 * An ordered write pipeline for libraries whose writes run on the libuv thread pool (classic-level,
 * rocksdb): two writes issued back to back may reach such a library in either order, and a read
 * issued after an unawaited write may miss it. The pipeline restores the engine contract:
 * - at most one native batch is in flight; writes issued meanwhile queue, in issue order, and go
 *   together in the next native batch (group commit: one log write and, under sync=always, one
 *   fsync for all of them);
 * - an overlay holds every write not yet committed, so reads consult it first and see every
 *   write issued before them.
 * Concurrency: one JS thread; the only asynchronous step is the caller's `write` function.
 */

/** A queued write: `value` undefined means delete. */
export interface PendingWrite {
  key: Buffer;
  value: Buffer | undefined;
}

/** One checked operation of a batch, as BaseEngine hands it to `_batch` (the same shape as CheckedOp). */
export type WriteOp = { type: 'set'; key: Buffer; value: Buffer } | { type: 'delete'; key: Buffer };

/**
 * Writes to hand to `submit`: copies of `ops`' keys and values, since the pipeline keeps them until
 * their batch is written and the caller may reuse its buffers as soon as the call returns.
 */
export function copyWrites(ops: readonly WriteOp[]): PendingWrite[] {
  return ops.map((op) => ({ key: Buffer.from(op.key), value: op.type === 'set' ? Buffer.from(op.value) : undefined }));
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The pipeline. `W` is the write type: an engine may carry extra fields with each write (rocksdb
 * attaches a `probe` callback to a delete) and read them back in its `write` function, which
 * receives the very objects passed to `submit`.
 */
export class WritePipeline<W extends PendingWrite = PendingWrite> {
  readonly #write: (ops: W[]) => Promise<void>;
  /** latin1(key) -> the latest uncommitted write of that key and its sequence number. */
  readonly #overlay = new Map<string, { seq: number; value: Buffer | undefined }>();
  #queue: W[] = [];
  #waiters: Waiter[] = [];
  #inflight: Promise<void> | undefined;
  #seq = 0;
  #batches = 0;

  /**
   * `write` applies `ops` in order as one native atomic batch; it is never called again before the
   * promise it returned has settled. A rejection fails exactly the `submit` calls of that batch.
   */
  constructor(write: (ops: W[]) => Promise<void>) {
    this.#write = write;
  }

  /** Increases with every write submitted: a scan compares it to know whether to re-seek. */
  get generation(): number {
    return this.#seq;
  }

  /** Native batches written so far (each may carry many callers' writes). */
  get batches(): number {
    return this.#batches;
  }

  /** True iff writes are queued or in flight. */
  get busy(): boolean {
    return this.#inflight !== undefined;
  }

  /**
   * The uncommitted state of `key`: `{ value }` (value undefined = deleted) iff a write of it is
   * queued or in flight, else undefined (ask the library).
   */
  lookup(key: Buffer): { value: Buffer | undefined } | undefined {
    if (this.#overlay.size === 0) return undefined;
    return this.#overlay.get(key.toString('latin1'));
  }

  /**
   * Queues `ops` to be applied in order and atomically (they travel in one native batch).
   * Resolves once that batch is written. Keys and values are kept until then, so callers
   * must pass buffers they do not mutate (copies: see copyWrites).
   */
  submit(ops: W[]): Promise<void> {
    for (const op of ops) {
      this.#overlay.set(op.key.toString('latin1'), { seq: ++this.#seq, value: op.value });
      this.#queue.push(op);
    }
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#inflight === undefined) this.#flush();
    return done;
  }

  /** Resolves when nothing is queued or in flight. Never rejects. */
  async idle(): Promise<void> {
    while (this.#inflight !== undefined) await this.#inflight;
  }

  #flush(): void {
    const ops = this.#queue;
    const waiters = this.#waiters;
    const lastSeq = this.#seq;
    this.#queue = [];
    this.#waiters = [];
    this.#batches++;
    this.#inflight = this.#write(ops).then(
      () => {
        this.#settle(lastSeq);
        for (const w of waiters) w.resolve();
      },
      (err: unknown) => {
        // The batch did not commit: forget its overlay entries, so reads show the stored state.
        this.#settle(lastSeq);
        for (const w of waiters) w.reject(err);
      },
    );
  }

  /** Drops overlay entries written by sequence numbers up to `lastSeq`, then starts the next batch. */
  #settle(lastSeq: number): void {
    for (const [k, entry] of this.#overlay) if (entry.seq <= lastSeq) this.#overlay.delete(k);
    this.#inflight = undefined;
    if (this.#queue.length > 0) this.#flush();
  }
}
