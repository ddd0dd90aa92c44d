/**
 * The version set: the current Version, every version still referenced by a reader, and the
 * counters recovery needs (next file number, last sequence, oldest live WAL, compaction
 * pointers). Every change goes through logAndApply: the edit is appended to the manifest and
 * fsynced, and only then does the new version become current. Single-threaded.
 */
import { ErrorCodes, KvsError } from '../../../engine/errors.js';
import { compareBytes } from '../../../util/bytes.js';
import { manifestPath } from '../file-names.js';
import { ManifestWriter } from '../manifest/manifest-writer.js';
import { readManifest } from '../manifest/manifest-reader.js';
import { emptyEdit, type FileMeta, type VersionEdit } from '../manifest/version-edit.js';
import type { LogTail } from '../wal/wal-reader.js';
import { Version } from './version.js';

export class VersionSet {
  readonly dir: string;
  readonly levelCount: number;
  current: Version;
  readonly #live = new Set<Version>();
  /** WALs numbered below this hold only flushed writes. */
  logNumber = 0;
  nextFileNumber = 1;
  /** Highest sequence number handed out; the engine advances it on every write. */
  lastSequence = 0;
  /** Per level, the largest key of the last compaction there: the next one starts after it. */
  readonly compactPointers: (Buffer | undefined)[];
  #manifest: ManifestWriter | undefined;
  /** The manifest read at open (the live one until startManifest replaces it). */
  #recoveredManifest: number | undefined;
  /** Called when a version stops being live, so the engine can delete files nobody lists. */
  onVersionDropped: () => void = () => undefined;
  /** Where the manifest read at open was cut, if it had a torn tail. */
  recoveredTail: (LogTail & { file: string }) | undefined;
  /**
   * Tables a DELETED_FILE record read intact (at open) or written by this process names: the
   * only ones cleanup may delete once no live version lists them. A table nothing names looks
   * orphaned and is moved aside instead (obsolete-files.ts).
   */
  readonly retired = new Set<number>();
  /** WALs at or above logNumber that a LOG_FILE record names: each must exist (store-files.ts). */
  readonly #namedLogs = new Set<number>();

  private constructor(dir: string, levelCount: number) {
    this.dir = dir;
    this.levelCount = levelCount;
    this.compactPointers = new Array<Buffer | undefined>(levelCount).fill(undefined);
    this.current = this.#install(Array.from({ length: levelCount }, () => []));
    this.current.ref();
  }

  /** The state recorded by the manifest CURRENT names (an empty state for a new store). Writes nothing. */
  static recover(dir: string, levelCount: number): VersionSet {
    const vs = new VersionSet(dir, levelCount);
    const contents = readManifest(dir);
    if (contents === undefined) return vs;
    let levels = vs.current.levels;
    contents.edits.forEach((edit, i) => {
      levels = applyEdit(levels, edit, levelCount, `manifest ${contents.file}, edit ${i}`);
      vs.#absorbCounters(edit);
      vs.#retire(edit);
    });
    vs.#recoveredManifest = contents.number;
    if (contents.tail !== undefined) vs.recoveredTail = { ...contents.tail, file: contents.file };
    vs.nextFileNumber = Math.max(vs.nextFileNumber, contents.number + 1);
    vs.#setCurrent(levels);
    return vs;
  }

  #absorbCounters(edit: VersionEdit): void {
    if (edit.logNumber !== undefined) this.logNumber = edit.logNumber;
    for (const n of edit.newLogs) this.#namedLogs.add(n);
    for (const n of this.#namedLogs) if (n < this.logNumber) this.#namedLogs.delete(n);
    if (edit.nextFileNumber !== undefined) this.nextFileNumber = edit.nextFileNumber;
    if (edit.lastSequence !== undefined) this.lastSequence = Math.max(this.lastSequence, edit.lastSequence);
    for (const p of edit.compactPointers) if (p.level < this.levelCount) this.compactPointers[p.level] = p.key;
  }

