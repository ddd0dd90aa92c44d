/**
 * The LSM-tree engine (LevelDB's design): writes go to a WAL and a memtable; full memtables are
 * flushed to level-0 SSTables; leveled compaction merges tables down. This class coordinates the
 * pieces: the write path (WAL, sync policy, memtable switch, write stalls), the read path, and
 * the background worker (flushes and compactions, one at a time).
 *
 * Concurrency: reads, WAL appends and memtable inserts are synchronous, so each call sees the
 * effects of the calls before it. Flushes and compactions run in slices (compaction.ts, flush.ts)
 * and yield to the event loop between them, so reads and writes interleave with background work.
 * A write that must wait (write stall, docs/formats/lsm.md) queues, and every later operation
 * waits behind it, keeping issue order.
 */
import { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, ioError, KvsError } from '../../engine/errors.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { DirectoryLock } from '../../util/dir-lock.js';
import { directorySizeSync, fsyncDirSync } from '../../util/fs.js';
import { GroupSync } from '../../util/group-sync.js';
import { isTrivialMove, pickCompaction, pickFlushLevel, pickWholeLevel, type CompactionPick } from './compaction/compaction-policy.js';
import { runCompaction } from './compaction/compaction.js';
import type { DbIterator, DbIteratorRange } from './db-iterator.js';
import { EntryKind } from './entry.js';
import { logPath } from './file-names.js';
import { deleteObsoleteFiles } from './obsolete-files.js';
import { dbIterator, lookup, type ReadState } from './read-path.js';
import { flushMemtable } from './flush.js';
import { buildStats, type EngineCounters } from './lsm-stats.js';
import { emptyEdit, type FileMeta } from './manifest/version-edit.js';
import { Memtable } from './memtable/memtable.js';
import { parseOptions, type LsmOptions } from './options.js';
import { recover, type TornTail } from './recovery.js';
import type { TableOptions } from './sstable/table-builder.js';
import { TableCache } from './table-cache.js';
import type { Version } from './version/version.js';
import type { VersionSet } from './version/version-set.js';
import { encodeBatch, type BatchOp } from './wal/write-batch.js';
import { LogWriter } from './wal/wal-writer.js';

export const lsmSupports: Supports = {
  persistent: true,
  orderedScan: true,
  atomicBatch: true,
  syncPolicies: ['always', 'interval', 'never'],
  compaction: true,
  directory: true,
};

const EMPTY = Buffer.alloc(0);
/** Thrown into a compaction at a slice boundary when the store closes; not an error. */
const ABORTED = Symbol('compaction aborted');
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** count() yields to the event loop after this many keys. */
const COUNT_SLICE = 20_000;

/** A scan's pinned read state: a referenced version, a sequence number and the memtables of that moment. */
interface ReadView {
  it: DbIterator;
  seq: number;
  release(): void;
}

export class LsmEngine extends BaseEngine {
  readonly name = 'lsm';
  readonly supports = lsmSupports;
  readonly #dir: string;
  readonly #options: LsmOptions;
  readonly #tableOptions: TableOptions;
  readonly #sync: SyncPolicy;
  readonly #lock: DirectoryLock | undefined;
  readonly #vs: VersionSet;
  readonly #tables: TableCache;
  readonly #groupSync: GroupSync;
  readonly #tornTails: TornTail[];
  readonly #counters: EngineCounters;
  #mem: Memtable;
  #imm: Memtable | undefined;
  #wal: LogWriter | undefined;
  /** The WAL of the immutable memtable, kept open until its flush is recorded. */
  #immWal: LogWriter | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsynced = false;
  /** Writes waiting for room (a stall), in issue order; later operations wait behind them. */
  #queue: Promise<void> | undefined;
  /** The background worker's current job (a flush, a compaction, or a manual compaction). */
  #bg: Promise<void> | undefined;
  #compacting = false;
  #wakers: (() => void)[] = [];
  /** Files being written by a flush or compaction: cleanup must not delete them. */
  readonly #pendingOutputs = new Set<number>();
  /** Sequence numbers pinned by open scans, with counts. */
  readonly #snapshots = new Map<number, number>();
  #closing = false;
  /** A failed WAL write or fsync: acknowledged writes may not be durable; writes stop. */
  #fatal: unknown;
  /** A failed flush or compaction: writes stop (they could not be flushed), reads go on. */
  #bgError: unknown;
  #countCache: { seq: number; version: Version; count: number } | undefined;
  /** Files and lock released by close(). */
  #released = false;

