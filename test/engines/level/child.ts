/**
 * Test helpers shared by the third-party engine tests (level, sqlite, lmdb, rocksdb): a child
 * process that holds a store open, and a SIGKILLed writer for durability checks. Children run ESM
 * from the repository root, so they import packages by name and kvs from dist/ (built by npm test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');

const temps: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export interface Held {
  child: ChildProcess;
  /** Lines the child printed before `ready`. */
  lines: string[];
  stop(): Promise<void>;
}

/**
 * Runs `script` (ESM) in a child process and resolves once it prints a line `ready`. The script
 * is expected to keep running (holding whatever it opened) until killed by `stop()`.
 */
export function holdInChild(script: string): Promise<Held> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line === 'ready') {
          resolve({
            child,
            lines,
            stop: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null) return done();
                child.once('exit', () => done());
                child.kill('SIGKILL');
              }),
          });
        } else lines.push(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ready: ${err}`)));
  });
}

/**
 * Starts a child that opens a `engine` store at `dir` with sync "always" through kvs (dist/),
 * writes keys k0, k1, ... one at a time and prints each key once its set resolved; SIGKILLs it
 * after `acks` acknowledgements. Resolves with the acknowledged keys.
 */
export function killWriter(engine: string, dir: string, acks: number): Promise<string[]> {
  const script = `
    const { openStore } = await import(${JSON.stringify(DIST_INDEX)});
    const db = await openStore({ engine: ${JSON.stringify(engine)}, dir: ${JSON.stringify(dir)}, sync: 'always' });
    for (let i = 0; ; i++) { await db.set('k' + i, 'value-' + i); process.stdout.write('k' + i + '\\n'); }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const acked: string[] = [];
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const parts = out.split('\n');
      out = parts.pop()!;
      acked.push(...parts);
      if (acked.length >= acks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited on its own: ${err}`))));
  });
}
