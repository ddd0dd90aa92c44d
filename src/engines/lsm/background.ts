/**
 * The background worker: flushes and compactions, one job at a time, in slices that return to the
 * event loop so that reads and writes interleave; a job's result shows once a manifest edit installs it.
 * Concurrency: one event loop; shareTurn() keeps writes on the microtask queue from starving slices.
 */
import { fsyncDirSync } from '../../util/fs.js';
import { isTrivialMove, pickCompaction, pickFlushLevel, type CompactionPick } from './compaction/compaction-policy.js';
import { runCompaction } from './compaction/compaction.js';
import { flushMemtable } from './flush.js';
import { emptyEdit, type FileMeta } from './manifest/version-edit.js';
import { deleteObsoleteFilesOf } from './obsolete-files.js';
import { throwIfBroken, type StoreState } from './store-state.js';

/** Thrown into an automatic compaction at a slice boundary when the store closes; not an error. */
const ABORTED = Symbol('compaction aborted');

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * While a job waits for its next slice, writes that never return to the event loop give it a
 * turn after every `compactionSliceBytes / BACKGROUND_SHARE` WAL bytes. A slice reads about
 * `compactionSliceBytes`, so the job gets through BACKGROUND_SHARE input bytes per byte written:
 * a flush ends long before the next memtable fills, and compactions keep level 0 below the
 * slowdown trigger (at 2, a batched fill of 200,000 keys still reached it; bench/lsm-figures.mjs).
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
  /** The running job (a flush, a compaction, or a manual compaction); never rejects. */
  #job: Promise<void> | undefined;
  /** A compaction is running: a flush in one of its pauses must land in level 0, above the compaction's outputs. */
  #compacting = false;
  /** Callers of progress() waiting for the job's next step. */
  #wakers: (() => void)[] = [];
  /** The WAL byte count when the job last paused between slices; undefined while a slice runs or no job does. */
  #pausedAt: number | undefined;
  /** The turn of the event loop writes are waiting for, while one is pending. */
  #turn: Promise<void> | undefined;

  constructor(s: StoreState) {
    this.#s = s;
    this.#turnBytes = Math.max(1, Math.floor(s.options.compactionSliceBytes / BACKGROUND_SHARE));
  }

  /** Starts the next job iff the worker is idle and there is one: a flush first, else the compaction the policy picks. */
  schedule(): void {
    const s = this.#s;
    if (this.#job !== undefined || s.readOnly || s.bgError !== undefined) return;
    const pick = s.imm === undefined && s.options.autoCompact && !s.closing ? pickCompaction(s.vs.current, s.options, s.vs.compactPointers) : undefined;
    if (s.imm === undefined && pick === undefined) return;
    this.run(async () => {
      if (s.imm !== undefined) await this.flushImmutable();
      else await this.compact(pick!, false);
    }).then(
      () => this.schedule(),
      () => undefined,
    );
  }

  /**
   * Runs `job` as the worker's job. REQUIRES: the worker is idle (await idle() first). A failure
   * stops writes (StoreState.bgError, shown in stats) and rejects the returned promise.
   */
  run(job: () => Promise<void>): Promise<void> {
    const s = this.#s;
    // Started on the next microtask, after #job is set: whatever the job does synchronously
    // (a memtable switch schedules background work) must already see the worker busy.
    const running = Promise.resolve()
      .then(job)
      .catch((err: unknown) => {
        if (err === ABORTED) return;
        s.bgError ??= err;
        s.counters.lastBackgroundError = err instanceof Error ? err.message : String(err);
        throw err;
      })
      .finally(() => {
        this.#job = undefined;
        this.#pausedAt = undefined;
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

  /** Resolves once no job runs. */
  async idle(): Promise<void> {
    while (this.#job !== undefined) await this.#job;
  }

  /** Resolves after the job's next step (a flush recorded, or the job's end); at once iff there is no job to wait for. */
  progress(): Promise<void> {
    this.schedule();
    if (this.#job === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  /**
   * Returns `result`, or a promise of it settled after one turn of the event loop when the job has
   * waited for its next slice through `compactionSliceBytes / BACKGROUND_SHARE` bytes of writes.
   * Why: a loop of awaited writes under sync 'never' resumes on the microtask queue and never lets
   * the event loop reach the job's setImmediate, so flushes would run only when a write stalls.
   * Writes waiting for the same turn settle in issue order. A promise (a write waiting for an
   * fsync, which lets the event loop turn anyway) is returned as it is.
   */
  shareTurn<T>(result: T | Promise<T>): T | Promise<T> {
    if (result instanceof Promise) return result;
    if (this.#turn === undefined) {
      if (this.#pausedAt === undefined || this.#s.counters.walBytesWritten - this.#pausedAt < this.#turnBytes) return result;
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

  /** Between slices: the event loop runs timers, I/O, reads and writes before the job goes on. */
  async #pause(): Promise<void> {
    this.#pausedAt = this.#s.counters.walBytesWritten;
    await yieldToLoop();
    this.#pausedAt = undefined;
  }

  #newOutputNumber(): number {
    const n = this.#s.vs.newFileNumber();
    this.#s.pendingOutputs.add(n);
    return n;
  }

  /** Writes the immutable memtable to a table and records it, and the WAL it retires, in the manifest. REQUIRES: s.imm is set. */
  async flushImmutable(): Promise<void> {
    const s = this.#s;
    const imm = s.imm!;
    const number = this.#newOutputNumber();
    try {
      const meta = await flushMemtable(imm, s.dir, number, s.tableOptions, s.options.compactionSliceBytes, () => this.#pause());
      const edit = emptyEdit();
      edit.logNumber = s.mem.logNumber; // every older WAL is now in tables
      if (meta !== undefined) {
        fsyncDirSync(s.dir);
        const level = this.#compacting ? 0 : pickFlushLevel(s.vs.current, meta.smallest, meta.largest, s.options);
        edit.newFiles.push({ level, file: meta });
        s.counters.flushBytesWritten += meta.fileSize;
      }
      s.vs.logAndApply(edit);
    } finally {
      s.pendingOutputs.delete(number);
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

  /** Runs one compaction (or trivial move) and installs its result. `manual` compactions always merge and are not aborted by close(). */
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
    let outputs: FileMeta[] = [];
    try {
      const result = await runCompaction(version, pick, {
        dir: s.dir,
        tableOptions: s.tableOptions,
        targetFileSize: s.options.targetFileSize,
        sliceBytes: s.options.compactionSliceBytes,
        smallestSnapshot: s.snapshots.oldest(s.vs.lastSequence),
        openTable: (f) => s.tables.get(f.number).iterator(),
        newOutputNumber: () => this.#newOutputNumber(),
        yieldPoint: async () => {
          await this.#pause();
          if (s.closing && !manual) throw ABORTED;
          if (s.imm !== undefined) await this.flushImmutable();
        },
      });
      outputs = result.outputs;
      fsyncDirSync(s.dir);
      for (const f of pick.inputs) edit.deletedFiles.push({ level: pick.level, number: f.number });
      for (const f of pick.nextInputs) edit.deletedFiles.push({ level: pick.level + 1, number: f.number });
      for (const f of outputs) edit.newFiles.push({ level: pick.outputLevel, file: f });
      s.vs.logAndApply(edit);
      s.counters.compactions++;
      s.counters.compactionBytesRead += result.bytesRead;
      s.counters.compactionBytesWritten += result.bytesWritten;
      return { filesIn, filesOut: outputs.length, bytesRead: result.bytesRead, bytesWritten: result.bytesWritten, entriesDropped: result.shadowedDropped + result.tombstonesDropped };
    } finally {
      for (const f of outputs) s.pendingOutputs.delete(f.number);
      this.#compacting = false;
      version.unref();
      deleteObsoleteFilesOf(s);
    }
  }
}
