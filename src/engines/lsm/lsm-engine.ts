/**
 * The LSM-tree engine (LevelDB's design; docs/formats/lsm.md) as a coordinator: reads, the write
 * path (WAL, sync policy), and hand-offs to write-stall.ts, background.ts and manual-compaction.ts.
 * Concurrency: reads, WAL appends and memtable inserts are synchronous, so each call sees the calls
 * before it; a write that must wait for room queues, and later operations wait behind it.
 */
import { BaseEngine } from '../../engine/base-engine.js';
import { ioError } from '../../engine/errors.js';
import { resumeAfter, type KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { DirectoryLock } from '../shared/dir-lock.js';
import { BackgroundWorker, yieldToLoop } from './background.js';
import { EntryKind, FoundEntry } from './entry.js';
import { buildStats, newCounters } from './lsm-stats.js';
import { compactAll } from './manual-compaction.js';
import { deleteObsoleteFilesOf, moveOrphansAside } from './obsolete-files.js';
import { parseOptions } from './options.js';
import { lookup, openView } from './read-path.js';
import { pinTables, recover, type TornTail } from './recovery.js';
import { newStoreState, throwIfBroken, type StoreState } from './store-state.js';
import type { Version } from './version/version.js';
import { encodeBatch, type BatchOp } from './wal/write-batch.js';
import { makeRoom, roomNow, slowDown } from './write-stall.js';

export const lsmSupports: Supports = {
  persistent: true,
  orderedScan: true,
  atomicBatch: true,
  syncPolicies: ['always', 'interval', 'never'],
  compaction: true,
  directory: true,
};

const EMPTY = Buffer.alloc(0);
/** count() yields to the event loop after this many keys. */
const COUNT_SLICE = 20_000;

export class LsmEngine extends BaseEngine {
  readonly name = 'lsm';
  readonly supports = lsmSupports;
  readonly #s: StoreState;
  readonly #worker: BackgroundWorker;
  readonly #lock: DirectoryLock | undefined;
  readonly #tornTails: TornTail[];
  #timer: NodeJS.Timeout | undefined;
  /** Writes since the last fsync (sync 'interval'). */
  #unsynced = false;
  /** Writes waiting for room (a stall), in issue order; later operations wait behind them. */
  #queue: Promise<void> | undefined;
  #countCache: { seq: number; version: Version; count: number } | undefined;
  /** The last acknowledgment delayed by the slowdown rule, while it is pending. */
  #slowAck: Promise<void> | undefined;
  /** Filled by every point read (reads are synchronous, so one is enough). */
  readonly #found = new FoundEntry();

  private constructor(opts: EngineOpenOptions, s: StoreState, lock: DirectoryLock | undefined, tornTails: TornTail[]) {
    super(opts);
    this.#s = s;
    this.#lock = lock;
    this.#tornTails = tornTails;
    this.#worker = new BackgroundWorker(s);
    s.vs.onVersionDropped = () => deleteObsoleteFilesOf(s);
    if (!opts.readOnly) {
      if (opts.sync === 'interval') {
        this.#timer = setInterval(() => this.#intervalSync(), opts.syncIntervalMs);
        this.#timer.unref();
      }
      moveOrphansAside(s, opts.onWarning);
      // Not before the opener has its store: a compaction due at open starts once open() has returned.
      setImmediate(() => this.#worker.schedule());
    }
  }

  static async open(opts: EngineOpenOptions): Promise<LsmEngine> {
    const started = performance.now();
    const options = parseOptions(opts.options);
    const tableOptions = { blockSize: options.blockSize, restartInterval: options.restartInterval, bloomBitsPerKey: options.bloomBitsPerKey, compression: options.compression };
    const lock = opts.readOnly ? undefined : DirectoryLock.acquire(opts.dir);
    try {
      const counters = newCounters();
      const [s, tornTails] = await recover(opts.dir, options, opts.readOnly, opts.onWarning, (recovered) => {
        const state = newStoreState(opts, options, tableOptions, recovered, counters);
        // A writer beside a read-only open may retire tables at any time: pin a descriptor on each
        // now (an open file outlives its deletion); a table gone meanwhile makes recovery start over.
        if (opts.readOnly) pinTables(state);
        return [state, recovered.tornTails] as const;
      });
      counters.openMs = performance.now() - started;
      return new LsmEngine(opts, s, lock, tornTails);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  // ---- reads ----

  #getNow(key: Buffer): Buffer | undefined {
    const s = this.#s;
    const found = this.#found;
    if (!lookup({ mem: s.mem, imm: s.imm, version: s.vs.current, tables: s.tables }, key, s.vs.lastSequence, found) || found.kind === EntryKind.DELETION) return undefined;
    // Copied once: the caller may change the Buffer, and the entry lies in a memtable or a cached block.
    return found.copyValue();
  }

  protected _get(key: Buffer): Buffer | undefined | Promise<Buffer | undefined> {
    if (this.#queue !== undefined) return this.#queue.then(() => this.#getNow(key));
    return this.#getNow(key);
  }

  /**
   * Scans a pinned view: compaction may replace tables meanwhile without disturbing it. When
   * the store has taken writes since the last entry, the scan re-pins a fresh view after the
   * last key it yielded, so that it sees writes made during the scan without repeating or
   * skipping a key (the contract's behaviour, shared with every engine).
   */
  protected async *_scan(range: KeyRange): AsyncGenerator<[Buffer, Buffer]> {
    if (this.#queue !== undefined) await this.#queue;
    let view = openView(this.#s, range);
    try {
      view.it.first();
      for (let remaining = range.limit; remaining > 0 && view.it.valid(); remaining--) {
        const entry: [Buffer, Buffer] = [Buffer.from(view.it.key()), Buffer.from(view.it.value())];
        yield entry;
        if (this.#s.vs.lastSequence === view.seq) {
          view.it.advance();
          continue;
        }
        view.release();
        view = openView(this.#s, resumeAfter(range, entry[0]));
        view.it.first();
      }
    } finally {
      view.release();
    }
  }

  protected async _count(): Promise<number> {
    if (this.#queue !== undefined) await this.#queue;
    const { vs } = this.#s;
    const cached = this.#countCache;
    if (cached !== undefined && cached.seq === vs.lastSequence && cached.version === vs.current) return cached.count;
    const version = vs.current;
    const view = openView(this.#s, { reverse: false });
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
   * write is as durable as the sync policy promises (and, now and then, after the background
   * worker had a turn: BackgroundWorker.shareTurn).
   */
  #write<T>(apply: () => T): T | Promise<T> {
    throwIfBroken(this.#s);
    if (this.#queue === undefined) {
      const room = roomNow(this.#s, this.#worker);
      if (room !== false) return this.#acknowledge(this.#durable(apply()), room === 'slow');
    }
    const applied = (this.#queue ?? Promise.resolve()).then(async () => {
      await makeRoom(this.#s, this.#worker);
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
    return applied.then((r) => this.#acknowledge(this.#durable(r), false));
  }

  /**
   * The acknowledgment of an applied write: delayed by the slowdown rule when `slow`, and, while
   * a delayed one is pending, after it, so that writes settle in issue order.
   */
  #acknowledge<T>(result: T | Promise<T>, slow: boolean): T | Promise<T> {
    if (!slow && this.#slowAck === undefined) return this.#worker.shareTurn(result);
    const ack = slow ? (this.#slowAck ?? Promise.resolve()).then(() => slowDown(result)) : this.#slowAck!.then(() => result);
    const tail = ack.then(
      () => undefined,
      () => undefined,
    );
    this.#slowAck = tail;
    void tail.then(() => {
      if (this.#slowAck === tail) this.#slowAck = undefined;
    });
    return ack;
  }

  /** Appends one WAL record for `ops`, then inserts them into the memtable. */
  #apply(ops: BatchOp[]): void {
    const s = this.#s;
    throwIfBroken(s);
    const first = s.vs.lastSequence + 1;
    const record = encodeBatch(first, ops);
    try {
      s.counters.walBytesWritten += s.wal!.append(record);
    } catch (err) {
      s.fatal ??= err;
      throw ioError(`cannot append to the write-ahead log ${s.wal!.path}`, err);
    }
    // The memtable copies keys and values into its arena, so the caller may reuse its buffers.
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      s.mem.add(first + i, op.kind, op.key, op.value);
      s.counters.userBytesWritten += op.key.length + op.value.length;
    }
    s.vs.lastSequence = first + ops.length - 1;
  }

  #durable<T>(result: T): T | Promise<T> {
    const s = this.#s;
    if (s.sync !== 'always') {
      this.#unsynced = true;
      return result;
    }
    return s.groupSync.request().then(
      () => result,
      (err: unknown) => {
        s.fatal ??= err;
        throw ioError(`fsync of the write-ahead log ${s.wal?.path ?? s.dir} failed`, err);
      },
    );
  }

  #intervalSync(): void {
    const s = this.#s;
    if (!this.#unsynced || s.wal === undefined || s.fatal !== undefined) return;
    this.#unsynced = false;
    s.groupSync.request().catch((err: unknown) => {
      s.fatal ??= err;
    });
  }

  // ---- compact, stats, close ----

  protected async _compact(): Promise<CompactResult> {
    throwIfBroken(this.#s);
    if (this.#queue !== undefined) await this.#queue;
    return compactAll(this.#s, this.#worker);
  }

  protected async _stats(): Promise<EngineStats> {
    const keys = await this._count();
    return buildStats(this.#s, this.name, keys, this.#tornTails);
  }

  protected async _close(): Promise<void> {
    const s = this.#s;
    s.closing = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    try {
      if (this.#queue !== undefined) await this.#queue;
      await this.#worker.idle(); // a running compaction finishes and is installed: a reopen does not repeat it
      await s.groupSync.idle();
      if (s.wal !== undefined && s.fatal === undefined) {
        try {
          s.wal.fsync();
        } catch (err) {
          s.fatal = err;
        }
      }
      if (s.fatal !== undefined) throwIfBroken(s); // a background failure is in stats; it does not fail close()
    } finally {
      s.released = true;
      await this.#worker.stop();
      s.wal?.close();
      s.immWal?.close();
      s.tables.closeAll();
      s.vs.close();
      this.#lock?.release();
    }
  }
}
