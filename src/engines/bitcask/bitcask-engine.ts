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
import { directorySizeSync, fsyncDirSync } from '../../util/fs.js';
import { GroupSync } from '../shared/group-sync.js';
import { DataFile } from './data-file.js';
import type { FileTable } from './file-table.js';
import { dataFileName, formatFileId } from './file-names.js';
import { sameEntries, writeFileSet } from './file-set.js';
import { extendHint } from './hint-coverage.js';
import { appendHintChunk, HintChunkBuilder } from './hint-writer.js';
import { BackgroundTurns } from './background-turns.js';
import type { Keydir } from './keydir.js';
import type { IndexPosition } from './ordered-index.js';
import { loadStore, type TornTail } from './load-store.js';
import { DirectoryLock, LOCK_FILE } from '../shared/dir-lock.js';
import { writeKeydirImage } from './keydir-image-writer.js';
import { mergeFiles } from './merge.js';
import { abandonMerge } from './merge-rollback.js';
import { POLICY_CHECK_BYTES, shouldMerge } from './merge-policy.js';
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

/**
 * Background work waiting for its next step gets an event-loop turn after maxFileSize / 16
 * bytes of writes, within these bounds: files seal at most every 16 turns, so hints and merges
 * keep up with rotation whatever the file size, and a turn costs a few µs per 4 KiB written at most.
 * Writes wait for a background step (an fsync) itself once it has taken maxFileSize / 4 bytes of writes.
 */
const MIN_TURN_BYTES = 4 * 1024;
const MAX_TURN_BYTES = 256 * 1024;

/** The active file's hint entries are written out as a chunk (in the background) once they reach this size. */
const HINT_CHUNK_BYTES = 1 << 20;

