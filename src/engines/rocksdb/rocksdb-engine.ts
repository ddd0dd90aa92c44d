/**
 * The RocksDB engine: an adapter over the `rocksdb` package (RocksDB behind the
 * abstract-leveldown 7 callback API). RocksDB's files live in `<dir>/rocksdb/`.
 *
 * Concurrency: every native call runs on the libuv thread pool. Writes go through the write
 * pipeline (engines/shared/write-pipeline.ts: one native batch in flight, issue order kept, an overlay of
 * uncommitted writes that reads consult first); scans read native iterators and re-seek after any write issued meanwhile.
 * A get issued *before* an unawaited write may still observe that write (it reads when a pool
 * thread runs it); every write issued before a get is always seen.
 */
import * as path from 'node:path';
import { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { checkLogs, compactStoredRange, LEVELDB_TUNING, mayCreateDatabase, rangeOptions, toPutOrDel } from '../shared/abstract-level.js';
import { DeferredSync } from '../shared/deferred-sync.js';
import { directorySizeSync } from '../../util/fs.js';
import { parseEngineOptions } from '../shared/options.js';
import { reseekingScan, type Entry } from '../shared/resumable-scan.js';
import { copyWrites, WritePipeline, type PendingWrite } from '../shared/write-pipeline.js';
import { call, openRocksDb, ROCKSDB_PACKAGE_VERSION, type RocksDb } from './binding.js';
import { mapRocksError, ROCKSDB_SALVAGE } from './rocksdb-errors.js';

export const rocksdbSupports: Supports = {
  persistent: true,
  orderedScan: true,
  // A WriteBatch is one WAL record: all of it or none survives a crash.
  atomicBatch: true,
  // interval: a timer issues a sync write, which fsyncs the WAL and so every write before it.
  syncPolicies: ['always', 'interval', 'never'],
  // compactRange over the stored key range rewrites SST files without dead entries.
  compaction: true,
  directory: true,
};

/** RocksDB's own folder, so its files (LOCK, OPTIONS-*, LOG.old.*) never mix with the store marker. */
export const ROCKSDB_SUBDIR = 'rocksdb';
/** Entries a scan reads from its iterator before verifying their values with one getMany. */
const VERIFY_PAGE = 128;
/** The empty key: no kvs key is empty, so a sync delete of it fsyncs the WAL without touching user data. */
const SYNC_KEY = Buffer.alloc(0);

/**
 * A write in the pipeline. A delete may carry `probe`: the write function calls it, before the
 * batch is applied, with whether the key existed then (so the delete can resolve true or false).
 */
interface RocksWrite extends PendingWrite {
  probe?: (existed: boolean) => void;
}

export class RocksdbEngine extends BaseEngine {
  readonly name = 'rocksdb';
  readonly supports = rocksdbSupports;
  readonly #dir: string;
  readonly #dbDir: string;
  readonly #db: RocksDb;
  readonly #sync: SyncPolicy;
  readonly #pipeline: WritePipeline<RocksWrite>;
  /** fsyncs the WAL for writes acknowledged without one (interval and never policies). */
  readonly #walSync: DeferredSync;
  #closed = false;

  private constructor(dir: string, dbDir: string, db: RocksDb, opts: EngineOpenOptions) {
    super(opts);
    this.#dir = dir;
    this.#dbDir = dbDir;
    this.#db = db;
    this.#sync = opts.sync;
    const writeOptions = { sync: opts.sync === 'always' };
    this.#pipeline = new WritePipeline<RocksWrite>(async (ops) => {
      try {
        await this.#probe(ops);
        // One native WriteBatch for every queued write: one WAL record and at most one fsync.
        await call((cb) => db.batch(ops.map(toPutOrDel), writeOptions, cb));
      } catch (err) {
        throw mapRocksError(err, 'writing', dbDir);
      }
      this.#walSync.committed();
    });
    this.#walSync = new DeferredSync(() => this.#syncWal(), opts.sync, opts.syncIntervalMs, opts.readOnly);
  }

  static async open(opts: EngineOpenOptions): Promise<RocksdbEngine> {
    const tuning = parseEngineOptions('rocksdb', opts.options, LEVELDB_TUNING);
    const dbDir = path.join(opts.dir, ROCKSDB_SUBDIR);
    const createIfMissing = await mayCreateDatabase(opts, dbDir, 'rocksdb', 'RocksDB', ROCKSDB_SALVAGE);
    if (!createIfMissing) checkLogs(opts, dbDir, 'RocksDB');
    const db = openRocksDb(dbDir);
    try {
      // readOnly uses RocksDB's OpenForReadOnly: no LOCK, so read commands work beside a writer
      // (they see the data as of their open, including the writer's WAL).
      await call((cb) => db.open({ ...tuning, createIfMissing, readOnly: opts.readOnly }, cb));
    } catch (err) {
      throw mapRocksError(err, 'opening the store', dbDir);
    }
    return new RocksdbEngine(opts.dir, dbDir, db, opts);
  }

  // ---- reads ----

  protected _get(key: Buffer): Buffer | undefined | Promise<Buffer | undefined> {
    const pending = this.#pipeline.lookup(key);
    if (pending !== undefined) return pending.value;
    // getMany reports a missing key as undefined; get would build and throw a NotFound error.
    return call<(Buffer | undefined)[]>((cb) => this.#db.getMany([key], { asBuffer: true }, cb)).then(
      (values) => values[0],
      (err: unknown) => {
        throw mapRocksError(err, 'reading a key', this.#dbDir);
      },
    );
  }

  /** Reads a native iterator (it fetches entries in batches); a write issued meanwhile makes it re-seek after the last key it yielded. */
  protected _scan(range: KeyRange): AsyncGenerator<Entry> {
    return reseekingScan(range, this.#pipeline, (cursor, remaining) => this.#entries(cursor, remaining));
  }

  /**
   * The entries of `range` (at most `limit`) from one native iterator, each page's values read
   * again with getMany: the binding's iterators skip RocksDB's block checksums (it sets
   * verify_checksums false), while getMany verifies them, so a damaged block is CORRUPTION here
   * instead of flipped bytes served. With no write between the two reads they must agree.
   */
  async *#entries(range: KeyRange, limit: number): AsyncGenerator<Entry> {
    const it = this.#db.iterator({ ...rangeOptions(range, limit), keyAsBuffer: true, valueAsBuffer: true });
    try {
      for (;;) {
        const page: Entry[] = [];
        for (let entry = await it.next(); entry !== undefined; entry = page.length < VERIFY_PAGE ? await it.next() : undefined) page.push(entry);
        if (page.length === 0) return;
        const generation = this.#pipeline.generation;
        const verified = await call<(Buffer | undefined)[]>((cb) => this.#db.getMany(page.map(([k]) => k), { asBuffer: true, fillCache: false }, cb));
        for (let i = 0; i < page.length; i++) {
          const [key, value] = page[i]!;
          const checked = verified[i];
          if (this.#pipeline.generation === generation && (checked === undefined || !checked.equals(value))) throw scanMismatch(this.#dir, key, checked === undefined);
          if (checked !== undefined) yield [key, checked];
        }
        if (page.length < VERIFY_PAGE) return;
      }
    } catch (err) {
      throw mapRocksError(err, 'scanning', this.#dbDir);
    } finally {
      // Closing the database ends its iterators natively; ending one again would be an error.
      if (!this.#closed) await it.end().catch(() => undefined);
    }
  }

  protected async _count(): Promise<number> {
    await this.#pipeline.idle();
    const it = this.#db.iterator({ values: false });
    let n = 0;
    try {
      while ((await it.next()) !== undefined) n++;
    } catch (err) {
      throw mapRocksError(err, 'counting keys', this.#dbDir);
    } finally {
      if (!this.#closed) await it.end().catch(() => undefined);
    }
    return n;
  }

  // ---- writes (copied: the pipeline keeps them until committed) ----

  protected _set(key: Buffer, value: Buffer): Promise<void> {
    return this.#pipeline.submit([{ key: Buffer.from(key), value: Buffer.from(value) }]);
  }

  protected _delete(key: Buffer): boolean | Promise<boolean> {
    const pending = this.#pipeline.lookup(key);
    if (pending !== undefined) {
      if (pending.value === undefined) return false;
      return this.#pipeline.submit([{ key: Buffer.from(key), value: undefined }]).then(() => true);
    }
    // Whether the key existed is read just before this delete's batch is written, after every
    // earlier write: reading now on the pool could race a write issued after this delete.
    let existed = false;
    const probe = (found: boolean): void => {
      existed = found;
    };
    return this.#pipeline.submit([{ key: Buffer.from(key), value: undefined, probe }]).then(() => existed);
  }

  protected _batch(ops: CheckedOp[]): Promise<void> {
    return this.#pipeline.submit(copyWrites(ops));
  }

  /** Answers the probes of `ops` with one getMany, before the batch is applied. */
  async #probe(ops: RocksWrite[]): Promise<void> {
    const probed = ops.filter((op) => op.probe !== undefined);
    if (probed.length === 0) return;
    const values = await call<(Buffer | undefined)[]>((cb) => this.#db.getMany(probed.map((op) => op.key), { asBuffer: true }, cb));
    probed.forEach((op, i) => op.probe!(values[i] !== undefined));
  }

  // ---- maintenance ----

  protected async _compact(): Promise<CompactResult> {
    await this.#pipeline.idle();
    return compactStoredRange({
      endKeys: () => this.#endKeys(),
      compactRange: (start, end) => call((cb) => this.#db.compactRange(start, end, cb)),
      diskBytes: () => this.#diskBytes(),
      mapError: (err) => mapRocksError(err, 'compacting', this.#dbDir),
    });
  }

  protected async _stats(): Promise<EngineStats> {
    const keys = await this._count();
    const ends = await this.#endKeys();
    const approximateBytes = ends === undefined ? 0 : await call<number>((cb) => this.#db.approximateSize(ends[0], Buffer.concat([ends[1], Buffer.from([0])]), cb));
    const property = (name: string): string => {
      try {
        return String(this.#db.getProperty(name));
      } catch {
        return '';
      }
    };
    return {
      engine: this.name,
      keys,
      diskBytes: this.#diskBytes(),
      approximateBytes,
      estimatedKeys: Number(property('rocksdb.estimate-num-keys')) || 0,
      memtableBytes: Number(property('rocksdb.cur-size-all-mem-tables')) || 0,
      library: `rocksdb ${ROCKSDB_PACKAGE_VERSION} (npm package)`,
      sync: this.#sync,
      nativeBatches: this.#pipeline.batches,
      intervalSyncs: this.#walSync.count,
      dataDir: this.#dbDir,
    };
  }

  protected async _close(): Promise<void> {
    this.#walSync.stop();
    await this.#pipeline.idle();
    try {
      // RocksDB does not fsync its WAL on close; the contract says close makes writes durable.
      await this.#walSync.flush();
    } finally {
      this.#closed = true;
      await call((cb) => this.#db.close(cb));
    }
  }

  /** fsyncs the WAL, and with it every write committed before this call. */
  async #syncWal(): Promise<void> {
    try {
      await call((cb) => this.#db._del(SYNC_KEY, { sync: true }, cb));
    } catch (err) {
      throw mapRocksError(err, 'syncing the WAL', this.#dbDir);
    }
  }

  /** The smallest and largest stored keys, or undefined iff the store is empty. */
  async #endKeys(): Promise<[Buffer, Buffer] | undefined> {
    const first = await this.#firstKey(false);
    const last = await this.#firstKey(true);
    return first === undefined || last === undefined ? undefined : [first, last];
  }

  async #firstKey(reverse: boolean): Promise<Buffer | undefined> {
    const it = this.#db.iterator({ values: false, limit: 1, reverse });
    try {
      return (await it.next())?.[0];
    } finally {
      await it.end();
    }
  }

  #diskBytes(): number {
    return directorySizeSync(this.#dir) + directorySizeSync(this.#dbDir);
  }
}

/** CORRUPTION for a scanned entry that RocksDB's checksum-verified read does not confirm. */
function scanMismatch(dir: string, key: Buffer, absent: boolean): KvsError {
  const shown = JSON.stringify(key.toString('latin1').slice(0, 60));
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `RocksDB's iterator over ${path.join(dir, ROCKSDB_SUBDIR)} returned key ${shown} with ${absent ? 'a value that a checksum-verified read does not find' : 'a value other than a checksum-verified read gives'}: a table is damaged; restore the store from a backup`,
    { details: { dir, file: ROCKSDB_SUBDIR, key: key.toString('base64') } },
  );
}
