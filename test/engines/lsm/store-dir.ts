/** Helpers for LSM tests that build and inspect data directories on disk. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { openStore, type KvsEngine, type OpenOptions } from '../../../src/index.js';
import { parseFileName } from '../../../src/engines/lsm/file-names.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kvs-lsm-${label}-`));
  roots.push(dir);
  return dir;
}

/** Small settings: a 4 KiB memtable and 8 KiB tables, no automatic compaction unless asked. */
export const SMALL = { memtableSize: 4096, blockSize: 512, targetFileSize: 8192, autoCompact: false };

/** Opens an lsm store at `dir` (sync 'never' unless told otherwise). */
export function open(dir: string, options: Record<string, unknown> = SMALL, extra: Omit<OpenOptions, 'dir' | 'options'> = {}): Promise<KvsEngine> {
  return openStore({ engine: 'lsm', dir, sync: 'never', options, ...extra });
}

/** Copies the regular files of `from` into a new temporary directory (LOCK excluded) and returns it. */
export function copyStore(from: string, label = 'copy'): string {
  const to = tempDir(label);
  for (const name of fs.readdirSync(from)) {
    if (name !== 'LOCK') fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
  return to;
}

/** Every entry of the store as a key -> value (latin1) map, in scan order. */
export async function contents(db: KvsEngine): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const [k, v] of db.scan()) out.set(k.toString('latin1'), v.toString('latin1'));
  return out;
}

/** Names of the engine's files of one kind in `dir`, by number. */
export function filesOf(dir: string, kind: 'log' | 'table' | 'manifest'): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => parseFileName(n)?.kind === kind)
    .sort((a, b) => parseFileName(a)!.number - parseFileName(b)!.number);
}

/** Flips every bit of the byte at `offset` of `file`. */
export function flipByte(file: string, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, offset);
    b[0] = b[0]! ^ 0xff;
    fs.writeSync(fd, b, 0, 1, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** Sizes of every file in `dir` by name: a fingerprint that tells whether anything was written. */
export function listing(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((n) => [n, fs.statSync(path.join(dir, n)).size]));
}

export const pad = (i: number): string => String(i).padStart(5, '0');
