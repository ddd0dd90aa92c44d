/**
 * The LevelDB engine: an adapter over classic-level 3 (Google's LevelDB behind abstract-level).
 * LevelDB's files live in `<dir>/leveldb/`, beside the kvs store marker.
 *
 * Concurrency: reads are synchronous (`getSync`) and consult the write pipeline's overlay first;
 * writes go through the pipeline (one native batch in flight, issue order kept); scans read
 * LevelDB iterators in pages and re-seek after any write issued meanwhile.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { directorySizeSync } from '../../util/fs.js';
import { mapLevelError } from './level-errors.js';
import { parseLevelOptions, type LevelTuning } from './options.js';
import { WritePipeline, type PendingWrite } from './write-pipeline.js';

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
  #timer: NodeJS.Timeout | undefined;
  /** Writes acknowledged since the last fsync of the log (interval and never policies). */
  #unsynced = false;
  #intervalSyncs = 0;

  private constructor(dir: string, dbDir: string, db: Db, opts: EngineOpenOptions) {
    super(opts.readOnly);
    this.#dir = dir;
    this.#dbDir = dbDir;
    this.#db = db;
    this.#sync = opts.sync;
    const writeOptions = { sync: opts.sync === 'always' };
    // Native batch for every write: one log record per group of queued writes.
    this.#pipeline = new WritePipeline(async (ops) => {
      try {
        await db.batch(ops.map(toLevelOp), writeOptions);
      } catch (err) {
        throw mapLevelError(err, 'writing', dbDir);
      }
      if (opts.sync !== 'always') this.#unsynced = true;
    });
    if (!opts.readOnly && opts.sync === 'interval') {
      this.#timer = setInterval(() => void this.#syncLog().catch(() => undefined), opts.syncIntervalMs);
      this.#timer.unref();
    }
  }

  static async open(opts: EngineOpenOptions): Promise<LevelEngine> {
    const tuning: LevelTuning = parseLevelOptions(opts.options);
    const dbDir = path.join(opts.dir, LEVEL_SUBDIR);
    if (opts.readOnly && !fs.existsSync(path.join(dbDir, 'CURRENT'))) {
      // Checked here: the library would create the folder and its LOCK file before failing.
      throw new KvsError(
        ErrorCodes.STORE_NOT_FOUND,
        `no LevelDB database in ${dbDir}; the store marker is there but its data folder is missing: restore it, or remove the directory and start afresh`,
        { details: { dir: opts.dir } },
      );
    }
    const db: Db = new ClassicLevel<Buffer, Buffer>(dbDir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      // classic-level has no read-only mode: a read-only open still takes LevelDB's LOCK, so it
      // fails with LOCKED while a writer holds the store.
      await db.open({ ...tuning, createIfMissing: !opts.readOnly });
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
  protected async *_scan(range: KeyRange): AsyncGenerator<[Buffer, Buffer]> {
    let remaining = range.limit;
    let cursor = range;
    for (;;) {
      await this.#pipeline.idle();
      const generation = this.#pipeline.generation;
      const it = this.#db.iterator(iteratorOptions(cursor, remaining));
      let restart = false;
      try {
        while (!restart) {
          const entries = await it.nextv(PAGE);
          if (entries.length === 0) return;
          for (const [key, value] of entries) {
            if (this.#pipeline.generation !== generation) {
              restart = true;
              break;
            }
            yield [key, value];
            if (--remaining === 0) return;
            const after = { key, inclusive: false };
            cursor = range.reverse ? { ...cursor, upper: after } : { ...cursor, lower: after };
          }
        }
      } catch (err) {
        throw mapLevelError(err, 'scanning', this.#dbDir);
      } finally {
        await it.close();
      }
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
    return this.#pipeline.submit(ops.map((op) => ({ key: Buffer.from(op.key), value: op.type === 'set' ? Buffer.from(op.value) : undefined })));
  }

  // ---- maintenance ----

  protected async _compact(): Promise<CompactResult> {
    await this.#pipeline.idle();
    const bytesBefore = this.#diskBytes();
    const started = performance.now();
    try {
      // Bounded by the first and last stored keys: LevelDB writes both bounds into its LOG file,
      // so a huge synthetic upper bound would grow the store by kilobytes per compaction.
      const ends = await this.#endKeys();
      if (ends !== undefined) await this.#db.compactRange(ends[0], ends[1]);
    } catch (err) {
      throw mapLevelError(err, 'compacting', this.#dbDir);
    }
    const bytesAfter = this.#diskBytes();
    return {
      bytesBefore,
      bytesAfter,
      reclaimedBytes: Math.max(0, bytesBefore - bytesAfter),
      details: { method: 'compactRange', durationMs: Math.round(performance.now() - started) },
    };
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
      intervalSyncs: this.#intervalSyncs,
      dataDir: this.#dbDir,
    };
  }

  protected async _close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#pipeline.idle();
    try {
      // LevelDB does not fsync its log on close; the contract says close makes writes durable.
      if (this.#unsynced) await this.#syncLog();
    } finally {
      await this.#db.close();
    }
  }

  /** fsyncs LevelDB's log, and with it every write committed before this call. */
  async #syncLog(): Promise<void> {
    if (!this.#unsynced) return;
    this.#unsynced = false;
    try {
      await this.#db.del(SYNC_KEY, { sync: true });
      this.#intervalSyncs++;
    } catch (err) {
      this.#unsynced = true;
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

function toLevelOp(op: PendingWrite): { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer } {
  return op.value === undefined ? { type: 'del', key: op.key } : { type: 'put', key: op.key, value: op.value };
}

/** The scan range in abstract-level's terms (gt/gte/lt/lte, reverse, limit -1 for none). */
function iteratorOptions(range: KeyRange, remaining: number): Record<string, unknown> {
  const o: Record<string, unknown> = { reverse: range.reverse, limit: Number.isFinite(remaining) ? remaining : -1 };
  if (range.lower !== undefined) o[range.lower.inclusive ? 'gte' : 'gt'] = range.lower.key;
  if (range.upper !== undefined) o[range.upper.inclusive ? 'lte' : 'lt'] = range.upper.key;
  return o;
}

const CLASSIC_LEVEL_VERSION: string = (createRequire(import.meta.url)('classic-level/package.json') as { version: string }).version;
