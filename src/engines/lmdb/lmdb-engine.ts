/**
 * The LMDB engine: lmdb-js over one memory-mapped file `<dir>/data.mdb` with two named
 * databases, `kv` (keys up to LMDB's maximum key size) and `long-keys` (buckets of longer keys,
 * see long-keys.ts).
 *
 * Concurrency: every operation is synchronous (reads from the map, writes as synchronous write
 * transactions), so issue order is kept and each write is visible to the next call. LMDB lets
 * other processes read and write the same file at once; their write transactions are serialised
 * by LMDB's writer mutex (a write waits, blocking the event loop, while another process writes).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { DeferredSync } from '../shared/deferred-sync.js';
import { directorySizeSync } from '../../util/fs.js';
import { pagedScan, type Entry } from '../shared/resumable-scan.js';
import { awaitStoreFiles, missingStoreFiles } from '../shared/existing-store.js';
import { KeySpace } from './key-space.js';
import { checkDataFile, mapLmdbError } from './lmdb-errors.js';
import { parseLmdbOptions } from './options.js';

export const lmdbSupports: Supports = {
  persistent: true,
  orderedScan: true,
  // A write transaction commits all of its puts or none, also across a crash.
  atomicBatch: true,
  // always: every commit fdatasyncs. interval: MDB_NOSYNC commits plus a timer calling
  // mdb_env_sync. never: MDB_NOSYNC commits; the OS writes the pages back (and close syncs).
  syncPolicies: ['always', 'interval', 'never'],
  // LMDB reuses freed pages in place but never shrinks its file; a compacting copy (mdb_copy -c)
  // would need every other process to let go of the file, so compact() is a no-op.
  compaction: false,
  directory: true,
};

export const LMDB_FILE = 'data.mdb';
/** Entries read per scan step; a step is synchronous, and a write between steps makes the scan re-seek. */
const PAGE = 256;
const LMDB_VERSION = packageVersion('lmdb');

export class LmdbEngine extends BaseEngine {
  readonly name = 'lmdb';
  readonly supports = lmdbSupports;
  readonly #dir: string;
  readonly #file: string;
  readonly #root: RootDatabase;
  readonly #keys: KeySpace;
  readonly #sync: SyncPolicy;
  /** Bumped by every write, so a scan knows to re-read from its position. */
  #generation = 0;
  /** mdb_env_sync for commits made without fsync (interval and never policies). */
  readonly #envSync: DeferredSync;

