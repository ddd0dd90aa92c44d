/** Helpers for Bitcask tests that build and inspect data directories on disk. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type KvsEngine, type OpenOptions } from '../../../src/index.js';
import { parseFileName } from '../../../src/engines/bitcask/file-names.js';
import { FLAG_TOMBSTONE } from '../../../src/engines/bitcask/record-format.js';
import { scanRecords } from '../../../src/engines/bitcask/record-scanner.js';
import { contents, copyStoreFiles, tempStoreDir } from '../../support/temp-store-dir.js';

export { contents, flipByte } from '../../support/temp-store-dir.js';

/** A fresh temporary directory, removed after the test file. */
export function tempDir(label: string): string {
  return tempStoreDir(`bitcask-${label}`);
}

/** Opens a bitcask store at `dir` (sync 'never' unless told otherwise). */
export function open(dir: string, options: Record<string, unknown> = {}, extra: Omit<OpenOptions, 'dir' | 'options'> = {}): Promise<KvsEngine> {
  return openStore({ engine: 'bitcask', dir, sync: 'never', options, ...extra });
}

/** Copies the store at `from` (LOCK excluded) into a new temporary directory and returns it. */
export function copyStore(from: string, label = 'copy'): string {
  return copyStoreFiles(from, tempDir(label));
}

/** Opens `dir`, reads everything, closes. */
export async function contentsOf(dir: string, options: Record<string, unknown> = {}): Promise<Map<string, string>> {
  const db = await open(dir, options);
  try {
    return await contents(db);
  } finally {
    await db.close();
  }
}

/** The model as a map sorted like a scan (byte order; test keys are ASCII). */
export function sorted(model: Map<string, string>): Map<string, string> {
  return new Map([...model].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))));
}

/** Names of the data files in `dir`, oldest first. */
export function dataFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => parseFileName(n)?.kind === 'data')
    .sort((a, b) => {
      const x = parseFileName(a)!.id;
      const y = parseFileName(b)!.id;
      return x.major - y.major || x.minor - y.minor;
    });
}

export function fileSize(file: string): number {
  return fs.statSync(file).size;
}

export function directoryBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0);
}

export interface RecordSummary {
  offset: number;
  size: number;
  key: string;
  tombstone: boolean;
}

/** The committed records of a data file, in order (CRC-checked by the engine's scanner). */
export function recordsIn(file: string): RecordSummary[] {
  const fd = fs.openSync(file, 'r');
  try {
    const out: RecordSummary[] = [];
    scanRecords(fd, path.basename(file), fs.fstatSync(fd).size, 0, (r) => {
      out.push({ offset: r.offset, size: r.record.length, key: r.key.toString('latin1'), tombstone: (r.flags & FLAG_TOMBSTONE) !== 0 });
    });
    return out;
  } finally {
    fs.closeSync(fd);
  }
}
