/**
 * The Bitcask engine (Sheehy & Smith, 2010): an append-only log of records in data files and
 * an in-memory keydir from each key to its latest record, so a get is one disk read.
 * Coordinates the pieces: lock, recovery (load-store), appends and rotation, sync policy,
 * hints, and merges (policy in merge-policy, mechanism in merge).
 *
 * Concurrency: all reads and appends are synchronous, so each call's effect is visible to
 * the next one and a merge never races a read. Only fsync and merges are asynchronous.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, ioError, KvsError } from '../../engine/errors.js';
import { inRange, resumeAfter, type KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineOpenOptions, EngineStats, Supports, SyncPolicy } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { BoundedHeap } from '../../util/bounded-heap.js';
import { compareBytes } from '../../util/bytes.js';
import { directorySizeSync, fsyncDirSync } from '../../util/fs.js';
import { GroupSync } from '../shared/group-sync.js';
import { DataFile } from './data-file.js';
import type { FileTable } from './file-table.js';
import { formatFileId } from './file-names.js';
import { sameEntries, writeFileSet } from './file-set.js';
import { extendHint } from './hint-coverage.js';
import type { Keydir } from './keydir.js';
import { loadStore, type TornTail } from './load-store.js';
import { DirectoryLock, LOCK_FILE } from '../shared/dir-lock.js';
import { mergeFiles } from './merge.js';
import { abandonMerge } from './merge-rollback.js';
import { shouldMerge } from './merge-policy.js';
import { parseOptions, type BitcaskOptions } from './options.js';
import { encodeHeaderAndKey, encodeRecord, FLAG_BATCH_CONTINUES, FLAG_TOMBSTONE, nowSeconds, recordSize } from './record-format.js';

export const bitcaskSupports: Supports = {
  persistent: true,
  orderedScan: true,
  atomicBatch: true,
  syncPolicies: ['always', 'interval', 'never'],
  compaction: true,
  directory: true,
};

/** Values up to this size are copied next to their header so the record is one write. */
const INLINE_VALUE_BYTES = 16 * 1024;

const EMPTY = Buffer.alloc(0);

export class BitcaskEngine extends BaseEngine {
  readonly name = 'bitcask';
  readonly supports = bitcaskSupports;
  readonly #dir: string;
  readonly #options: BitcaskOptions;
  readonly #sync: SyncPolicy;
  readonly #table: FileTable;
  readonly #keydir: Keydir;
  readonly #lock: DirectoryLock | undefined;
  readonly #tornTails: TornTail[];
  readonly #groupSync: GroupSync;
  #active: DataFile | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsynced = false;
  /** Background work (sealing hints, merges) runs one task at a time on this chain. */
  #background: Promise<void> = Promise.resolve();
  #merging: Promise<CompactResult> | undefined;
  /** A failed fsync or an unremovable partial write: the log can no longer be trusted to be durable, so writes stop. */
  #fatal: unknown;
  /** The last failure of background work (hint sealing, automatic merge); the store stays usable. */
  #lastBackgroundError: unknown;
  /** Generation of the file set (FILESET) last written or read; each rewrite takes the next. */
  #fileSetGeneration = 0;
  #mergeCount = 0;
  #mergeReclaimed = 0;
  readonly #openedInMs: number;

