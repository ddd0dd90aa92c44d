/**
 * The SQLite engine: one table `kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID` in
 * `<dir>/kvs.sqlite`, WAL journal mode, through better-sqlite3.
 *
 * Concurrency: better-sqlite3 is synchronous, so every call completes before the next one
 * starts and issue order is kept for free. Other processes may open the same file: SQLite
 * serialises their writers (a writer that waits longer than busyTimeoutMs gets LOCKED).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { DeferredSync } from '../shared/deferred-sync.js';
import { directorySizeSync } from '../../util/fs.js';
import { pagedScan, type Entry } from '../shared/resumable-scan.js';
import { awaitStoreFiles, missingStoreFiles } from '../shared/existing-store.js';
import { parseSqliteOptions } from './options.js';
import { mapSqliteError } from './sqlite-errors.js';

export const sqliteSupports: Supports = {
  persistent: true,
  // BLOBs compare with memcmp (then by length), so ORDER BY k is byte order.
  orderedScan: true,
  atomicBatch: true,
  // always: synchronous=FULL (WAL fsync per commit). interval: synchronous=NORMAL plus a timer that
  // checkpoints, which fsyncs the WAL first. never: synchronous=NORMAL.
  syncPolicies: ['always', 'interval', 'never'],
  // VACUUM rebuilds the file without free pages; a TRUNCATE checkpoint empties the WAL.
  compaction: true,
  directory: true,
};

export const SQLITE_FILE = 'kvs.sqlite';
/** Rows fetched per scan step. better-sqlite3 forbids writes while a statement iterates, so scans page with LIMIT instead. */
const PAGE = 256;
const BETTER_SQLITE3_VERSION: string = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteEngine extends BaseEngine {
  readonly name = 'sqlite';
  readonly supports = sqliteSupports;
  readonly #dir: string;
  readonly #file: string;
  readonly #db: Database.Database;
  readonly #sync: SyncPolicy;
  // Prepared once: a get is one bind and one step, with no SQL parsing on the hot path.
  readonly #getStmt: Statement;
  readonly #hasStmt: Statement;
  readonly #setStmt: Statement;
  readonly #deleteStmt: Statement;
  readonly #countStmt: Statement;
  readonly #scanStmts = new Map<string, Statement>();
  readonly #applyBatch: (ops: CheckedOp[]) => void;
  /** Bumped by every write, so a scan knows to re-read from its position. */
  #generation = 0;
  /** Under "interval": checkpoints on a timer once there are commits (see #checkpoint). */
  readonly #checkpointer: DeferredSync;

  private constructor(dir: string, file: string, db: Database.Database, opts: EngineOpenOptions) {
    super(opts);
    this.#dir = dir;
    this.#file = file;
    this.#db = db;
    this.#sync = opts.sync;
    this.#getStmt = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
    this.#hasStmt = db.prepare('SELECT 1 FROM kv WHERE k = ?').pluck();
    this.#countStmt = db.prepare('SELECT count(*) FROM kv').pluck();
    if (opts.readOnly) {
      this.#setStmt = this.#deleteStmt = this.#getStmt; // never run: BaseEngine rejects writes first
    } else {
      this.#setStmt = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
      this.#deleteStmt = db.prepare('DELETE FROM kv WHERE k = ?');
    }
    // One SQLite transaction per batch: one WAL commit, all or nothing across a crash.
    this.#applyBatch = db.transaction((ops: CheckedOp[]) => {
      for (const op of ops) {
        if (op.type === 'set') this.#setStmt.run(op.key, op.value);
        else this.#deleteStmt.run(op.key);
      }
    });
    this.#checkpointer = new DeferredSync(() => this.#checkpoint(), opts.sync, opts.syncIntervalMs, opts.readOnly);
  }

  /**
   * Opens `<dir>/kvs.sqlite`. A new store creates it and its table; an existing one (the marker
   * was there, or a read-only open) must have both: without them SQLite would start an empty
   * database, so their absence is CORRUPTION (see engines/shared/existing-store.ts).
   */
  static async open(opts: EngineOpenOptions): Promise<SqliteEngine> {
    const tuning = parseSqliteOptions(opts.options);
    const file = path.join(opts.dir, SQLITE_FILE);
    const existing = opts.existing === true || opts.readOnly;
    if (existing && !(await awaitStoreFiles(opts.dir, () => fs.existsSync(file)))) throw missingFile(opts.dir, file);
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: opts.readOnly, fileMustExist: existing, timeout: tuning.busyTimeoutMs });
      // Before any pragma that writes (journal_mode): a refused open changes nothing.
      if (existing && !(await awaitStoreFiles(opts.dir, () => hasTable(db!)))) throw missingTable(opts.dir, file, db);
      db.pragma(`cache_size = -${tuning.cacheKiB}`);
      // Checks each b-tree page's cells when it is read from disk: SQLite keeps no page checksums,
      // so this is the one check it offers on the read path (it catches damaged page structure).
      db.pragma('cell_size_check = ON');
      if (!opts.readOnly) {
        db.pragma('journal_mode = WAL');
        // FULL fsyncs the WAL at every commit; NORMAL only at checkpoints (a power loss may roll
        // back the latest commits, never corrupts). OFF is never used: it risks corruption.
        db.pragma(`synchronous = ${opts.sync === 'always' ? 'FULL' : 'NORMAL'}`);
      }
      if (!existing) db.exec('CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
      return new SqliteEngine(opts.dir, file, db, opts);
    } catch (err) {
      db?.close();
      throw (opts.readOnly ? unreadableHere(err, file) : undefined) ?? mapSqliteError(err, 'opening the store', file);
    }
  }

  // ---- reads ----

  protected _get(key: Buffer): Buffer | undefined {
    try {
      return this.#getStmt.get(key) as Buffer | undefined;
    } catch (err) {
      throw mapSqliteError(err, 'reading a key', this.#file);
    }
  }

  protected override _has(key: Buffer): boolean {
    try {
      return this.#hasStmt.get(key) !== undefined;
    } catch (err) {
      throw mapSqliteError(err, 'reading a key', this.#file);
    }
  }

  /** One LIMIT query per page, resumed after the last key it yielded; re-reads when a write happened meanwhile. */
  protected _scan(range: KeyRange): Iterable<Entry> {
    return pagedScan(range, PAGE, () => this.#generation, (cursor, n) => this.#page(cursor, n));
  }

  #page(range: KeyRange, limit: number): Entry[] {
    const lower = range.lower === undefined ? '' : range.lower.inclusive ? 'k >= ?' : 'k > ?';
    const upper = range.upper === undefined ? '' : range.upper.inclusive ? 'k <= ?' : 'k < ?';
    const shape = `${lower}|${upper}|${range.reverse ? 'DESC' : 'ASC'}`;
    let stmt = this.#scanStmts.get(shape);
    if (stmt === undefined) {
      const where = [lower, upper].filter((c) => c !== '').join(' AND ');
      stmt = this.#db.prepare(`SELECT k, v FROM kv ${where ? `WHERE ${where}` : ''} ORDER BY k ${range.reverse ? 'DESC' : 'ASC'} LIMIT ?`).raw();
      this.#scanStmts.set(shape, stmt);
    }
    const params: unknown[] = [];
    if (range.lower !== undefined) params.push(range.lower.key);
    if (range.upper !== undefined) params.push(range.upper.key);
    params.push(limit);
    try {
      return stmt.all(...params) as Entry[];
    } catch (err) {
      throw mapSqliteError(err, 'scanning', this.#file);
    }
  }

  protected _count(): number {
    try {
      return this.#countStmt.get() as number;
    } catch (err) {
      throw mapSqliteError(err, 'counting keys', this.#file);
    }
  }

  // ---- writes: SQLite copies bound buffers, so nothing is kept ----

  protected _set(key: Buffer, value: Buffer): void {
    this.#write('writing a key', () => this.#setStmt.run(key, value));
  }

  protected _delete(key: Buffer): boolean {
    return this.#write('deleting a key', () => this.#deleteStmt.run(key).changes > 0);
  }

  protected _batch(ops: CheckedOp[]): void {
    this.#write('writing a batch', () => this.#applyBatch(ops));
  }

  #write<T>(what: string, body: () => T): T {
    this.#generation++;
    try {
      const result = body();
      this.#checkpointer.committed();
      return result;
    } catch (err) {
      throw mapSqliteError(err, what, this.#file);
    }
  }

  // ---- maintenance ----

  protected _compact(): CompactResult {
    const bytesBefore = this.#diskBytes();
    const started = performance.now();
    const freePages = this.#db.pragma('freelist_count', { simple: true }) as number;
    try {
      this.#db.exec('VACUUM');
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      throw mapSqliteError(err, 'compacting (VACUUM)', this.#file);
    }
    const bytesAfter = this.#diskBytes();
    return {
      bytesBefore,
      bytesAfter,
      reclaimedBytes: Math.max(0, bytesBefore - bytesAfter),
      details: { method: 'VACUUM + wal_checkpoint(TRUNCATE)', freePagesBefore: freePages, durationMs: Math.round(performance.now() - started) },
    };
  }

  protected _stats(): EngineStats {
    const pragma = (name: string): number => this.#db.pragma(name, { simple: true }) as number;
    const walBytes = fs.statSync(`${this.#file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    return {
      engine: this.name,
      keys: this._count(),
      diskBytes: this.#diskBytes(),
      pageSize: pragma('page_size'),
      pages: pragma('page_count'),
      freePages: pragma('freelist_count'),
      walBytes,
      journalMode: String(this.#db.pragma('journal_mode', { simple: true })),
      synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][pragma('synchronous')] ?? 'unknown',
      sync: this.#sync,
      checkpoints: this.#checkpointer.count,
      library: `better-sqlite3 ${BETTER_SQLITE3_VERSION} (SQLite ${String(this.#db.prepare('SELECT sqlite_version()').pluck().get())})`,
      file: this.#file,
    };
  }

  protected _close(): void {
    this.#checkpointer.stop();
    // The last connection to close checkpoints the WAL into the database with fsync and removes it.
    this.#db.close();
  }

  /**
   * Under "interval": a passive checkpoint fsyncs the WAL (and with it every commit so far) before
   * copying pages back. If another connection keeps it busy, it throws and the next tick retries.
   */
  #checkpoint(): void {
    this.#db.pragma('wal_checkpoint(PASSIVE)');
  }

  #diskBytes(): number {
    return directorySizeSync(this.#dir);
  }
}

/**
 * Why a read-only open failed, iff it is that SQLite cannot create the -shm file that a WAL
 * database needs to be read, in a directory it may not write (a read-only mount). The file is
 * intact; opening it as immutable would need URI filenames, which better-sqlite3 leaves off.
 */
function unreadableHere(err: unknown, file: string): KvsError | undefined {
  if ((err as { code?: unknown }).code !== 'SQLITE_CANTOPEN' || !fs.existsSync(file) || writable(path.dirname(file))) return undefined;
  return new KvsError(
    ErrorCodes.UNSUPPORTED,
    `SQLite cannot read ${file} from a directory it may not write: a WAL-mode database needs its ${SQLITE_FILE}-shm file, which it cannot create there. The file itself is intact: copy the store to a writable place (or remount it read-write) to read it`,
    { cause: err, details: { file: SQLITE_FILE, path: file } },
  );
}

/** True iff this process may create files in `dir`. */
function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** True iff the database holds the kv table. */
function hasTable(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kv'").pluck().get() !== undefined;
}

function missingFile(dir: string, file: string): KvsError {
  const wal = ['-wal', '-shm'].filter((suffix) => fs.existsSync(file + suffix)).map((suffix) => SQLITE_FILE + suffix);
  return missingStoreFiles({ dir, engine: 'sqlite', library: 'SQLite', file: SQLITE_FILE, found: wal.length === 0 ? '' : wal.join(' and ') });
}

function missingTable(dir: string, file: string, db: Database.Database): KvsError {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  const size = fs.statSync(file).size;
  const empty = tables.length === 0;
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `${dir} is a sqlite store (kvs-store.json says so), but ${file} holds no kv table (${size} bytes, ${empty ? 'no tables' : `tables: ${tables.join(', ')}`}); kvs will not create an empty one over it: restore the file from a backup` +
      (empty ? `; if the store never held data (its first write was interrupted), remove ${SQLITE_FILE} and kvs-store.json to start afresh` : ''),
    { details: { dir, file: SQLITE_FILE, path: file } },
  );
}