  private constructor(dir: string, file: string, root: RootDatabase, opts: EngineOpenOptions) {
    super(opts);
    this.#dir = dir;
    this.#file = file;
    this.#root = root;
    this.#sync = opts.sync;
    const dbOptions = { keyEncoding: 'binary' as const, encoding: 'binary' as const, cache: false };
    this.#keys = new KeySpace(
      root.openDB<Buffer, Buffer>({ name: 'kv', ...dbOptions }),
      root.openDB<Buffer, Buffer>({ name: 'long-keys', ...dbOptions }),
      (root as unknown as { maxKeySize: number }).maxKeySize,
      file,
    );
    this.#envSync = new DeferredSync(() => this.#syncEnv(), opts.sync, opts.syncIntervalMs, opts.readOnly);
  }

  /**
   * Opens `<dir>/data.mdb`. A new store creates it; an existing one (the marker was there, or a
   * read-only open) must have it: LMDB would start an empty file, so its absence is CORRUPTION.
   */
  static async open(opts: EngineOpenOptions): Promise<LmdbEngine> {
    const mapSize = parseLmdbOptions(opts.options);
    const file = path.join(opts.dir, LMDB_FILE);
    if ((opts.existing === true || opts.readOnly) && !(await awaitStoreFiles(opts.dir, () => fs.existsSync(file)))) {
      throw missingStoreFiles({ dir: opts.dir, engine: 'lmdb', library: 'LMDB', file: LMDB_FILE, found: fs.existsSync(`${file}-lock`) ? `${LMDB_FILE}-lock (which holds no data)` : '' });
    }
    checkDataFile(file);
    let root: RootDatabase | undefined;
    try {
      root = open({
        path: file,
        maxDbs: 4,
        readOnly: opts.readOnly,
        // Classic durable commits under "always"; otherwise commits skip fsync and #envSync syncs.
        overlappingSync: false,
        noSync: opts.sync !== 'always',
        ...(mapSize === undefined ? {} : { mapSize }),
      });
      return new LmdbEngine(opts.dir, file, root, opts);
    } catch (err) {
      void root?.close();
      throw mapLmdbError(err, 'opening the store', file);
    }
  }

  // ---- reads: synchronous, straight from the memory map ----

  protected _get(key: Buffer): Buffer | undefined {
    return this.#read('reading a key', () => this.#keys.get(key));
  }

  protected override _has(key: Buffer): boolean {
    return this.#read('reading a key', () => this.#keys.has(key));
  }

  /** Pages of up to PAGE entries from both databases, merged; a write since the page was read makes it re-read after the last key yielded. */
  protected _scan(range: KeyRange): Iterable<Entry> {
    return pagedScan(range, PAGE, () => this.#generation, (cursor, n) => this.#read('scanning', () => this.#keys.page(cursor, n)));
  }

  protected _count(): number {
    return this.#read('counting keys', () => this.#keys.count());
  }

  #read<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (err) {
      throw mapLmdbError(err, what, this.#file);
    }
  }

  // ---- writes: synchronous transactions (LMDB copies the bytes during the call) ----

  protected _set(key: Buffer, value: Buffer): Promise<void> | void {
    return this.#write('writing a key', () => this.#keys.put(key, value));
  }

  protected _delete(key: Buffer): boolean | Promise<boolean> {
    return this.#write('deleting a key', () => this.#keys.remove(key));
  }

  protected _batch(ops: CheckedOp[]): Promise<void> | void {
    return this.#write('writing a batch', () => {
      for (const op of ops) {
        if (op.type === 'set') this.#keys.put(op.key, op.value);
        else this.#keys.remove(op.key);
      }
    });
  }

  /** Runs `body` in one synchronous write transaction; under "always" its commit fdatasyncs. */
  #write<T>(what: string, body: () => T): T {
    this.#generation++;
    try {
      const result = this.#root.transactionSync(body);
      this.#envSync.committed();
      return result;
    } catch (err) {
      throw mapLmdbError(err, what, this.#file);
    }
  }

  // ---- maintenance ----

  protected _compact(): CompactResult {
    const bytes = this.#diskBytes();
    return { bytesBefore: bytes, bytesAfter: bytes, reclaimedBytes: 0, details: { method: 'none', reason: 'LMDB reuses freed pages in place; the file does not shrink' } };
  }

  protected _stats(): EngineStats {
    const env = this.#root.getStats() as Record<string, unknown>;
    const kv = this.#keys.kv.getStats() as Record<string, unknown>;
    return {
      engine: this.name,
      keys: this._count(),
      diskBytes: this.#diskBytes(),
      pageSize: Number(env.pageSize),
      mapSize: Number(env.mapSize),
      lastPageNumber: Number(env.lastPageNumber),
      treeDepth: Number(kv.treeDepth),
      longKeyBuckets: this.#keys.long.getCount(),
      maxKeySize: this.#keys.maxKey,
      readers: Number(env.numReaders),
      sync: this.#sync,
      syncs: this.#envSync.count,
      library: `lmdb-js ${LMDB_VERSION}`,
      file: this.#file,
    };
  }

  protected async _close(): Promise<void> {
    this.#envSync.stop();
    try {
      // MDB_NOSYNC commits are in the page cache only; the contract says close makes them durable.
      await this.#envSync.flush();
    } finally {
      await this.#root.close();
    }
  }

  /** mdb_env_sync: makes every commit so far durable. */
  async #syncEnv(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) =>
        (this.#root as unknown as { sync(cb: (err?: unknown) => void): void }).sync((err) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      throw mapLmdbError(err, 'syncing', this.#file);
    }
  }

  #diskBytes(): number {
    return directorySizeSync(this.#dir);
  }
}

/** The version of an installed package whose exports hide its package.json: found beside its entry point. */
function packageVersion(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  for (let depth = 0; depth < 4; depth++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version !== undefined) return pkg.version;
    } catch {
      // no package.json at this level: look one up
    }
  }
  return 'unknown';
}
