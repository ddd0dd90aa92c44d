/**
 * Test helper: runs the built CLI (`node bin/run.js`) as a child process in a temp directory,
 * with no KVS_* variables inherited, and collects exact stdout bytes, stderr and exit code.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type OpenOptions } from '../../src/index.js';
import { removeTempStoreDirs, tempStoreDir } from '../support/temp-store-dir.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'run.js');

if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'commands'))) {
  throw new Error('the CLI tests run the build output: run `npm run build` first (npm test does)');
}

export interface KvsResult {
  code: number | null;
  stdout: Buffer;
  /** stdout as UTF-8. */
  out: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Written to stdin, which is then closed; stdin is empty when absent. */
  input?: string | Uint8Array;
  env?: Record<string, string>;
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KVS_')) env[name] = value;
  return { ...env, ...extra };
}

/** Runs `kvs ...args` and resolves when it exits. */
export function kvs(args: readonly string[], options: RunOptions): Promise<KvsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => {}); // the CLI may stop reading early (oversized stdin)
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({ code, stdout, out: stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh empty directory, removed by `removeTempDirs` or after the test file. */
export const tempDir = (): string => tempStoreDir('cli');

export const removeTempDirs = removeTempStoreDirs;

/** Every entry of a store as [key hex, value hex], in byte order of keys (opened read-only). */
export async function dump(options: OpenOptions): Promise<[string, string][]> {
  const db = await openStore({ readOnly: true, ...options });
  try {
    const out: [string, string][] = [];
    for await (const [k, v] of db.scan()) out.push([k.toString('hex'), v.toString('hex')]);
    return out;
  } finally {
    await db.close();
  }
}
