/**
 * The LevelDB engine: an adapter over classic-level 3 (Google's LevelDB behind abstract-level).
 * LevelDB's files live in `<dir>/leveldb/`, beside the kvs store marker.
 *
 * Concurrency: reads are synchronous (`getSync`) and consult the write pipeline's overlay first;
 * writes go through the pipeline (one native batch in flight, issue order kept); scans read
 * LevelDB iterators in pages and re-seek after any write issued meanwhile.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { BaseEngine } from '../../engine/base-engine.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { checkLogs, compactStoredRange, LEVELDB_TUNING, mayCreateDatabase, rangeOptions, toPutOrDel } from '../shared/abstract-level.js';
import { DeferredSync } from '../shared/deferred-sync.js';
import { directorySizeSync } from '../../util/fs.js';
import { parseEngineOptions } from '../shared/options.js';
import { reseekingScan, type Entry } from '../shared/resumable-scan.js';
import { copyWrites, WritePipeline } from '../shared/write-pipeline.js';
import { LEVEL_SALVAGE, mapLevelError } from './level-errors.js';
import { checkTables } from './table-check.js';

export const levelSupports: Supports = {
  persistent: true,
  orderedScan: true,
  // A LevelDB WriteBatch is written to the log as one record: all of it or none survives a crash.
  atomicBatch: true,
  // interval: a timer issues a sync write, which fsyncs the log and so every write before it.
  syncPolicies: ['always', 'interval', 'never'],
  // compactRange over the whole key space rewrites the tables without overwritten and deleted data.
  compaction: true,
  directory: true,
};

/** LevelDB's own folder: LevelDB would accept the marker beside its files, but apart, ClassicLevel.destroy/repair never touch the marker. */
export const LEVEL_SUBDIR = 'leveldb';
/** Entries fetched per native iterator call. */
const PAGE = 256;
/** The empty key: no kvs key is empty, so a sync delete of it flushes the log without touching user data. */
const SYNC_KEY = Buffer.alloc(0);

type Db = ClassicLevel<Buffer, Buffer>;

export class LevelEngine extends BaseEngine {
  readonly name = 'level';
  readonly supports = levelSupports;
  readonly #dir: string;
  readonly #dbDir: string;
  readonly #db: Db;
  readonly #sync: SyncPolicy;
  readonly #pipeline: WritePipeline;
  /** fsyncs the log for writes acknowledged without one (interval and never policies). */
  readonly #logSync: DeferredSync;