/** Hint entries of the active file from `from` on, recorded as records are appended (none is read back). */
interface PendingHint {
  from: number;
  builder: HintChunkBuilder;
}

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
  readonly #turns: BackgroundTurns;
  /** Sealed files not yet fsynced (under 'never'; their hint task fsyncs them). */
  readonly #unsyncedSealed = new Set<DataFile>();
  /** Hint entries of the active file not yet in a chunk; undefined read-only. */
  #activeHint: PendingHint | undefined;
  /** The active file's bytes known durable (size when its last fsync began). */
  #activeSyncedTo = 0;
  #policyCheckedAt = 0;
  /** Generation of the file set (FILESET) last written or read; each rewrite takes the next. */
  #fileSetGeneration = 0;
  /** Names of the data files the FILESET on disk lists (as of this process's last write of it). */
  #listedFiles = new Set<string>();
  /**
   * The inputs of the running merge once FILESET has marked them MERGED, until they are deleted:
   * every rewrite meanwhile (a rotation between the merge's steps) must keep them MERGED.
   */
  #mergedInputs: ReadonlySet<DataFile> | undefined;
  #mergeCount = 0;
  #mergeReclaimed = 0;
  readonly #openedInMs: number;
  readonly #onWarning: ((message: string) => void) | undefined;
  /** Data files whose keys open took from the keydir image (0: the image was missing, stale or damaged). */
  readonly #filesFromImage: number;
  /** True while the keydir image on disk still describes the store exactly: close need not rewrite it. */
  #imageCurrent: boolean;

  private constructor(dir: string, opts: EngineOpenOptions, options: BitcaskOptions, lock: DirectoryLock | undefined, started: number) {
    super(opts);
    this.#dir = dir;
    this.#options = options;
    this.#sync = opts.sync;
    this.#lock = lock;
    this.#onWarning = opts.onWarning;
    const loaded = loadStore(dir, !opts.readOnly, opts.onWarning);
    this.#keydir = loaded.keydir;
    this.#table = loaded.table;
    this.#tornTails = loaded.tornTails;
    this.#filesFromImage = loaded.filesFromImage;
    this.#imageCurrent = loaded.imageExact;
    this.#turns = new BackgroundTurns(Math.min(MAX_TURN_BYTES, Math.max(MIN_TURN_BYTES, options.maxFileSize >>> 4)), options.maxFileSize >>> 2);
    this.#groupSync = new GroupSync(async () => {
      const file = this.#active!;
      const size = file.size;
      await file.fsyncAsync();
      if (file === this.#active && size > this.#activeSyncedTo) this.#activeSyncedTo = size;
    });
    if (!opts.readOnly) {
      const last = this.#table.files.at(-1);
      this.#active = last !== undefined && last.id.minor === 0 ? last : this.#newActiveFile();
      // Recovery hints what it scans, so this re-reads nothing unless recovery left a gap.
      if (this.#active.hintCovered < this.#active.size) extendHint(this.#active, true);
      this.#activeHint = { from: this.#active.hintCovered, builder: new HintChunkBuilder() };
      this.#fileSetGeneration = loaded.fileSet?.generation ?? 0;
      this.#listedFiles = new Set(loaded.fileSet?.entries.map((e) => dataFileName(e.id)));
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
   * Walks the keydir's ordered index from the range's first key: O(log n) to seek, then O(1)
   * per entry. Each value is read when the scan reaches its key, so it is the latest. A write
   * between two steps (the index's version changes) makes the scan re-seek just after the last
   * key it yielded, so inserts and deletes ahead of it are seen and none behind it are.
   */
  protected *_scan(range: KeyRange): Iterable<[Buffer, Buffer]> {
    const kd = this.#keydir;
    const index = kd.ordered();
    const seek = (r: KeyRange): IndexPosition | undefined =>
      r.reverse ? index.seekBackward(r.upper?.key, r.upper?.inclusive ?? true) : index.seekForward(r.lower?.key, r.lower?.inclusive ?? true);
    let remaining = range.limit;
    let current = range;
    let pos = seek(current);
    let version = index.version;
    while (remaining > 0) {
      if (index.version !== version) {
        pos = seek(current);
        version = index.version;
      }
      if (pos === undefined) return;
      const h = index.handleAt(pos);
      const view = kd.keyView(h);
      if (!inRange(current, view)) return; // past the far bound
      const key = Buffer.from(view);
      const value = this.#table.byIndex(kd.fileId(h)).readValue(kd.offset(h), key.length, kd.valueSize(h));
      yield [key, value];
      remaining--;
      current = resumeAfter(current, key);
      pos = index.version === version ? index.step(pos, range.reverse) : undefined;
    }
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
    this.#activeHint!.builder.add(ts, flags, key, value.length, offset);
    this.#turns.wrote(size);
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
    const hint = this.#activeHint!.builder;
    ops.forEach((op, i) => {
      const valueSize = op.type === 'set' ? op.value.length : 0;
      const flags = op.type === 'delete' ? FLAG_TOMBSTONE : 0;
      this.#table.apply(file, op.key, offset, valueSize, flags, ts);
      hint.add(ts, flags, op.key, valueSize, offset); // committed once appended: no batch flag in a hint
      offset += sizes[i]!;
    });
    this.#turns.wrote(total);
    return this.#afterWrite();
  }

  /** The active file, rotated first if `incoming` more bytes would overflow it. */
  #fileFor(incoming: number): DataFile {
    const active = this.#active!;
    if (active.size === 0 || active.size + incoming <= this.#options.maxFileSize) return active;
    return this.#rotate();
  }

  /**
   * Seals the active file and starts a new one. The sealed file's hint is the entries recorded
   * as its records were appended: it is written in the background (after an fsync if the file
   * is not yet durable), and the file is never read back. Under 'always' and 'interval' the
   * sealed file is fsynced here, since writers waiting on the group sync wrote to it.
   */
  #rotate(): DataFile {
    const sealed = this.#active!;
    if (this.#sync !== 'never' && this.#activeSyncedTo < sealed.size) this.#syncActiveNow();
    let next: DataFile;
    try {
      next = this.#newActiveFile();
    } catch (err) {
      throw ioError(`could not start a new data file in ${this.#dir}`, err);
    }
    try {
      this.#saveFileSet(next); // records the sealed length before anything is appended to the new file
    } catch (err) {
      this.#table.delete(next);
      next.remove(); // empty, and never listed: the sealed file stays the active one
      throw ioError(`could not start data file ${next.name} (the file set was not updated)`, err);
    }
    // The new file is listed: from here on nothing can fail, and `sealed` is sealed at its length.
    const pending = this.#takeActiveHint();
    const durable = this.#activeSyncedTo >= sealed.size;
    if (!durable) this.#unsyncedSealed.add(sealed);
    this.#unsynced = false;
    this.#active = next;
    this.#activeSyncedTo = 0;
    this.#activeHint = { from: 0, builder: new HintChunkBuilder() };
    if (pending !== undefined) this.#inBackground(() => this.#writeHintChunk(sealed, pending, durable));
    this.#maybeMerge();
    return this.#active;
  }

  /** The active file's recorded hint entries as a chunk to append, or undefined iff there are none; starts a new pending hint. */
  #takeActiveHint(): { from: number; to: number; chunk: Buffer } | undefined {
    const active = this.#active!;
    const pending = this.#activeHint!;
    if (pending.builder.entryCount === 0) return undefined;
    const taken = { from: pending.from, to: active.size, chunk: pending.builder.finish(active.size) };
    this.#activeHint = { from: active.size, builder: new HintChunkBuilder() };
    return taken;
  }

  /**
   * Appends a chunk of `file`'s hint, in the background. Skipped if the file was merged away, or
   * if an earlier chunk was not written (a chunk must start where the hint's coverage ends; the
   * gap is then scanned at close or at the next open). The fsync of the hint is not needed: the
   * data it covers is durable first, and a chunk that does not reach the disk fails its CRC.
   */
  async #writeHintChunk(file: DataFile, pending: { from: number; to: number; chunk: Buffer }, durable: boolean): Promise<void> {
    const current = (): boolean => this.#table.byIndex(file.index) === file && file.hintCovered === pending.from;
    if (!current()) return;
    if (!durable) {
      await this.#fsyncInBackground(file);
      if (!current()) return;
    }
    // Without an fsync this is a plain write of at most ~1 MiB to the page cache: done in place.
    appendHintChunk(file.hintPath, file.hintLength, pending.chunk, false);
    file.hintLength += pending.chunk.length;
    file.hintCovered = pending.to;
  }

  /** fsyncs `file` off the event loop; a failure stops writes (the page cache may have dropped them). */
  async #fsyncInBackground(file: DataFile): Promise<void> {
    const size = file.size;
    try {
      await this.#turns.wait(file.fsyncAsync());
    } catch (err) {
      this.#fatal ??= err;
      throw ioError(`fsync of ${file.path} failed`, err);
    }
    if (file === this.#active) {
      if (size > this.#activeSyncedTo) this.#activeSyncedTo = size;
    } else if (file.size === size) {
      this.#unsyncedSealed.delete(file);
    }
  }

  /** Rewrites FILESET from the file table: `active` ACTIVE, `merged` MERGED, every other published file SEALED. */
  #saveFileSet(active = this.#active, merged = this.#mergedInputs): void {
    const entries = this.#table.fileSetEntries(active, merged);
    writeFileSet(this.#dir, { generation: ++this.#fileSetGeneration, entries });
    this.#listedFiles = new Set(entries.map((e) => dataFileName(e.id)));
  }

  #newActiveFile(): DataFile {
    this.#imageCurrent = false;
    const last = this.#table.files.at(-1);
    const file = DataFile.create(this.#dir, { major: (last?.id.major ?? 0) + 1, minor: 0 }, this.#table.nextIndex);
    this.#table.add(file);
    fsyncDirSync(this.#dir);
    return file;
  }

  #append(file: DataFile, chunks: Buffer[]): void {
    this.#imageCurrent = false;
    try {
      file.append(chunks);
    } catch (err) {
      if (err instanceof KvsError && err.details.fatal === true) this.#fatal ??= err;
      throw err;
    }
  }

  /**
   * After every write: hands a full pending hint chunk to the background, asks the merge policy
   * every POLICY_CHECK_BYTES (overwrites make sealed bytes dead without a rotation), and gives
   * background work a turn of the event loop if it has waited too long (background-turns.ts).
   */
  #afterWrite(): Promise<void> | undefined {
    if (this.#activeHint!.builder.byteLength >= HINT_CHUNK_BYTES) {
      const file = this.#active!;
      const pending = this.#takeActiveHint()!;
      const durable = this.#activeSyncedTo >= pending.to;
      this.#inBackground(() => this.#writeHintChunk(file, pending, durable));
    }
    if (this.#turns.written - this.#policyCheckedAt >= POLICY_CHECK_BYTES) {
      this.#policyCheckedAt = this.#turns.written;
      this.#maybeMerge();
    }
    if (this.#sync === 'always') return this.#fsync();
    this.#unsynced = true;
    return this.#turns.share();
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
      const size = active.size;
      active.fsync();
      this.#activeSyncedTo = size;
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

  /**
   * fsyncs every file but `inputs` (off the event loop): before a merge deletes its inputs, the
   * files sealed during the merge and the active file hold the only copies of what overwrote them.
   */
  async #syncNewerThan(inputs: readonly DataFile[]): Promise<void> {
    const doomed = new Set(inputs);
    for (const file of [...this.#unsyncedSealed]) {
      if (!doomed.has(file) && this.#table.byIndex(file.index) === file) await this.#fsyncInBackground(file);
    }
    const active = this.#active!;
    if (this.#activeSyncedTo < active.size) await this.#fsyncInBackground(active);
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
      this.#imageCurrent = false;
      let listed = false;
      const beforeDelete = async (): Promise<void> => {
        await this.#syncNewerThan(sealed);
        const merged = new Set(sealed);
        this.#saveFileSet(this.#active, merged); // the outputs replace the inputs from here on
        this.#mergedInputs = merged;
        listed = true;
      };
      let result: Awaited<ReturnType<typeof mergeFiles>>;
      try {
        result = await mergeFiles(this.#dir, this.#table, sealed, major, firstMinor, this.#options.maxFileSize, this.#turns, beforeDelete);
      } catch (err) {
        // No FILESET lists the outputs: the inputs still hold everything, so give the outputs'
        // space back now. Outputs a rotation has listed SEALED meanwhile (they are published
        // before beforeDelete) are complete: they stay, and the next merge takes them as inputs.
        const outputs = this.#table.files.filter((f) => f.id.major === major && f.id.minor >= firstMinor);
        if (!listed && !outputs.some((f) => this.#listedFiles.has(f.name))) await abandonMerge(this.#table, sealed, outputs).catch(() => undefined); // leftovers are removed at the next open
        throw err;
      } finally {
        this.#mergedInputs = undefined; // deleted (or, after a failure, still present on disk)
      }
      try {
        this.#saveFileSet(); // drops the deleted inputs; if this fails, their MERGED entries are harmless until the next rewrite
      } catch (err) {
        this.#lastBackgroundError = err;
      }
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
      filesFromKeydirImage: this.#filesFromImage,
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

  /**
   * Hints the active file at close (it is durable already): the recorded entries, or a scan of
   * the gap an unwritten chunk left. On a full disk the hint, only a shortcut for the next open,
   * is given up, so close still succeeds.
   */
  #coverActive(active: DataFile): void {
    try {
      const pending = this.#activeHint!;
      if (pending.from === active.hintCovered && pending.builder.entryCount > 0) {
        const chunk = pending.builder.finish(active.size);
        appendHintChunk(active.hintPath, active.hintLength, chunk, false);
        active.hintLength += chunk.length;
        active.hintCovered = active.size;
      } else if (active.hintCovered < active.size) {
        extendHint(active, true); // an earlier chunk was not written: scan the gap
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOSPC' && code !== 'EDQUOT') throw err;
    }
  }

  protected async _close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    try {
      if (this.#merging !== undefined) await this.#merging.catch(() => undefined);
      await this.#background;
      await this.#groupSync.idle();
      const active = this.#active;
      if (active !== undefined && this.#fatal === undefined) {
        // Durable first (one fsync, skipped iff the group sync already covered every byte),
        // then the recorded hint entries, so the next open reads no values. The hint needs no
        // fsync of its own (see #writeHintChunk): a `kvs set` under 'always' costs one fsync.
        if (this.#activeSyncedTo < active.size) this.#syncActiveNow();
        this.#coverActive(active);
        for (const file of this.#unsyncedSealed) if (this.#table.byIndex(file.index) === file) file.fsync();
        this.#unsyncedSealed.clear();
        // Every file is durable to its length now, so the image may say it covers them. An image
        // that still describes the store exactly (nothing written since open) is left as it is.
        const failed = this.#imageCurrent ? undefined : writeKeydirImage(this.#dir, this.#keydir, this.#table.files);
        if (failed !== undefined) this.#onWarning?.(failed);
      }
      this.#throwIfBroken(); // after a failed fsync, acknowledged writes may not be durable: say so
    } finally {
      for (const file of this.#table.files) file.close();
      this.#lock?.release();
    }
  }
}
