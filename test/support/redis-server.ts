/**
 * Test helper: starts a private `redis-server` (Debian's package) on an ephemeral loopback port,
 * with no persistence and a temporary working directory, and stops it again. Each call starts
 * its own server, so test files never share state.
 *
 *   const redis = await startRedisServer();
 *   afterAll(() => redis.stop());
 *   await openStore({ engine: 'redis', url: redis.url });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:PORT (with the password, when one was required). */
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs the server (a crash: no shutdown, no final save) and waits for it to exit; `stop()` still cleans up. */
  kill(): Promise<void>;
}

export interface RedisServerOptions {
  /** Starts the server with `requirepass`, so clients must authenticate. */
  password?: string;
  /** More redis-server arguments, e.g. ['--cluster-enabled', 'yes']. */
  args?: string[];
}

const START_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 10_000;

/** A port that was free a moment ago (another process may still take it: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a redis-server and resolves once it answers PING. Throws if `redis-server` is not installed. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (options.password !== undefined) args.push('--requirepass', options.password);
    args.push(...(options.args ?? []));
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    try {
      await waitUntilReady(child, port, options.password, output);
    } catch (err) {
      lastError = err;
      await kill(child);
      fs.rmSync(dir, { recursive: true, force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') break; // not installed: retrying cannot help
      continue; // most likely a port race: try another port
    }
    const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
    let stopped: Promise<void> | undefined;
    return {
      port,
      url: `redis://${auth}127.0.0.1:${port}`,
      stop: () => {
        stopped ??= kill(child).then(() => fs.rmSync(dir, { recursive: true, force: true }));
        return stopped;
      },
      kill: () => kill(child, 'SIGKILL'),
    };
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`could not start redis-server after ${START_ATTEMPTS} attempts (install Debian's redis-server package): ${reason}`);
}

/** Polls with a raw RESP PING until the server answers +PONG (or -NOAUTH, which also proves it is up). */
async function waitUntilReady(child: ChildProcess, port: number, password: string | undefined, output: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: Error | undefined;
  child.once('error', (err) => (exited = err));
  child.once('exit', (code) => (exited ??= new Error(`redis-server exited with code ${code}: ${output.join('').trim()}`)));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw exited;
    if (await ping(port, password)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms: ${output.join('').trim()}`);
}

function ping(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('+PONG') || reply.includes('-NOAUTH')) finish(true);
      else if (reply.startsWith('-')) finish(false);
    });
    socket.once('connect', () => socket.write(password === undefined ? 'PING\r\n' : `AUTH ${password}\r\nPING\r\n`));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
