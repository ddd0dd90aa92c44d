/**
 * Test helpers for the third-party engines (level, sqlite, lmdb, rocksdb): temporary stores, a
 * child process that holds a store open (lock and sharing tests) and a writer child killed with
 * SIGKILL mid-stream (durability). Children run ESM from the repository root, so they import
 * packages by name and kvs from dist/ (built by npm test, or `npx tsc -p tsconfig.build.json`).
 * Every temporary directory and child of a test file is removed or killed after that file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { openStore, type KvsEngine, type SyncPolicy } from '../../src/index.js';
import { tempStoreDir } from './temp-store-dir.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A fresh temporary directory named after `prefix` (`kvs-<label>-`), removed after the file's tests. */
export function tempDir(prefix: string): string {
  return tempStoreDir(prefix.replace(/^kvs-/, '').replace(/-$/, ''));
}

/** A new `engine` store in a fresh temporary directory. */
export async function newStore(engine: string, sync: SyncPolicy = 'never', extra: { syncIntervalMs?: number; options?: Record<string, unknown> } = {}): Promise<{ dir: string; db: KvsEngine }> {
  const dir = tempDir(`kvs-${engine}-`);
  const db = await openStore({ engine, dir, sync, ...extra });
  return { dir, db };
}

/** Runs the ESM `script` in a child process (tracked for cleanup), stdout and stderr piped. */
function spawnScript(script: string): ChildProcess {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Calls `onLine` with every complete line `child` prints (a partial last line waits for its newline). */
function onLines(child: ChildProcess, onLine: (line: string) => void): void {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) onLine(line);
  });
}

/** Everything `child` writes to stderr, for error messages. */
function stderrOf(child: ChildProcess): { text: string } {
  const err = { text: '' };
  child.stderr!.on('data', (d: Buffer) => (err.text += d.toString()));
  return err;
}

export interface Held {
  child: ChildProcess;
  /** Lines the child printed before `ready`. */
  lines: string[];
  /** Kills the child (SIGKILL) and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Runs `script` (ESM) in a child process and resolves once it prints a line `ready`. The script
 * is expected to keep running (holding whatever it opened) until killed by `stop()`.
 */
export function holdInChild(script: string): Promise<Held> {
  const child = spawnScript(script);
  const err = stderrOf(child);
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    onLines(child, (line) => {
      if (line !== 'ready') return void lines.push(line);
      const stop = (): Promise<void> =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGKILL');
        });
      resolve({ child, lines, stop });
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ready: ${err.text}`)));
  });
}

/**
 * Starts a child that opens an `engine` store at `dir` with sync "always" through kvs (dist/),
 * writes keys k0, k1, ... one at a time and prints each key once its set resolved; SIGKILLs it
 * after `acks` acknowledgements. Resolves with the acknowledged keys.
 */
export function killWriter(engine: string, dir: string, acks: number): Promise<string[]> {
  const child = spawnScript(`
    const { openStore } = await import(${JSON.stringify(DIST_INDEX)});
    const db = await openStore({ engine: ${JSON.stringify(engine)}, dir: ${JSON.stringify(dir)}, sync: 'always' });
    for (let i = 0; ; i++) { await db.set('k' + i, 'value-' + i); process.stdout.write('k' + i + '\\n'); }`);
  const err = stderrOf(child);
  return new Promise((resolve, reject) => {
    const acked: string[] = [];
    onLines(child, (line) => {
      acked.push(line);
      if (acked.length >= acks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited on its own: ${err.text}`))));
  });
}

/** Registers the durability test of `engine`: every write acknowledged under sync "always" before SIGKILL is there after reopen. */
export function itKeepsAcknowledgedWritesAcrossKill(engine: string): void {
  it('writes acknowledged under sync=always survive kill -9 of the writer', async () => {
    const dir = tempDir(`kvs-${engine}-crash-`);
    const acked = await killWriter(engine, dir, 200);
    expect(acked.length).toBeGreaterThanOrEqual(200);
    const db = await openStore({ dir });
    try {
      expect(db.name).toBe(engine);
      for (const key of acked) expect((await db.get(key))?.toString()).toBe(`value-${key.slice(1)}`);
      expect(await db.count()).toBeGreaterThanOrEqual(acked.length);
    } finally {
      await db.close();
    }
  }, 30_000);
}
