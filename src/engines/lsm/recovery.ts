/**
 * Opening a store, in LevelDB's recovery order (docs/formats/lsm.md):
 *   1. CURRENT names the manifest; its edits rebuild the version set (a torn last edit is dropped);
 *   2. every table the version lists must exist (else CORRUPTION naming it);
 *   3. the WALs numbered at or after the manifest's log number are replayed, oldest first, into
 *      a memtable; a torn or checksum-failing tail is cut off and reported, never applied;
 *   4. a writable open writes the replayed memtable (all WALs: there are two when an immutable
 *      memtable was not flushed before a crash) to a level-0 table, starts a new WAL, writes a
 *      fresh manifest recording both, and points CURRENT at it; the old WALs and manifest are
 *      deleted after that (LevelDB's default, without reuse_logs). Torn tails go with them.
 * A read-only open stops after step 3 and writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { fsyncDirSync } from '../../util/fs.js';
import { CURRENT_FILE, logPath, parseFileName, tableFileName } from './file-names.js';
import { flushMemtable } from './flush.js';
import { emptyEdit } from './manifest/version-edit.js';
import { Memtable } from './memtable/memtable.js';
import type { LsmOptions } from './options.js';
import type { TableOptions } from './sstable/table-builder.js';
import { VersionSet } from './version/version-set.js';
import { decodeBatch } from './wal/write-batch.js';
import { readLog, type TailKind } from './wal/wal-reader.js';
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
  /** Bytes of the table written from replayed WALs at open, if one was. */
  flushedBytes: number;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Opens the store in `dir` (see above); `onWarning` hears of each torn tail dropped. */
export async function recover(
  dir: string,
  options: LsmOptions,
  tableOptions: TableOptions,
  readOnly: boolean,
  onWarning?: (message: string) => void,
): Promise<Recovered> {
  const recovered = await recoverStore(dir, options, tableOptions, readOnly);
  if (onWarning !== undefined) for (const tail of recovered.tornTails) onWarning(describeTornTail(tail, readOnly));
  return recovered;
}

async function recoverStore(dir: string, options: LsmOptions, tableOptions: TableOptions, readOnly: boolean): Promise<Recovered> {
  const vs = VersionSet.recover(dir, options.levels);
  const tornTails: TornTail[] = [];
  if (vs.recoveredTail !== undefined) {
    const t = vs.recoveredTail;
    tornTails.push({ file: path.basename(t.file), offset: t.offset, bytes: t.bytes, reason: t.reason, kind: t.kind });
  }
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const logs: number[] = [];
  const present = new Set(names);
  for (const name of names) {
    const f = parseFileName(name);
    if (f === undefined || f.kind === 'current' || f.kind === 'temp') continue;
    // Without CURRENT, a manifest is one a first open wrote before crashing (CURRENT is the
    // commit point) and WALs are replayed; but tables mean a store that lost its CURRENT.
    if (f.kind === 'table' && !present.has(CURRENT_FILE)) {
      throw new KvsError(ErrorCodes.CORRUPTION, `${dir} has table ${name} but no CURRENT file; restore CURRENT (one line: the name of the live MANIFEST-* file)`, { details: { dir } });
    }
    vs.markFileNumberUsed(f.number);
    if (f.kind === 'log' && f.number >= vs.logNumber) logs.push(f.number);
  }
  for (const files of vs.current.levels) {
    for (const f of files) {
      const name = tableFileName(f.number);
      if (!present.has(name)) {
        throw new KvsError(ErrorCodes.CORRUPTION, `table file ${name} is missing (the manifest lists it); restore it from a backup or repair the store`, { details: { file: name, path: path.join(dir, name) } });
      }
    }
  }
  logs.sort((a, b) => a - b);

  const mem = new Memtable(logs.at(-1) ?? 0);
  for (const number of logs) {
    const file = logPath(dir, number);
    const contents = readLog(file, fs.readFileSync(file), (payload, offset) => {
      const last = decodeBatch(payload, file, offset, (seq, kind, key, value) => mem.add(seq, kind, key, value));
      if (last > vs.lastSequence) vs.lastSequence = last;
    });
    if (contents.tail !== undefined) tornTails.push({ file: path.basename(file), ...contents.tail });
  }
  if (readOnly) return { vs, mem, wal: undefined, tornTails, flushedBytes: 0 };

  const edit = emptyEdit();
  let wal: LogWriter | undefined;
  let live: Memtable;
  let flushedBytes = 0;
  try {
    if (mem.entryCount > 0) {
      const meta = await flushMemtable(mem, dir, vs.newFileNumber(), tableOptions, options.compactionSliceBytes, yieldToLoop);
      edit.newFiles.push({ level: 0, file: meta! });
      flushedBytes = meta!.fileSize;
    }
    const number = vs.newFileNumber();
    wal = LogWriter.create(logPath(dir, number));
    live = new Memtable(number);
    edit.logNumber = number;
    fsyncDirSync(dir); // the new WAL and table entries are durable before the manifest names them
    vs.startManifest(edit);
  } catch (err) {
    wal?.close();
    vs.close();
    throw err;
  }
  return { vs, mem: live, wal, tornTails, flushedBytes };
}
