/**
 * The background worker: flushes and compactions. Their tables are written on a worker_thread
 * (compaction/thread-client.ts; or, with `backgroundThread: false`, in slices on the event loop);
 * what stays here is small and synchronous: picking, the manifest edit that installs a result,
 * and cleanup. One flush and one compaction (or maintenance job) may run at once: a flush never
 * waits behind a compaction. close() lets a running compaction finish (no new one starts), so
 * a reopen does not repeat it; the wait is bounded by one compaction's input (level 0 plus what
 * it overlaps in level 1, or one file plus its overlap in the next level).
 * Concurrency: one event loop; shareTurn() keeps writes on the microtask queue from starving
 * the slices and the thread's answers, which arrive as event-loop tasks.
 */
import { isTrivialMove, pickCompaction, pickFlushLevel, type CompactionPick } from './compaction/compaction-policy.js';
import { TableJobs } from './compaction/table-jobs.js';
import { emptyEdit } from './manifest/version-edit.js';
import { deleteObsoleteFilesOf } from './obsolete-files.js';
import { throwIfBroken, type StoreState } from './store-state.js';

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * While background work waits for the event loop (its next slice, or the thread's answer),
 * writes that never return to the event loop give it a turn after every
 * `compactionSliceBytes / BACKGROUND_SHARE` WAL bytes (bench/lsm-figures.mjs).
 */
const BACKGROUND_SHARE = 4;

/** What one compaction did, for compact()'s result. */
export interface CompactionSummary {
  filesIn: number;
  filesOut: number;
  bytesRead: number;
  bytesWritten: number;
  entriesDropped: number;
}

export class BackgroundWorker {
  readonly #s: StoreState;
  readonly #turnBytes: number;
  readonly #tables: TableJobs;
  /** Where the running compaction's reserved output numbers are collected, to be released when it ends. */
  #reserved: number[] = [];
  /** The running compaction or maintenance job; never rejects. */
  #job: Promise<void> | undefined;
  /** The running flush of s.imm; may reject (the failure is recorded first). */
  #flush: Promise<void> | undefined;
  /** A compaction is running: a flush recorded meanwhile must land in level 0, above the compaction's outputs. */
  #compacting = false;
  /** Callers of progress() waiting for the next step. */
  #wakers: (() => void)[] = [];
  /** Waits for the event loop in progress (slices, thread answers), and the WAL byte count when the first began. */
  #waits = 0;
  #waitingSince = 0;
  /** The turn of the event loop writes are waiting for, while one is pending. */
  #turn: Promise<void> | undefined;

  constructor(s: StoreState) {
    this.#s = s;
    this.#turnBytes = Math.max(1, Math.floor(s.options.compactionSliceBytes / BACKGROUND_SHARE));
    this.#tables = new TableJobs(s, {
      pause: () => this.#pause(),
      onLoop: (p) => this.#onLoop(p),
      reserve: (count) => this.#reserve(count, this.#reserved),
    });
  }

  /** Starts what is due and not running: the flush of s.imm, and the compaction the policy picks. */
  schedule(): void {
    const s = this.#s;
    if (s.readOnly || s.bgError !== undefined || s.released) return;
    if (s.imm !== undefined && this.#flush === undefined) void this.#startFlush().catch(() => undefined);
    if (this.#job !== undefined || !s.options.autoCompact || s.closing) return;
    const pick = pickCompaction(s.vs.current, s.options, s.vs.compactPointers);
    if (pick === undefined) return;
    this.run(async () => {
      await this.compact(pick, false);
    }).then(
      () => this.schedule(),
      () => undefined,
    );
  }

  /**
   * Runs `job` as the worker's job. REQUIRES: no job runs (use exclusive()). A failure stops
   * writes (StoreState.bgError, shown in stats) and rejects the returned promise.
   */
  run(job: () => Promise<void>): Promise<void> {
    // Started on the next microtask, after #job is set: whatever the job does synchronously
    // (a memtable switch schedules background work) must already see the worker busy.
    const running = Promise.resolve()
      .then(job)
      .catch((err: unknown) => {
        this.#failed(err);
        throw err;
      })
      .finally(() => {
        this.#job = undefined;
        this.#wake();
      });
    this.#job = running.catch(() => undefined);
    return running;
  }

  /**
   * Runs `job` once every earlier job (automatic or maintenance) has ended, so maintenance calls
   * that overlap (two compact() calls not awaited) queue instead of running into each other.
   * Race-free: nothing awaits between seeing the worker idle and claiming it in run().
   */
  async exclusive(job: () => Promise<void>): Promise<void> {
    while (this.#job !== undefined) await this.#job;
    throwIfBroken(this.#s); // a failure stays the first one reported (stats' lastBackgroundError)
    return this.run(job);
  }

  /** Resolves once no job and no flush runs. */
  async idle(): Promise<void> {
    while (this.#job !== undefined || this.#flush !== undefined) {
      await this.#job;
      await this.#flush?.catch(() => undefined);
    }
  }

  /** Ends the background thread. REQUIRES: idle. */
  async stop(): Promise<void> {
    await this.#tables.stop();
  }

  /** Resolves after the next step (a flush recorded, or a job's end); at once iff nothing runs to wait for. */
  progress(): Promise<void> {
    this.schedule();
    if (this.#job === undefined && this.#flush === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  /** Resolves once s.imm (if any, and any flush running) is in a table; rejects if that flush fails. */
  async flushNow(): Promise<void> {
    while (this.#flush !== undefined) await this.#flush;
    if (this.#s.imm !== undefined) await this.#startFlush();
  }

  /**
   * Returns `result`, or a promise of it settled after one turn of the event loop when background
   * work has waited for the event loop through `compactionSliceBytes / BACKGROUND_SHARE` bytes
   * of writes. Why: a loop of awaited writes under sync 'never' resumes on the microtask queue
   * and never lets the event loop reach a slice's setImmediate or the thread's answer, so
   * flushes would finish only when a write stalls. Writes waiting for the same turn settle in
   * issue order. A promise (a write waiting for an fsync, which lets the event loop turn anyway)
   * is returned as it is.
   */
  shareTurn<T>(result: T | Promise<T>): T | Promise<T> {
    if (result instanceof Promise) return result;
    if (this.#turn === undefined) {
      if (this.#waits === 0 || this.#s.counters.walBytesWritten - this.#waitingSince < this.#turnBytes) return result;
      this.#waitingSince = this.#s.counters.walBytesWritten;
      this.#turn = yieldToLoop().then(() => {
        this.#turn = undefined;
      });
    }
    return this.#turn.then(() => result);
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const w of wakers) w();
  }

  #failed(err: unknown): void {
    const s = this.#s;
    s.bgError ??= err;
    s.counters.lastBackgroundError ??= err instanceof Error ? err.message : String(err);
  }

  /** Awaits `p`, which needs the event loop (a slice's setImmediate, a message from the thread), counted for shareTurn(). */
  async #onLoop<T>(p: () => Promise<T>): Promise<T> {
    if (this.#waits++ === 0) this.#waitingSince = this.#s.counters.walBytesWritten;
    try {
      return await p();
    } finally {
      this.#waits--;
    }
  }

  /** Between slices on the event loop: timers, I/O, reads and writes run before the job goes on. */
  #pause(): Promise<void> {
    return this.#onLoop(yieldToLoop);
  }

  /** `count` new file numbers, recorded as pending outputs (cleanup leaves them alone) and in `into`. */
  #reserve(count: number, into: number[]): number[] {
    const numbers: number[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.#s.vs.newFileNumber();
      this.#s.pendingOutputs.add(n);
      numbers.push(n);
    }
    into.push(...numbers);
    return numbers;
  }

  #startFlush(): Promise<void> {
    const running = Promise.resolve()
      .then(() => this.#flushImmutable())
      .catch((err: unknown) => {
        this.#failed(err);
        throw err;
      })
      .finally(() => {
        this.#flush = undefined;
        this.#wake();
        this.schedule();
      });
    this.#flush = running;
    return running;
  }

  /** Writes the immutable memtable to a table and records it, and the WAL it retires, in the manifest. REQUIRES: s.imm is set. */
  async #flushImmutable(): Promise<void> {
    const s = this.#s;
    const imm = s.imm!;
    const reserved: number[] = [];
    const [number] = this.#reserve(1, reserved);
    try {
      const meta = await this.#tables.flush(imm, number!, s.snapshots.oldest(s.vs.lastSequence));
      throwIfBroken(s); // a WAL failure meanwhile: the store stops; the table is left for cleanup
      const edit = emptyEdit();
      edit.logNumber = s.mem.logNumber; // every older WAL is now in tables
      if (meta !== undefined) {
        const level = this.#compacting ? 0 : pickFlushLevel(s.vs.current, meta.smallest, meta.largest, s.options);
        edit.newFiles.push({ level, file: meta });
        s.counters.flushBytesWritten += meta.fileSize;
      }
      s.vs.logAndApply(edit);
    } finally {
      for (const n of reserved) s.pendingOutputs.delete(n);
    }
    s.counters.flushes++;
    s.imm = undefined;
    const wal = s.immWal;
    s.immWal = undefined;
    this.#wake();
    await s.groupSync.idle(); // an fsync may still be running on the retired WAL's descriptor
    wal?.close();
    deleteObsoleteFilesOf(s);
  }

  /** Runs one compaction (or trivial move) and installs its result. `manual` compactions always merge. */
  async compact(pick: CompactionPick, manual: boolean): Promise<CompactionSummary> {
    const s = this.#s;
    const version = s.vs.current;
    const filesIn = pick.inputs.length + pick.nextInputs.length;
    const edit = emptyEdit();
    const { largest } = pick.inputs.reduce((r, f) => (Buffer.compare(f.largest, r.largest) > 0 ? f : r));
    edit.compactPointers.push({ level: pick.level, key: largest });
    if (!manual && isTrivialMove(version, pick, s.options)) {
      // Nothing to merge: the file moves down by a manifest edit alone.
      const f = pick.inputs[0]!;
      edit.deletedFiles.push({ level: pick.level, number: f.number });
      edit.newFiles.push({ level: pick.level + 1, file: f });
      s.vs.logAndApply(edit);
      s.counters.trivialMoves++;
      return { filesIn, filesOut: 1, bytesRead: 0, bytesWritten: 0, entriesDropped: 0 };
    }
    version.ref();
    this.#compacting = true;
    const reserved: number[] = [];
    try {
      this.#reserved = reserved;
      const result = await this.#tables.merge(pick, version, s.snapshots.oldest(s.vs.lastSequence));
      throwIfBroken(s);
      for (const f of pick.inputs) edit.deletedFiles.push({ level: pick.level, number: f.number });
      for (const f of pick.nextInputs) edit.deletedFiles.push({ level: pick.level + 1, number: f.number });
      for (const f of result.outputs) edit.newFiles.push({ level: pick.outputLevel, file: f });
      s.vs.logAndApply(edit);
      s.counters.compactions++;
      s.counters.compactionBytesRead += result.bytesRead;
      s.counters.compactionBytesWritten += result.bytesWritten;
      return { filesIn, filesOut: result.outputs.length, bytesRead: result.bytesRead, bytesWritten: result.bytesWritten, entriesDropped: result.shadowedDropped + result.tombstonesDropped };
    } finally {
      for (const n of reserved) s.pendingOutputs.delete(n);
      this.#compacting = false;
      version.unref();
      deleteObsoleteFilesOf(s);
    }
  }
}
