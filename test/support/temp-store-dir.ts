/**
 * The one temporary-directory helper of the tests: directories under the OS temp dir, removed
 * after the test file that made them (vitest gives each test file its own copy of this module), or
 * earlier by `removeTempStoreDirs`; and small helpers over stores in them. The CLI, engine and
 * crash helpers (test/cli/run-kvs.ts, test/support/engine-crash.ts, test/engines/<engine>/store-dir.ts)
 * build on these.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import type { KvsEngine } from '../../src/index.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh temporary directory named `kvs-<label>-XXXXXX`, removed after the test file. */
export function tempStoreDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kvs-${label}-`));
  roots.push(dir);
  return dir;
}

/** Removes every directory made so far by `tempStoreDir` (for files that clean up after each test). */
export function removeTempStoreDirs(): void {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
}

/** Copies the regular files of store `from` into directory `to`, all but LOCK (a copy is not open anywhere); returns `to`. */
export function copyStoreFiles(from: string, to: string): string {
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