  private constructor(dir: string, opts: EngineOpenOptions, options: BitcaskOptions, lock: DirectoryLock | undefined, started: number) {
    super(opts);
    this.#dir = dir;
    this.#options = options;
    this.#sync = opts.sync;
    this.#lock = lock;
    const loaded = loadStore(dir, !opts.readOnly, opts.onWarning);
    this.#keydir = loaded.keydir;
    this.#table = loaded.table;
    this.#tornTails = loaded.tornTails;
    this.#groupSync = new GroupSync(() => this.#active!.fsyncAsync());
    if (!opts.readOnly) {
      const last = this.#table.files.at(-1);
      this.#active = last !== undefined && last.id.minor === 0 ? last : this.#newActiveFile();
      this.#fileSetGeneration = loaded.fileSet?.generation ?? 0;
      if (loaded.fileSet === undefined || !sameEntries(loaded.fileSet.entries, this.#table.fileSetEntries(this.#active))) this.#saveFileSet();
      if (opts.sync === 'interval') {
        this.#timer = setInterval(() => this.#intervalSync(), opts.syncIntervalMs);
        this.#timer.unref();
      }
      this.#maybeMerge();
    }
    this.#openedInMs = performance.now() - started;
  }

  static open(opts: EngineOpenOptions): BitcaskEngine {
    const started = performance.now();
    const options = parseOptions(opts.options);
    const lock = opts.readOnly ? undefined : DirectoryLock.acquire(opts.dir);
    try {
      return new BitcaskEngine(opts.dir, opts, options, lock, started);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  // ---- reads ----

  protected _get(key: Buffer): Buffer | undefined {
    const kd = this.#keydir;
    const h = kd.find(key);
    if (h < 0) return undefined;
    return this.#table.byIndex(kd.fileId(h)).readValue(kd.offset(h), key.length, kd.valueSize(h));
  }

  protected override _has(key: Buffer): boolean {
    return this.#keydir.find(key) >= 0;
  }

  /**
   * The keydir is a hash table, so a scan first selects the keys in range in scan order: all of
   * them sorted (O(m log m) for m keys in range), or with a limit only the first `limit` through a
   * bounded heap (O(n log limit), keys copied only when kept). Values are read as the scan
   * advances and reflect the latest write. A selected key deleted meanwhile is skipped, and a
   * limited selection is then topped up from the keys after it.
   */
  protected *_scan(range: KeyRange): Iterable<[Buffer, Buffer]> {
    let remaining = range.limit;
    let current = range;
    for (;;) {
      const { keys, complete } = this.#selectKeys(current, remaining);
      let skipped = false;
      for (const key of keys) {
        const value = this._get(key);
        if (value === undefined) {
          skipped = true;
          continue;
        }
        yield [key, value];
        if (--remaining === 0) return;
      }
      if (!skipped || complete) return;
      current = resumeAfter(current, keys.at(-1)!);
    }
  }

  /** Up to `limit` keys in `range`, in scan order; complete iff no key in range was left out. */
  #selectKeys(range: KeyRange, limit: number): { keys: Buffer[]; complete: boolean } {
    const kd = this.#keydir;
    const order = range.reverse ? (a: Uint8Array, b: Uint8Array) => compareBytes(b, a) : compareBytes;
    if (limit >= kd.size) {
      const keys: Buffer[] = [];
      kd.forEach((h) => {
        const key = kd.keyView(h);
        if (inRange(range, key)) keys.push(Buffer.from(key));
      });
      return { keys: keys.sort(order), complete: true };
    }
    const heap = new BoundedHeap<Buffer>(limit, order);
    let inRangeCount = 0;
    kd.forEach((h) => {
      const key = kd.keyView(h);
      if (!inRange(range, key)) return;
      inRangeCount++;
      if (heap.wouldKeep(key, order)) heap.push(Buffer.from(key));
    });
    return { keys: heap.drainSorted(), complete: inRangeCount <= limit };
  }

  protected _count(): number {
    return this.#keydir.size;
  }

  // ---- writes ----

  protected _set(key: Buffer, value: Buffer): Promise<void> | undefined {
    this.#throwIfBroken();
    this.#appendRecord(key, value, 0);
    return this.#afterWrite();
  }

  protected _delete(key: Buffer): Promise<boolean> | boolean {
    this.#throwIfBroken();
    if (this.#keydir.find(key) < 0) return false;
    this.#appendRecord(key, EMPTY, FLAG_TOMBSTONE);
    const synced = this.#afterWrite();
    return synced === undefined ? true : synced.then(() => true);
  }

  /** Appends one record to the active file and applies it to the keydir. */
  #appendRecord(key: Buffer, value: Buffer, flags: number): void {
    const ts = nowSeconds();
    const size = recordSize(key.length, value.length);
    const file = this.#fileFor(size);
    const offset = file.size;
    if (value.length <= INLINE_VALUE_BYTES) {
      const record = Buffer.allocUnsafe(size);
      encodeRecord(record, 0, key, value, flags, ts);
      this.#append(file, [record]);
    } else {
      this.#append(file, [encodeHeaderAndKey(key, value, flags, ts), value]);
    }
    this.#table.apply(file, key, offset, value.length, flags, ts);
  }

  /** One append for the whole batch; every record but the last says more follow, so recovery applies all or none. */
  protected _batch(ops: CheckedOp[]): Promise<void> | undefined {
    this.#throwIfBroken();
    const ts = nowSeconds();
    const sizes = ops.map((op) => recordSize(op.key.length, op.type === 'set' ? op.value.length : 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    const file = this.#fileFor(total);
    const start = file.size;
    const buf = Buffer.allocUnsafe(total);
    let at = 0;
    ops.forEach((op, i) => {
      const flags = (op.type === 'delete' ? FLAG_TOMBSTONE : 0) | (i < ops.length - 1 ? FLAG_BATCH_CONTINUES : 0);
      at = encodeRecord(buf, at, op.key, op.type === 'set' ? op.value : EMPTY, flags, ts);
    });
    this.#append(file, [buf]);
    let offset = start;
    ops.forEach((op, i) => {
      this.#table.apply(file, op.key, offset, op.type === 'set' ? op.value.length : 0, op.type === 'delete' ? FLAG_TOMBSTONE : 0, ts);
      offset += sizes[i]!;
    });
    return this.#afterWrite();
  }

  /** The active file, rotated first if `incoming` more bytes would overflow it. */
  #fileFor(incoming: number): DataFile {
    const active = this.#active!;
    if (active.size === 0 || active.size + incoming <= this.#options.maxFileSize) return active;
    return this.#rotate();
  }

  #rotate(): DataFile {
    const sealed = this.#active!;
    this.#syncActiveNow(); // writers waiting on the group sync wrote to this file: cover them now
    this.#unsynced = false;
    const next = this.#newActiveFile();
    try {
      this.#saveFileSet(next); // records the sealed length before anything is appended to the new file
    } catch (err) {
      this.#table.delete(next);
      next.remove(); // empty, and never listed: the sealed file stays the active one
      throw ioError(`could not start data file ${next.name} (the file set was not updated)`, err);
    }
    this.#active = next;
    this.#inBackground(() => {
      if (sealed.hintCovered < sealed.size) extendHint(sealed, true);
    });
    this.#maybeMerge();
    return this.#active;
  }

  /** Rewrites FILESET from the file table: `active` ACTIVE, `merged` MERGED, every other published file SEALED. */
  #saveFileSet(active = this.#active, merged?: ReadonlySet<DataFile>): void {
    writeFileSet(this.#dir, { generation: ++this.#fileSetGeneration, entries: this.#table.fileSetEntries(active, merged) });
  }

  #newActiveFile(): DataFile {
    const last = this.#table.files.at(-1);
    const file = DataFile.create(this.#dir, { major: (last?.id.major ?? 0) + 1, minor: 0 }, this.#table.nextIndex);
    this.#table.add(file);
    fsyncDirSync(this.#dir);
    return file;
  }

  #append(file: DataFile, chunks: Buffer[]): void {
    try {
      file.append(chunks);
    } catch (err) {
      if (err instanceof KvsError && err.details.fatal === true) this.#fatal ??= err;
      throw err;
    }
  }

  #afterWrite(): Promise<void> | undefined {
    if (this.#sync === 'always') return this.#fsync();
    this.#unsynced = true;
    return undefined;
  }

  /** Group-committed fsync of the active file; a failure stops all further writes (the page cache may have dropped them). */
  #fsync(): Promise<void> {
    return this.#groupSync.request().catch((err: unknown) => {
      this.#fatal ??= err;
      throw ioError(`fsync of ${this.#active?.path ?? this.#dir} failed`, err);
    });
  }

  /** fsyncs the active file now (before a merge deletes inputs whose keys were overwritten there). */
  #syncActiveNow(): void {
    const active = this.#active!;
    try {
      active.fsync();
    } catch (err) {
      this.#fatal ??= err;
      throw ioError(`fsync of ${active.path} failed`, err);
    }
  }

  #intervalSync(): void {
    if (!this.#unsynced || this.#active === undefined) return;
    this.#unsynced = false;
    this.#fsync().catch(() => undefined); // recorded in #fatal; the next write reports it
  }

  #throwIfBroken(): void {
    if (this.#fatal !== undefined) {
      const reason = this.#fatal instanceof Error ? this.#fatal.message : String(this.#fatal);
      throw new KvsError(ErrorCodes.IO_ERROR, `the bitcask store at ${this.#dir} stopped accepting writes after a failed write or fsync (${reason}); close and reopen it to recover`, {
        cause: this.#fatal,
      });
    }
  }

  // ---- merge ----

  #inBackground(task: () => void | Promise<unknown>): Promise<void> {
    const run = this.#background.then(task).then(
      () => undefined,
      (err: unknown) => {
        this.#lastBackgroundError = err;
      },
    );
    this.#background = run;
    return run;
  }

  #sealedSpace(): { sealed: DataFile[]; sealedBytes: number; sealedDeadBytes: number } {
    const sealed = this.#table.files.filter((f) => f !== this.#active);
    return {
      sealed,
      sealedBytes: sealed.reduce((s, f) => s + f.size, 0),
      sealedDeadBytes: sealed.reduce((s, f) => s + f.deadBytes, 0),
    };
  }

  #maybeMerge(): void {
    if (this.#merging === undefined && shouldMerge(this.#sealedSpace(), this.#options)) {
      this.#merge().catch(() => undefined); // recorded by #inBackground, shown in stats
    }
  }

  /** Merges every sealed file; one merge at a time. */
  #merge(): Promise<CompactResult> {
    if (this.#merging !== undefined) return this.#merging;
    const run = (async (): Promise<CompactResult> => {
      await this.#background; // hints of freshly sealed files first
      const started = performance.now();
      const bytesBefore = this.#diskBytes();
      const { sealed, sealedDeadBytes } = this.#sealedSpace();
      if (sealed.length === 0 || sealedDeadBytes === 0) {
        return { bytesBefore, bytesAfter: bytesBefore, reclaimedBytes: 0, details: { filesMerged: 0, filesWritten: 0, durationMs: 0 } };
      }
      const major = this.#active!.id.major - 1;
      const firstMinor = 1 + Math.max(0, ...this.#table.files.filter((f) => f.id.major === major).map((f) => f.id.minor));
      let listed = false;
      const beforeDelete = (): void => {
        this.#syncActiveNow();
        this.#saveFileSet(this.#active, new Set(sealed)); // the outputs replace the inputs from here on
        listed = true;
      };
      let result: Awaited<ReturnType<typeof mergeFiles>>;
      try {
        result = await mergeFiles(this.#dir, this.#table, sealed, major, firstMinor, this.#options.maxFileSize, beforeDelete);
      } catch (err) {
        // Not yet listed: the inputs still hold everything, so give the outputs' space back now.
        const outputs = this.#table.files.filter((f) => f.id.major === major && f.id.minor >= firstMinor);
        if (!listed) await abandonMerge(this.#table, sealed, outputs).catch(() => undefined); // leftovers are removed at the next open
        throw err;
      }
      this.#saveFileSet();
      const bytesAfter = this.#diskBytes();
      const reclaimedBytes = Math.max(0, bytesBefore - bytesAfter);
      this.#mergeCount++;
      this.#mergeReclaimed += reclaimedBytes;
      return {
        bytesBefore,
        bytesAfter,
        reclaimedBytes,
        details: {
          filesMerged: result.inputFiles,
          filesWritten: result.outputFiles,
          recordsCopied: result.recordsCopied,
          durationMs: Math.round(performance.now() - started),
        },
      };
    })();
    this.#merging = run;
    const done = run.finally(() => {
      this.#merging = undefined;
    });
    void this.#inBackground(() => done);
    return run;
  }

  /**
   * Merges everything, the active file included. bytesBefore and bytesAfter are the store's
   * size (stats().diskBytes) when called and when done, so they match what stats shows either
   * side, whatever sealing, hint writing or an automatic merge happened in between. A store
   * without dead bytes is left as it is: sealing its active file would only add a hint.
   */
  protected async _compact(): Promise<CompactResult> {
    this.#throwIfBroken();
    const bytesBefore = this.#diskBytes();
    if (this.#merging !== undefined) await this.#merging.catch(() => undefined);
    let details: CompactResult['details'] = { filesMerged: 0, filesWritten: 0, durationMs: 0 };
    if (this.#table.files.some((f) => f.deadBytes > 0)) {
      if (this.#active!.size > 0) this.#rotate();
      details = (await this.#merge()).details;
    }
    const bytesAfter = this.#diskBytes();
    return { bytesBefore, bytesAfter, reclaimedBytes: Math.max(0, bytesBefore - bytesAfter), details };
  }

  /** Bytes of the store's files: the directory without LOCK, which exists only while a writer has the store open. */
  #diskBytes(): number {
    const lock = fs.statSync(path.join(this.#dir, LOCK_FILE), { throwIfNoEntry: false });
    return directorySizeSync(this.#dir) - (lock?.isFile() === true ? lock.size : 0);
  }

  // ---- stats and close ----

  protected _stats(): EngineStats {
    const files = this.#table.files;
    const liveBytes = files.reduce((s, f) => s + f.liveBytes, 0);
    const dataBytes = this.#table.dataBytes;
    const keys = this.#keydir.size;
    return {
      engine: this.name,
      keys,
      diskBytes: this.#diskBytes(),
      liveBytes,
      deadBytes: dataBytes - liveBytes,
      dataFiles: files.length,
      // Read-only, nothing is appended: the newest ordinary file is the one a writer would continue.
      activeFile: (this.#active ?? files.findLast((f) => f.id.minor === 0))?.name ?? null,
      keydirBytes: this.#keydir.memoryBytes,
      keydirBytesPerKey: keys === 0 ? 0 : Math.round(this.#keydir.memoryBytes / keys),
      syncPolicy: this.#sync,
      maxFileSize: this.#options.maxFileSize,
      mergesSinceOpen: this.#mergeCount,
      mergeReclaimedBytesSinceOpen: this.#mergeReclaimed,
      mergePolicy: this.#options.autoMerge
        ? `when dead bytes >= ${this.#options.mergeDeadRatio * 100}% of sealed files and >= ${this.#options.mergeMinDeadBytes} bytes`
        : 'off (compact only)',
      fsyncsSinceOpen: this.#groupSync.count,
      openMs: Math.round(this.#openedInMs * 10) / 10,
      lastBackgroundError: this.#lastBackgroundError === undefined ? null : String((this.#lastBackgroundError as Error).message ?? this.#lastBackgroundError),
      tornTailsCut: this.#tornTails.map((t) => ({ file: t.file, offset: t.offset, bytes: t.bytes })),
      files: files.map((f) => ({
        file: f.name,
        id: formatFileId(f.id),
        bytes: f.size,
        liveBytes: f.liveBytes,
        deadBytes: f.deadBytes,
        hinted: f.hintCovered === f.size,
      })),
    };
  }

  protected async _close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    try {
      if (this.#merging !== undefined) await this.#merging.catch(() => undefined);
      await this.#background;
      await this.#groupSync.idle();
      const active = this.#active;
      if (active !== undefined && this.#fatal === undefined) {
        // Covers the active file with a hint (which fsyncs it first), so the next open reads no values.
        if (active.hintCovered < active.size) extendHint(active, true);
        else active.fsync();
      }
      this.#throwIfBroken(); // after a failed fsync, acknowledged writes may not be durable: say so
    } finally {
      for (const file of this.#table.files) file.close();
      this.#lock?.release();
    }
  }
}
