/** Helpers for Bitcask tests that build and inspect data directories on disk. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { openStore, type KvsEngine, type OpenOptions } from '../../../src/index.js';
import { parseFileName } from '../../../src/engines/bitcask/file-names.js';
import { FLAG_TOMBSTONE } from '../../../src/engines/bitcask/record-format.js';
import { scanRecords } from '../../../src/engines/bitcask/record-scanner.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kvs-bitcask-${label}-`));
  roots.push(dir);
  return dir;
}

/** Opens a bitcask store at `dir` (sync 'never' unless told otherwise). */
export function open(dir: string, options: Record<string, unknown> = {}, extra: Omit<OpenOptions, 'dir' | 'options'> = {}): Promise<KvsEngine> {
  return openStore({ engine: 'bitcask', dir, sync: 'never', options, ...extra });
}

/** Copies the regular files of `from` into a new temporary directory (LOCK excluded) and returns it. */
export function copyStore(from: string, label = 'copy'): string {
  const to = tempDir(label);
  for (const name of fs.readdirSync(from)) {
    if (name === 'LOCK') continue;
    fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
  return to;
}

/** Every entry of the store as a key -> value (latin1) map, in scan order. */
export async function contents(db: KvsEngine): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const [k, v] of db.scan()) out.set(k.toString('latin1'), v.toString('latin1'));
  return out;
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
