/**
 * Opening a store, in LevelDB's recovery order (docs/formats/lsm.md, "Recovery order"):
 *   1. CURRENT names the manifest; its edits rebuild the version set. A damaged last edit is
 *      taken for a torn tail only if nothing shows it was acted on (store-files.ts);
 *   2. every table the version lists, and the WAL its log number names, must exist;
 *   3. the WALs numbered at or after the log number are replayed, oldest first, into a memtable;
 *      only the newest WAL holding records may end in a torn tail, which is never applied;
 *   4. a writable open keeps those WALs (no flush: a store that filled its disk reopens without
 *      the space of a table), cuts the torn tail off the newest and appends to it, then writes a
 *      fresh manifest and points CURRENT at it.
 * A read-only open stops after step 3 and writes nothing; beside a live writer, which may retire
 * files meanwhile, it starts over (bounded) whenever a file it expected has gone and the
 * manifest has changed since it looked (readStoreFiles, MissingFile).
 * Concurrency: one caller per directory for writable opens (the LOCK); read-only opens anywhere.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { fsyncDirSync } from '../../util/fs.js';
import { logPath } from './file-names.js';
import { emptyEdit } from './manifest/version-edit.js';
import { Memtable } from './memtable/memtable.js';
import type { LsmOptions } from './options.js';
import type { StoreState } from './store-state.js';
import { MissingFile } from './missing-file.js';
import { manifestIdentity, readStoreFiles, type StoreFiles } from './store-files.js';
import type { VersionSet } from './version/version-set.js';
import type { TailKind } from './wal/wal-reader.js';
import { LogWriter } from './wal/wal-writer.js';

export interface TornTail {
  file: string;
  offset: number;
  bytes: number;
  reason: string;
  kind: TailKind;
}

const KINDS: Record<TailKind, string> = {
  checksum: 'the last record fails its checksum',
  incomplete: 'the last record is incomplete',
  invalid: 'the last record is malformed',
};

/**
 * The warning for a WAL or manifest tail recovery did not keep: what was dropped, where, and
 * why. A writable open replaces the file without the tail; a read-only one only skips it.
 */
export function describeTornTail(tail: TornTail, readOnly: boolean): string {
  const what = readOnly
    ? `skipped ${tail.bytes} bytes at the end of ${tail.file} (the next writable open cuts them)`
    : `cut ${tail.bytes} bytes off the end of ${tail.file}`;
  const holds = tail.file.startsWith('MANIFEST') ? 'the store keeps every version edit before it' : 'the store holds every write before it';
  return `${what} at offset ${tail.offset}: ${KINDS[tail.kind]} (${tail.reason}; a write interrupted by a crash); ${holds}`;
}

export interface Recovered {
  vs: VersionSet;
  mem: Memtable;
  /** The WAL new writes go to (undefined when read-only). */
  wal: LogWriter | undefined;
  tornTails: TornTail[];
}

/** Read-only opens start over at most this many times when a live writer retires files under them. */
export const READ_RETRIES = 20;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens the store in `dir` (see above) and hands the result to `attach`, which may open files the
 * version lists (a read-only open pins every table that way); `onWarning` hears of each torn tail
 * dropped. A file missing for good is CORRUPTION naming it; never a raw ENOENT.
 */
export async function recover<T>(dir: string, options: LsmOptions, readOnly: boolean, onWarning: ((message: string) => void) | undefined, attach: (r: Recovered) => T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const before = manifestIdentity(dir);
    let files: StoreFiles | undefined;
    try {
      files = readStoreFiles(dir, options.levels);
      const recovered = readOnly ? readOnlyState(files) : openForWriting(dir, files);
      const result = attach(recovered);
      if (onWarning !== undefined) for (const tail of recovered.tornTails) warn(onWarning, describeTornTail(tail, readOnly));
      return result;
    } catch (err) {
      files?.vs.close();
      const missing = MissingFile.of(err);
      if (missing === undefined) throw err;
      // Only a writer can retire files, and a writer appends to the manifest (or replaces it)
      // before it deletes anything: an unchanged manifest means the file is gone for good.
      const settled = manifestIdentity(dir) === before;
      if (!readOnly || settled) throw missing.corruption(readOnly ? { attempts: attempt, settled } : undefined);
      if (attempt >= READ_RETRIES) {
        // The manifest changed under every attempt: a live writer retires files faster than this
        // open can read them. Nothing is shown to be damaged, so this is no CORRUPTION.
        throw new KvsError(
          ErrorCodes.LOCKED,
          `${dir} is being changed by a live writer faster than a read-only open can follow (${attempt} attempts; ${missing.file} was retired meanwhile); nothing is damaged: retry, or read through the writer (a kvs server: --addr)`,
          { details: { attempts: attempt, file: missing.file } },
        );
      }
      await delay(Math.min(50, 2 * attempt));
    }
  }
}

function warn(onWarning: (message: string) => void, message: string): void {
  try {
    onWarning(message);
  } catch {
    // a listener's failure is not the store's
  }
}

function readOnlyState(files: StoreFiles): Recovered {
  return { vs: files.vs, mem: files.mem, wal: undefined, tornTails: files.tornTails };
}

/**
 * Keeps the replayed WALs and appends to the newest (its torn tail cut first), or starts WAL 1
 * of a new store; then a new manifest records the state, the log number unchanged.
 */
function openForWriting(dir: string, files: StoreFiles): Recovered {
  const { vs } = files;
  const edit = emptyEdit();
  let wal: LogWriter | undefined;
  let mem = files.mem;
  try {
    for (const log of files.logs.slice(0, -1)) if (log.tail !== undefined) LogWriter.reopen(log.file, log.validBytes).close();
    const newest = files.logs.at(-1);
    if (newest !== undefined) {
      wal = LogWriter.reopen(newest.file, newest.validBytes);
      // No manifest yet: a first open crashed before CURRENT named its manifest (it took no writes).
      if (vs.recoveredManifestNumber === undefined) edit.logNumber = files.logs[0]!.number;
    } else {
      const number = vs.newFileNumber();
      wal = LogWriter.create(logPath(dir, number));
      mem = new Memtable(number);
      edit.logNumber = number;
      fsyncDirSync(dir); // the new WAL's entry is durable before the manifest names it
    }
    // Every WAL kept is named, so that the next open knows it must find it.
    edit.newLogs = files.logs.map((l) => l.number).filter((n) => n > (edit.logNumber ?? vs.logNumber));
    vs.startManifest(edit);
  } catch (err) {
    wal?.close();
    throw err instanceof KvsError ? err : new KvsError(ErrorCodes.IO_ERROR, `cannot open the lsm store at ${dir} for writing: ${(err as Error).message}`, { cause: err });
  }
  return { vs, mem, wal, tornTails: files.tornTails };
}

/** Pins every table the current version lists (TableCache.pin: a descriptor each); on failure closes them again and rethrows. */
export function pinTables(s: StoreState): void {
  try {
    for (const files of s.vs.current.levels) for (const f of files) s.tables.pin(f.number);
  } catch (err) {
    s.tables.closeAll();
    throw err;
  }
}