  #retire(edit: VersionEdit): void {
    for (const d of edit.deletedFiles) this.retired.add(d.number);
  }

  /** WALs above logNumber the manifest names (LOG_FILE), ascending. */
  get namedLogs(): number[] {
    return [...this.#namedLogs].filter((n) => n > this.logNumber).sort((a, b) => a - b);
  }

  /**
   * Records in the manifest (appended and fsynced) that WAL `number` now takes writes, so that
   * recovery knows it must exist. REQUIRES: the WAL file and its directory entry are durable.
   */
  recordLog(number: number): void {
    if (this.#manifest === undefined) throw new Error('recordLog before startManifest');
    const edit: VersionEdit = { ...emptyEdit(), newLogs: [number], nextFileNumber: this.nextFileNumber, lastSequence: this.lastSequence };
    this.#manifest.append(edit);
    this.#absorbCounters(edit);
  }

  /** Number of the manifest read at open, or undefined for a new store. */
  get recoveredManifestNumber(): number | undefined {
    return this.#recoveredManifest;
  }

  /** Number of the live manifest, or undefined before startManifest. */
  get manifestNumber(): number | undefined {
    return this.#manifest?.number;
  }

  newFileNumber(): number {
    return this.nextFileNumber++;
  }

  /** Makes `n` and every number below it used (files found on disk that the manifest did not record). */
  markFileNumberUsed(n: number): void {
    if (this.nextFileNumber <= n) this.nextFileNumber = n + 1;
  }

  /**
   * Starts a new manifest holding a snapshot of the current state plus `edit` (a writable
   * open), and points CURRENT at it. The previous manifest becomes obsolete.
   */
  startManifest(edit: VersionEdit = emptyEdit()): void {
    const levels = applyEdit(this.current.levels, edit, this.levelCount, 'a new manifest');
    this.#absorbCounters(edit);
    const number = this.newFileNumber();
    const snapshot: VersionEdit = {
      ...emptyEdit(),
      logNumber: this.logNumber,
      nextFileNumber: this.nextFileNumber,
      lastSequence: this.lastSequence,
      compactPointers: this.compactPointers.flatMap((key, level) => (key === undefined ? [] : [{ level, key }])),
      newFiles: levels.flatMap((files, level) => files.map((file) => ({ level, file }))),
      newLogs: this.namedLogs,
    };
    const previous = this.#manifest;
    this.#manifest = ManifestWriter.create(this.dir, number, snapshot);
    previous?.close();
    this.#setCurrent(levels);
  }

  /** Appends `edit` (with the current counters) to the manifest, fsyncs it, then installs the new version. */
  logAndApply(edit: VersionEdit): void {
    if (this.#manifest === undefined) throw new Error('logAndApply before startManifest');
    edit.nextFileNumber = this.nextFileNumber;
    edit.lastSequence = this.lastSequence;
    const levels = applyEdit(this.current.levels, edit, this.levelCount, 'a new edit');
    this.#manifest.append(edit);
    this.#absorbCounters(edit);
    this.#retire(edit);
    this.#setCurrent(levels);
  }

  #setCurrent(levels: readonly (readonly FileMeta[])[]): void {
    const previous = this.current;
    this.current = this.#install(levels);
    this.current.ref();
    previous.unref();
  }

  #install(levels: readonly (readonly FileMeta[])[]): Version {
    const v = new Version(levels, (dead) => {
      this.#live.delete(dead);
      this.onVersionDropped();
    });
    this.#live.add(v);
    return v;
  }

  /** Numbers of every table some live version lists. */
  liveTables(): Set<number> {
    const out = new Set<number>();
    for (const v of this.#live) for (const files of v.levels) for (const f of files) out.add(f.number);
    return out;
  }

  /** Path of the live manifest: the one being written, or (read-only) the one read at open. */
  get manifestFile(): string | undefined {
    const number = this.#manifest?.number ?? this.#recoveredManifest;
    return number === undefined ? undefined : manifestPath(this.dir, number);
  }

  close(): void {
    this.#manifest?.close();
  }
}

/** `levels` with `edit` applied; throws CORRUPTION (naming `where`) if the edit does not fit. */
export function applyEdit(levels: readonly (readonly FileMeta[])[], edit: VersionEdit, levelCount: number, where: string): FileMeta[][] {
  const bad = (why: string): KvsError => new KvsError(ErrorCodes.CORRUPTION, `${where} is inconsistent: ${why}; restore the store from a backup`, { details: { where } });
  const out = levels.map((files) => [...files]);
  for (const d of edit.deletedFiles) {
    const files = out[d.level];
    const i = files?.findIndex((f) => f.number === d.number) ?? -1;
    if (i < 0) throw bad(`it deletes table ${d.number} from level ${d.level}, which does not hold it`);
    files!.splice(i, 1);
  }
  for (const { level, file } of edit.newFiles) {
    if (!(level >= 0 && level < levelCount)) throw bad(`it adds table ${file.number} to level ${level}; this store has levels 0..${levelCount - 1} (check the levels option)`);
    out[level]!.push(file);
  }
  out[0]!.sort((a, b) => a.number - b.number);
  for (let level = 1; level < out.length; level++) {
    const files = out[level]!;
    files.sort((a, b) => compareBytes(a.smallest, b.smallest));
    for (let i = 1; i < files.length; i++) {
      if (compareBytes(files[i - 1]!.largest, files[i]!.smallest) >= 0) throw bad(`tables ${files[i - 1]!.number} and ${files[i]!.number} overlap in level ${level}`);
    }
  }
  return out;
}