  private constructor(dir: string, dbDir: string, db: Db, opts: EngineOpenOptions) {
    super(opts);
    this.#dir = dir;
    this.#dbDir = dbDir;
    this.#db = db;
    this.#sync = opts.sync;
    const writeOptions = { sync: opts.sync === 'always' };
    // Native batch for every write: one log record per group of queued writes.
    this.#pipeline = new WritePipeline(async (ops) => {
      try {
        await db.batch(ops.map(toPutOrDel), writeOptions);
      } catch (err) {
        throw mapLevelError(err, 'writing', dbDir);
      }
      this.#logSync.committed();
    });
    this.#logSync = new DeferredSync(() => this.#syncLog(), opts.sync, opts.syncIntervalMs, opts.readOnly);
  }

  static async open(opts: EngineOpenOptions): Promise<LevelEngine> {
    const tuning = parseEngineOptions('level', opts.options, LEVELDB_TUNING);
    const dbDir = path.join(opts.dir, LEVEL_SUBDIR);
    const createIfMissing = await mayCreateDatabase(opts, dbDir, 'level', 'LevelDB', LEVEL_SALVAGE);
    if (!createIfMissing) {
      // LevelDB through classic-level checks no checksums on reads, and skips damaged log
      // records: every log record and table block is checked here, before LevelDB reads them.
      checkLogs(opts, dbDir, 'LevelDB');
      await checkTables(opts.dir, dbDir);
    }
    const db: Db = new ClassicLevel<Buffer, Buffer>(dbDir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      // classic-level has no read-only mode: a read-only open still takes LevelDB's LOCK, so it
      // fails with LOCKED while a writer holds the store.
      await db.open({ ...tuning, createIfMissing });
    } catch (err) {
      throw mapLevelError(err, 'opening the store', dbDir);
    }
    return new LevelEngine(opts.dir, dbDir, db, opts);
  }

  // ---- reads: synchronous getSync, after the overlay of uncommitted writes ----

  protected _get(key: Buffer): Buffer | undefined {
    const pending = this.#pipeline.lookup(key);
    if (pending !== undefined) return pending.value;
    try {
      // getSync skips the thread pool round trip: on a cached block it is a few microseconds.
      return this.#db.getSync(key);
    } catch (err) {
      throw mapLevelError(err, 'reading a key', this.#dbDir);
    }
  }

  /** Pages through a native iterator; any write issued while the scan runs makes it re-seek after the last key it yielded. */
  protected _scan(range: KeyRange): AsyncGenerator<Entry> {
    return reseekingScan(range, this.#pipeline, (cursor, remaining) => this.#entries(cursor, remaining));
  }

  /** The entries of `range` (at most `limit`), read from one native iterator in pages of PAGE. */
  async *#entries(range: KeyRange, limit: number): AsyncGenerator<Entry> {
    const it = this.#db.iterator(rangeOptions(range, limit));
    try {
      for (let page = await it.nextv(PAGE); page.length > 0; page = await it.nextv(PAGE)) yield* page;
    } catch (err) {
      throw mapLevelError(err, 'scanning', this.#dbDir);
    } finally {
      await it.close();
    }
  }

  protected async _count(): Promise<number> {
    await this.#pipeline.idle();
    const it = this.#db.keys();
    let n = 0;
    try {
      for (let page = await it.nextv(4096); page.length > 0; page = await it.nextv(4096)) n += page.length;
    } catch (err) {
      throw mapLevelError(err, 'counting keys', this.#dbDir);
    } finally {
      await it.close();
    }
    return n;
  }

  // ---- writes: through the pipeline (copies, since the pipeline keeps them until committed) ----

  protected _set(key: Buffer, value: Buffer): Promise<void> {
    return this.#pipeline.submit([{ key: Buffer.from(key), value: Buffer.from(value) }]);
  }

  protected _delete(key: Buffer): boolean | Promise<boolean> {
    if (this._get(key) === undefined) return false;
    return this.#pipeline.submit([{ key: Buffer.from(key), value: undefined }]).then(() => true);
  }

  protected _batch(ops: CheckedOp[]): Promise<void> {
    return this.#pipeline.submit(copyWrites(ops));
  }

  // ---- maintenance ----

  protected async _compact(): Promise<CompactResult> {
    await this.#pipeline.idle();
    return compactStoredRange({
      endKeys: () => this.#endKeys(),
      compactRange: (start, end) => this.#db.compactRange(start, end),
      diskBytes: () => this.#diskBytes(),
      mapError: (err) => mapLevelError(err, 'compacting', this.#dbDir),
    });
  }

  protected async _stats(): Promise<EngineStats> {
    const keys = await this._count();
    const ends = await this.#endKeys();
    const filesPerLevel: number[] = [];
    for (let level = 0; level < 7; level++) filesPerLevel.push(Number(this.#db.getProperty(`leveldb.num-files-at-level${level}`)));
    return {
      engine: this.name,
      keys,
      diskBytes: this.#diskBytes(),
      approximateBytes: ends === undefined ? 0 : await this.#db.approximateSize(ends[0], Buffer.concat([ends[1], Buffer.from([0])])),
      filesPerLevel,
      library: `classic-level ${CLASSIC_LEVEL_VERSION} (LevelDB)`,
      sync: this.#sync,
      nativeBatches: this.#pipeline.batches,
      intervalSyncs: this.#logSync.count,
      dataDir: this.#dbDir,
    };
  }

  protected async _close(): Promise<void> {
    this.#logSync.stop();
    await this.#pipeline.idle();
    try {
      // LevelDB does not fsync its log on close; the contract says close makes writes durable.
      await this.#logSync.flush();
    } finally {
      await this.#db.close();
    }
  }

  /** fsyncs LevelDB's log, and with it every write committed before this call. */
  async #syncLog(): Promise<void> {
    try {
      await this.#db.del(SYNC_KEY, { sync: true });
    } catch (err) {
      throw mapLevelError(err, 'syncing the log', this.#dbDir);
    }
  }

  /** The smallest and largest stored keys, or undefined iff the store is empty. */
  async #endKeys(): Promise<[Buffer, Buffer] | undefined> {
    const [first] = await this.#db.keys({ limit: 1 }).all();
    const [last] = await this.#db.keys({ limit: 1, reverse: true }).all();
    return first === undefined || last === undefined ? undefined : [first, last];
  }

  #diskBytes(): number {
    return directorySizeSync(this.#dir) + directorySizeSync(this.#dbDir);
  }
}

const CLASSIC_LEVEL_VERSION: string = (createRequire(import.meta.url)('classic-level/package.json') as { version: string }).version;