  private constructor(opts: EngineOpenOptions, options: LsmOptions, lock: DirectoryLock | undefined, recovered: Awaited<ReturnType<typeof recover>>, counters: EngineCounters) {
    super(opts.readOnly);
    this.#dir = opts.dir;
    this.#options = options;
    this.#tableOptions = { blockSize: options.blockSize, restartInterval: options.restartInterval, bloomBitsPerKey: options.bloomBitsPerKey };
    this.#sync = opts.sync;
    this.#lock = lock;
    this.#vs = recovered.vs;
    this.#mem = recovered.mem;
    this.#wal = recovered.wal;
    this.#tornTails = recovered.tornTails;
    this.#counters = counters;
    this.#tables = new TableCache(opts.dir, options.blockCacheSize);
    this.#groupSync = new GroupSync(() => this.#wal!.fsyncAsync());
    this.#vs.onVersionDropped = () => this.#deleteObsoleteFiles();
    if (!opts.readOnly) {
      if (opts.sync === 'interval') {
        this.#timer = setInterval(() => this.#intervalSync(), opts.syncIntervalMs);
        this.#timer.unref();
      }
      this.#deleteObsoleteFiles();
      this.#scheduleBackground();
    }
  }

  static async open(opts: EngineOpenOptions): Promise<LsmEngine> {
    const started = performance.now();
    const options = parseOptions(opts.options);
    const tableOptions = { blockSize: options.blockSize, restartInterval: options.restartInterval, bloomBitsPerKey: options.bloomBitsPerKey };
    const lock = opts.readOnly ? undefined : DirectoryLock.acquire(opts.dir);
    try {
      const recovered = await recover(opts.dir, options, tableOptions, opts.readOnly);
      const counters = newCounters();
      counters.flushBytesWritten = recovered.flushedBytes;
      counters.openMs = performance.now() - started;
      return new LsmEngine(opts, options, lock, recovered, counters);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  // ---- reads ----

  #readState(): ReadState {
    return { mem: this.#mem, imm: this.#imm, version: this.#vs.current, tables: this.#tables };
  }

  #getNow(key: Buffer): Buffer | undefined {
    const e = lookup(this.#readState(), key, this.#vs.lastSequence);
    // Copied: the caller may change the Buffer, and this one is a view into a WAL record or a cached block.
    return e === undefined || e.kind === EntryKind.DELETION ? undefined : Buffer.from(e.value);
  }

  protected _get(key: Buffer): Buffer | undefined | Promise<Buffer | undefined> {
    if (this.#queue !== undefined) return this.#queue.then(() => this.#getNow(key));
    return this.#getNow(key);
  }

  /** A DB iterator over the current state within `range`, pinning what it reads. */
  #openView(range: DbIteratorRange): ReadView {
    const version = this.#vs.current;
    const seq = this.#vs.lastSequence;
    version.ref();
    this.#snapshots.set(seq, (this.#snapshots.get(seq) ?? 0) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const n = this.#snapshots.get(seq)! - 1;
      if (n === 0) this.#snapshots.delete(seq);
      else this.#snapshots.set(seq, n);
      version.unref();
    };
    try {
      const it = dbIterator({ ...this.#readState(), version }, range, seq);
      return {
        it,
        seq,
        release: () => {
          it.close();
          release();
        },
      };
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Scans a pinned snapshot: compaction may replace tables meanwhile without disturbing it. When
   * the store has taken writes since the last entry, the scan re-pins a fresh snapshot after the
   * last key it yielded, so that it sees writes made during the scan without repeating or
   * skipping a key (the contract's behaviour, shared with every engine).
   */
  protected async *_scan(range: KeyRange): AsyncGenerator<[Buffer, Buffer]> {
    if (this.#queue !== undefined) await this.#queue;
    let view = this.#openView(range);
    try {
      view.it.first();
      for (let remaining = range.limit; remaining > 0 && view.it.valid(); remaining--) {
        const entry: [Buffer, Buffer] = [Buffer.from(view.it.key()), Buffer.from(view.it.value())];
        yield entry;
        if (this.#vs.lastSequence === view.seq) {
          view.it.advance();
          continue;
        }
        view.release();
        const after = { key: entry[0], inclusive: false };
        view = this.#openView(range.reverse ? { ...range, upper: after } : { ...range, lower: after });
        view.it.first();
      }
    } finally {
      view.release();
    }
  }

  protected async _count(): Promise<number> {
    if (this.#queue !== undefined) await this.#queue;
    const cached = this.#countCache;
    if (cached !== undefined && cached.seq === this.#vs.lastSequence && cached.version === this.#vs.current) return cached.count;
    const version = this.#vs.current;
    const view = this.#openView({ reverse: false });
    let count = 0;
    try {
      for (view.it.first(); view.it.valid(); view.it.advance()) {
        if (++count % COUNT_SLICE === 0) {
          await yieldToLoop();
          this.assertOpen();
        }
      }
    } finally {
      view.release();
    }
    this.#countCache = { seq: view.seq, version, count };
    return count;
  }

  // ---- writes ----

  protected _set(key: Buffer, value: Buffer): void | Promise<void> {
    return this.#write(() => this.#apply([{ kind: EntryKind.VALUE, key, value }]));
  }

  protected _delete(key: Buffer): boolean | Promise<boolean> {
    return this.#write(() => {
      if (this.#getNow(key) === undefined) return false;
      this.#apply([{ kind: EntryKind.DELETION, key, value: EMPTY }]);
      return true;
    });
  }

  protected _batch(ops: CheckedOp[]): void | Promise<void> {
    return this.#write(() => this.#apply(ops.map((op) => (op.type === 'set' ? { kind: EntryKind.VALUE, key: op.key, value: op.value } : { kind: EntryKind.DELETION, key: op.key, value: EMPTY }))));
  }

  /**
   * Runs `apply` now if the memtable has room (switching it synchronously if it can), else
   * queues it behind earlier waiting writes until makeRoom() allows it. Resolves once the
   * write is as durable as the sync policy promises.
   */
  #write<T>(apply: () => T): T | Promise<T> {
    this.#throwIfBroken();
    if (this.#queue === undefined && this.#roomNow()) return this.#durable(apply());
    const applied = (this.#queue ?? Promise.resolve()).then(async () => {
      await this.#makeRoom();
      return apply();
    });
    const tail = applied.then(
      () => undefined,
      () => undefined,
    );
    this.#queue = tail;
    void tail.then(() => {
      if (this.#queue === tail) this.#queue = undefined;
    });
    return applied.then((r) => this.#durable(r));
  }

  /** Appends one WAL record for `ops`, then inserts them into the memtable. */
  #apply(ops: BatchOp[]): void {
    this.#throwIfBroken();
    const vs = this.#vs;
    const first = vs.lastSequence + 1;
    const views: BatchOp[] = [];
    // The memtable keeps views into the record, a private copy of the caller's bytes.
    const record = encodeBatch(first, ops, (kind, key, value) => views.push({ kind, key, value }));
    try {
      this.#counters.walBytesWritten += this.#wal!.append(record);
    } catch (err) {
      this.#fatal ??= err;
      throw ioError(`cannot append to the write-ahead log ${this.#wal!.path}`, err);
    }
    for (let i = 0; i < views.length; i++) {
      const op = views[i]!;
      this.#mem.add(first + i, op.kind, op.key, op.value);
      this.#counters.userBytesWritten += op.key.length + op.value.length;
    }
    vs.lastSequence = first + ops.length - 1;
  }

  #durable<T>(result: T): T | Promise<T> {
    if (this.#sync !== 'always') {
      this.#unsynced = true;
      return result;
    }
    return this.#groupSync.request().then(
      () => result,
      (err: unknown) => {
        this.#fatal ??= err;
        throw ioError(`fsync of the write-ahead log ${this.#wal?.path ?? this.#dir} failed`, err);
      },
    );
  }

  #intervalSync(): void {
    if (!this.#unsynced || this.#wal === undefined || this.#fatal !== undefined) return;
    this.#unsynced = false;
    this.#groupSync.request().catch((err: unknown) => {
      this.#fatal ??= err;
    });
  }

  #throwIfBroken(): void {
    const cause = this.#fatal ?? this.#bgError;
    if (cause === undefined) return;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const what = this.#fatal !== undefined ? 'a failed write-ahead log write or fsync' : 'a failed flush or compaction';
    throw new KvsError(ErrorCodes.IO_ERROR, `the lsm store at ${this.#dir} stopped accepting writes after ${what} (${reason}); close and reopen it to recover`, { cause });
  }

  // ---- write stalls (the rule is documented in docs/formats/lsm.md) ----

  /** Level-0 files, as the stall rules count them: 0 when compactions are off or the store is closing (no compaction would come to end a stall). */
  #l0Files(): number {
    return this.#options.autoCompact && !this.#closing ? this.#vs.current.levels[0]!.length : 0;
  }

  /** True iff a write may go ahead now; switches a full memtable when that needs no waiting. */
  #roomNow(): boolean {
    const o = this.#options;
    if (this.#l0Files() >= o.l0SlowdownTrigger) return false;
    if (this.#mem.approximateBytes < o.memtableSize) return true;
    if (this.#imm !== undefined || this.#l0Files() >= o.l0StopTrigger) return false;
    this.#switchMemtable();
    return true;
  }

  /** LevelDB's MakeRoomForWrite: delay once at the slowdown trigger, wait for a flush or for L0 to shrink, then switch. */
  async #makeRoom(): Promise<void> {
    const o = this.#options;
    let delayed = false;
    for (;;) {
      this.#throwIfBroken();
      if (!delayed && this.#l0Files() >= o.l0SlowdownTrigger) {
        delayed = true;
        this.#counters.writeSlowdowns++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      } else if (this.#mem.approximateBytes < o.memtableSize) {
        return;
      } else if (this.#imm !== undefined || this.#l0Files() >= o.l0StopTrigger) {
        this.#counters.writeStalls++;
        await this.#backgroundProgress();
      } else {
        this.#switchMemtable();
        return;
      }
    }
  }

  /** Resolves after the background worker's next step (or at once if it is idle and has nothing to do). */
  #backgroundProgress(): Promise<void> {
    this.#scheduleBackground();
    if (this.#bg === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const w of wakers) w();
  }

  /** The full memtable becomes immutable; a new memtable and WAL take the writes. */
  #switchMemtable(): void {
    const number = this.#vs.newFileNumber();
    const old = this.#wal!;
    let wal: LogWriter;
    try {
      if (this.#sync !== 'never') old.fsync(); // writers waiting on a group sync wrote to this file
      wal = LogWriter.create(logPath(this.#dir, number));
      fsyncDirSync(this.#dir);
    } catch (err) {
      this.#fatal ??= err;
      throw ioError(`cannot start write-ahead log ${logPath(this.#dir, number)}`, err);
    }
    this.#immWal = old;
    this.#wal = wal;
    this.#imm = this.#mem;
    this.#mem = new Memtable(number);
    this.#scheduleBackground();
  }

  // ---- background work: flushes and compactions, one at a time ----

  #scheduleBackground(): void {
    if (this.#bg !== undefined || this.readOnly || this.#bgError !== undefined) return;
    const pick = this.#imm === undefined && this.#options.autoCompact && !this.#closing ? pickCompaction(this.#vs.current, this.#options, this.#vs.compactPointers) : undefined;
    if (this.#imm === undefined && pick === undefined) return;
    this.#runBackground(async () => {
      if (this.#imm !== undefined) await this.#flushImmutable();
      else await this.#compactOnce(pick!, false);
    }).then(() => this.#scheduleBackground(), () => undefined);
  }

  /** Runs `job` as the background worker's job; failures stop writes (recorded, shown in stats). */
  #runBackground(job: () => Promise<void>): Promise<void> {
    // Started on the next microtask, after #bg is set: whatever the job does synchronously
    // (a memtable switch schedules background work) must already see the worker busy.
    const run = Promise.resolve()
      .then(job)
      .catch((err: unknown) => {
        if (err === ABORTED) return;
        this.#bgError ??= err;
        this.#counters.lastBackgroundError = err instanceof Error ? err.message : String(err);
        throw err;
      })
      .finally(() => {
        this.#bg = undefined;
        this.#wake();
      });
    this.#bg = run.catch(() => undefined);
    return run;
  }

  #newOutputNumber(): number {
    const n = this.#vs.newFileNumber();
    this.#pendingOutputs.add(n);
    return n;
  }

  /** Writes the immutable memtable to a table, records it (and the WAL it retires) in the manifest. */
  async #flushImmutable(): Promise<void> {
    const imm = this.#imm!;
    const number = this.#newOutputNumber();
    try {
      const meta = await flushMemtable(imm, this.#dir, number, this.#tableOptions, this.#options.compactionSliceBytes, yieldToLoop);
      const edit = emptyEdit();
      edit.logNumber = this.#mem.logNumber; // every older WAL is now in tables
      if (meta !== undefined) {
        fsyncDirSync(this.#dir);
        const level = this.#compacting ? 0 : pickFlushLevel(this.#vs.current, meta.smallest, meta.largest, this.#options);
        edit.newFiles.push({ level, file: meta });
        this.#counters.flushBytesWritten += meta.fileSize;
      }
      this.#vs.logAndApply(edit);
    } finally {
      this.#pendingOutputs.delete(number);
    }
    this.#counters.flushes++;
    this.#imm = undefined;
    const wal = this.#immWal;
    this.#immWal = undefined;
    this.#wake();
    await this.#groupSync.idle(); // an fsync may still be running on the retired WAL's descriptor
    wal?.close();
    this.#deleteObsoleteFiles();
  }

  /** Runs one compaction (or trivial move) and installs its result. */
  async #compactOnce(pick: CompactionPick, manual: boolean): Promise<{ filesIn: number; filesOut: number; bytesRead: number; bytesWritten: number; entriesDropped: number }> {
    const version = this.#vs.current;
    const filesIn = pick.inputs.length + pick.nextInputs.length;
    const edit = emptyEdit();
    const { largest } = pick.inputs.reduce((r, f) => (Buffer.compare(f.largest, r.largest) > 0 ? f : r));
    edit.compactPointers.push({ level: pick.level, key: largest });
    if (!manual && isTrivialMove(version, pick, this.#options)) {
      // Nothing to merge: the file moves down by a manifest edit alone.
      const f = pick.inputs[0]!;
      edit.deletedFiles.push({ level: pick.level, number: f.number });
      edit.newFiles.push({ level: pick.level + 1, file: f });
      this.#vs.logAndApply(edit);
      this.#counters.trivialMoves++;
      return { filesIn, filesOut: 1, bytesRead: 0, bytesWritten: 0, entriesDropped: 0 };
    }
    version.ref();
    this.#compacting = true;
    let outputs: FileMeta[] = [];
    try {
      const result = await runCompaction(version, pick, {
        dir: this.#dir,
        tableOptions: this.#tableOptions,
        targetFileSize: this.#options.targetFileSize,
        sliceBytes: this.#options.compactionSliceBytes,
        smallestSnapshot: Math.min(this.#vs.lastSequence, ...this.#snapshots.keys()),
        openTable: (f) => this.#tables.get(f.number).iterator(),
        newOutputNumber: () => this.#newOutputNumber(),
        yieldPoint: async () => {
          await yieldToLoop();
          if (this.#closing && !manual) throw ABORTED;
          if (this.#imm !== undefined) await this.#flushImmutable();
        },
      });
      outputs = result.outputs;
      fsyncDirSync(this.#dir);
      for (const f of pick.inputs) edit.deletedFiles.push({ level: pick.level, number: f.number });
      for (const f of pick.nextInputs) edit.deletedFiles.push({ level: pick.level + 1, number: f.number });
      for (const f of outputs) edit.newFiles.push({ level: pick.outputLevel, file: f });
      this.#vs.logAndApply(edit);
      const c = this.#counters;
      c.compactions++;
      c.compactionBytesRead += result.bytesRead;
      c.compactionBytesWritten += result.bytesWritten;
      return { filesIn, filesOut: outputs.length, bytesRead: result.bytesRead, bytesWritten: result.bytesWritten, entriesDropped: result.shadowedDropped + result.tombstonesDropped };
    } finally {
      for (const f of outputs) this.#pendingOutputs.delete(f.number);
      this.#compacting = false;
      version.unref();
      this.#deleteObsoleteFiles();
    }
  }

  /** Deletes files nothing needs any more (obsolete-files.ts); runs after every manifest change and when a version dies. */
  #deleteObsoleteFiles(): void {
    const manifestNumber = this.#vs.manifestNumber;
    // Closed: a scan left open may drop its version later, when another process may own the directory.
    if (this.readOnly || manifestNumber === undefined || this.status === 'closed' || this.#released) return;
    const live = { tables: this.#vs.liveTables(), pendingOutputs: this.#pendingOutputs, logNumber: this.#vs.logNumber, manifestNumber };
    deleteObsoleteFiles(this.#dir, live, (n) => this.#tables.evict(n));
  }

  // ---- compact, stats, close ----

  protected async _compact(): Promise<CompactResult> {
    this.#throwIfBroken();
    if (this.#queue !== undefined) await this.#queue;
    while (this.#bg !== undefined) await this.#bg;
    this.#throwIfBroken();
    const started = performance.now();
    const bytesBefore = directorySizeSync(this.#dir);
    const details = { flushed: false, compactions: 0, filesCompacted: 0, filesWritten: 0, bytesRead: 0, bytesWritten: 0, entriesDropped: 0 };
    await this.#runBackground(async () => {
      if (this.#imm !== undefined) await this.#flushImmutable();
      if (this.#mem.entryCount > 0) {
        this.#switchMemtable();
        await this.#flushImmutable();
        details.flushed = true;
      }
      // LevelDB's CompactRange over everything: each level into the next, down to the deepest
      // level holding data, which is then rewritten in place.
      const deepest = this.#vs.current.levels.reduce((d, files, level) => (files.length > 0 ? level : d), 0);
      for (let level = 0; level <= deepest; level++) {
        const inPlace = level === deepest && level > 0;
        const pick = pickWholeLevel(this.#vs.current, level, inPlace);
        if (pick === undefined) continue;
        const r = await this.#compactOnce(pick, true);
        details.compactions++;
        details.filesCompacted += r.filesIn;
        details.filesWritten += r.filesOut;
        details.bytesRead += r.bytesRead;
        details.bytesWritten += r.bytesWritten;
        details.entriesDropped += r.entriesDropped;
      }
    });
    const bytesAfter = directorySizeSync(this.#dir); // before background work resumes and starts writing new tables
    this.#scheduleBackground();
    return {
      bytesBefore,
      bytesAfter,
      reclaimedBytes: Math.max(0, bytesBefore - bytesAfter),
      details: { ...details, durationMs: Math.round(performance.now() - started) },
    };
  }

  protected async _stats(): Promise<EngineStats> {
    const keys = await this._count();
    return buildStats({
      engine: this.name,
      keys,
      dir: this.#dir,
      options: this.#options,
      sync: this.#sync,
      vs: this.#vs,
      mem: this.#mem,
      imm: this.#imm,
      walFile: this.#wal?.path,
      tables: this.#tables,
      counters: this.#counters,
      fsyncs: this.#groupSync.count,
      tornTails: this.#tornTails,
    });
  }

  protected async _close(): Promise<void> {
    this.#closing = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    try {
      if (this.#queue !== undefined) await this.#queue;
      while (this.#bg !== undefined) await this.#bg;
      await this.#groupSync.idle();
      if (this.#wal !== undefined && this.#fatal === undefined) {
        try {
          this.#wal.fsync();
        } catch (err) {
          this.#fatal = err;
        }
      }
      if (this.#fatal !== undefined) this.#throwIfBroken();
    } finally {
      this.#released = true;
      this.#wal?.close();
      this.#immWal?.close();
      this.#tables.closeAll();
      this.#vs.close();
      this.#lock?.release();
    }
  }
}

function newCounters(): EngineCounters {
  return {
    userBytesWritten: 0,
    walBytesWritten: 0,
    flushBytesWritten: 0,
    compactionBytesRead: 0,
    compactionBytesWritten: 0,
    flushes: 0,
    compactions: 0,
    trivialMoves: 0,
    writeSlowdowns: 0,
    writeStalls: 0,
    openMs: 0,
    lastBackgroundError: null,
  };
}

