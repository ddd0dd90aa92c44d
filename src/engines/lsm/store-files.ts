/**
 * Reading what a store's files say, for recovery: the manifest's version, the files it needs
 * (every live table, and the WAL its log number names), and the WALs replayed into a memtable.
 * Writes nothing. A needed file that is absent is a MissingFile, which recovery either retries
 * (a read-only open beside a live writer) or turns into CORRUPTION naming it.
 *
 * The rules that tell a crash from damage:
 * - a damaged last manifest edit is dropped as a torn tail only when everything the state
 *   before it needs is present: acting on an edit (deleting the WAL a flush retired, the inputs
 *   of a compaction) comes after the edit is durable, so a missing file proves the edit was
 *   whole once and is damaged now (then CORRUPTION names the manifest and the edit's offset);
 * - only the newest WAL holding records may end in a torn tail: an older WAL was complete (and
 *   fsynced) before the next one took writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { CURRENT_FILE, logFileName, logPath, parseFileName, tableFileName } from './file-names.js';
import { Memtable } from './memtable/memtable.js';
import { MissingFile } from './missing-file.js';
import type { TornTail } from './recovery.js';
import { VersionSet } from './version/version-set.js';
import { readLog, type LogTail } from './wal/wal-reader.js';
import { BATCH_HEADER_SIZE, decodeBatch, SEQ_SIZE } from './wal/write-batch.js';

export interface ReplayedLog {
  number: number;
  file: string;
  /** Where its last complete record ends. */
  validBytes: number;
  tail: LogTail | undefined;
  records: number;
}

export interface StoreFiles {
  vs: VersionSet;
  /** Every replayed write; its log number is the newest WAL's. */
  mem: Memtable;
  /** The WALs replayed, oldest first. */
  logs: ReplayedLog[];
  tornTails: TornTail[];
}

/** CURRENT's text and the live manifest's size and inode: what a writer changes before it retires any file. */
export function manifestIdentity(dir: string): string {
  try {
    const current = fs.readFileSync(path.join(dir, CURRENT_FILE), 'latin1');
    const st = fs.statSync(path.join(dir, current.trim()), { throwIfNoEntry: false });
    return `${current}|${st?.ino ?? '-'}|${st?.size ?? '-'}`;
  } catch {
    return 'none';
  }
}

/** Reads the manifest and replays the WALs of `dir` (see above). Throws MissingFile or CORRUPTION. */
export function readStoreFiles(dir: string, levels: number): StoreFiles {
  const vs = VersionSet.recover(dir, levels);
  try {
    return readWithVersion(dir, vs);
  } catch (err) {
    vs.close();
    throw err;
  }
}

function readWithVersion(dir: string, vs: VersionSet): StoreFiles {
  const tornTails: TornTail[] = [];
  const mt = vs.recoveredTail;
  if (mt !== undefined) tornTails.push({ file: path.basename(mt.file), offset: mt.offset, bytes: mt.bytes, reason: mt.reason, kind: mt.kind });
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const present = new Set(names);
  const logNumbers: number[] = [];
  for (const name of names) {
    const f = parseFileName(name);
    if (f === undefined || f.kind === 'current' || f.kind === 'temp') continue;
    // Without CURRENT, a manifest is one a first open wrote before crashing (CURRENT is the
    // commit point) and WALs are replayed; but tables mean a store that lost its CURRENT.
    if (f.kind === 'table' && !present.has(CURRENT_FILE)) {
      throw new KvsError(ErrorCodes.CORRUPTION, `${dir} has table ${name} but no CURRENT file; restore CURRENT (one line: the name of the live MANIFEST-* file)`, { details: { dir, file: name } });
    }
    vs.markFileNumberUsed(f.number);
    if (f.kind === 'log' && f.number >= vs.logNumber) logNumbers.push(f.number);
  }
  const manifest = vs.manifestFile === undefined ? 'the manifest' : `manifest ${path.basename(vs.manifestFile)}`;
  for (const files of vs.current.levels) {
    for (const f of files) {
      const name = tableFileName(f.number);
      if (!present.has(name)) throw new MissingFile(name, path.join(dir, name), `${manifest} lists it as a live table`, mt);
    }
  }
  // Every manifest names the WAL that holds the writes not yet in a table: its log number.
  if (vs.recoveredManifestNumber !== undefined && vs.logNumber > 0 && !present.has(logFileName(vs.logNumber))) {
    const name = logFileName(vs.logNumber);
    throw new MissingFile(name, logPath(dir, vs.logNumber), `${manifest} names it (log number ${vs.logNumber}) as the write-ahead log of the writes not yet in any table; opening without it would bring back deleted keys and old values`, mt);
  }
  for (const number of vs.namedLogs) {
    const name = logFileName(number);
    if (!present.has(name)) throw new MissingFile(name, logPath(dir, number), `${manifest} names it (a LOG_FILE record) as a write-ahead log that took writes not yet in any table`, mt);
  }
  logNumbers.sort((a, b) => a - b);
  const mem = new Memtable(logNumbers.at(-1) ?? 0);
  const logs = logNumbers.map((number) => replay(dir, number, vs, mem, mt));
  checkTornTails(logs);
  for (const log of logs) if (log.tail !== undefined) tornTails.push({ file: path.basename(log.file), ...log.tail });
  return { vs, mem, logs, tornTails };
}

function replay(dir: string, number: number, vs: VersionSet, mem: Memtable, mt: VersionSet['recoveredTail']): ReplayedLog {
  const file = logPath(dir, number);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new MissingFile(path.basename(file), file, 'it was listed in the store directory a moment ago (a write-ahead log to replay)', mt);
  }
  let records = 0;
  let lastApplied = 0;
  // A record found after damage must continue this log: a later sequence number than any before it.
  const plausible = (p: Buffer): boolean => p.length < BATCH_HEADER_SIZE || p.readUIntLE(0, SEQ_SIZE - 2) > lastApplied;
  const contents = readLog(
    file,
    data,
    (payload, offset) => {
      lastApplied = decodeBatch(payload, file, offset, (seq, kind, key, value) => mem.add(seq, kind, key, value));
      if (lastApplied > vs.lastSequence) vs.lastSequence = lastApplied;
      records++;
    },
    plausible,
  );
  return { number, file, validBytes: contents.validBytes, tail: contents.tail, records };
}

/** Only the newest WAL that holds records may end in a torn tail (empty WALs after it are left by an open that crashed). */
function checkTornTails(logs: readonly ReplayedLog[]): void {
  logs.forEach((log, i) => {
    if (log.tail === undefined) return;
    const later = logs.slice(i + 1).find((l) => l.records > 0);
    if (later === undefined) return;
    const name = path.basename(log.file);
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `write-ahead log ${name} is damaged at byte offset ${log.tail.offset} (${log.tail.reason}), and that is not a torn tail: the newer log ${path.basename(later.file)} holds writes made after it was complete; restore ${name} from a backup`,
      { details: { file: name, path: log.file, offset: log.tail.offset } },
    );
  });
}
