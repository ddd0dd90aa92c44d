/** Helpers for LSM tests that build and inspect data directories on disk. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type KvsEngine, type OpenOptions } from '../../../src/index.js';
import { parseFileName } from '../../../src/engines/lsm/file-names.js';
import { copyStoreFiles, tempStoreDir } from '../../support/temp-store-dir.js';

export { contents, flipByte } from '../../support/temp-store-dir.js';

/** A fresh temporary directory, removed after the test file. */
export function tempDir(label: string): string {
  return tempStoreDir(`lsm-${label}`);
}

/** Small settings: a 4 KiB memtable and 8 KiB tables, no automatic compaction unless asked. */
export const SMALL = { memtableSize: 4096, blockSize: 512, targetFileSize: 8192, autoCompact: false };

/** Opens an lsm store at `dir` (sync 'never' unless told otherwise). */
export function open(dir: string, options: Record<string, unknown> = SMALL, extra: Omit<OpenOptions, 'dir' | 'options'> = {}): Promise<KvsEngine> {
  return openStore({ engine: 'lsm', dir, sync: 'never', options, ...extra });
}

/** Copies the store at `from` (LOCK excluded) into a new temporary directory and returns it. */
export function copyStore(from: string, label = 'copy'): string {
  return copyStoreFiles(from, tempDir(label));
}

/** Names of the engine's files of one kind in `dir`, by number. */
export function filesOf(dir: string, kind: 'log' | 'table' | 'manifest'): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => parseFileName(n)?.kind === kind)
    .sort((a, b) => parseFileName(a)!.number - parseFileName(b)!.number);
}

/** Sizes of every file in `dir` by name: a fingerprint that tells whether anything was written. */
export function listing(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((n) => [n, fs.statSync(path.join(dir, n)).size]));
}

export const pad = (i: number): string => String(i).padStart(5, '0');
