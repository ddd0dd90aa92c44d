/**
 * Test helper: runs the built `kvs server` (bin/run.js) as a child process on an ephemeral port
 * and reads the port from its log line `kvs server listening on HOST:PORT`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../../cli/run-kvs.js';

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KVS_')) env[name] = value;
  return env;
}

/** Starts `kvs server ...args`; rejects with its stderr if it exits before listening. */
export function spawnServer(args: readonly string[], cwd: string): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [BIN, 'server', '--addr', '127.0.0.1:0', ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kvs server did not start in time; stderr: ${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const m = /kvs server listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kvs server exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
}

/**
 * Runs `kvs server ...args`, expected to fail at startup; if it starts serving instead, it is
 * killed (SIGKILL) after `ms` so a test never leaves a server behind. Resolves with exit code and stderr.
 */
export function serverFailure(args: readonly string[], cwd: string, ms = 15_000): Promise<{ code: number | string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'server', ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stderr });
    }),
  );
}

/** Runs a program to completion, with optional stdin, and collects its output. */
export function run(command: string, args: readonly string[], input?: string | Buffer): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input ?? '');
  });
}
