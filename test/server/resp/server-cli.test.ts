/**
 * `kvs server` end to end (slow: spawns processes): Debian's redis-cli and redis-benchmark
 * against it, shutdown by signal, restart, kill -9 after acknowledged writes, startup failures,
 * and the SERVER file that points local commands to --addr.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeServer, SERVER_FILE } from '../../../src/server/server-file.js';
import { kvs, removeTempDirs, tempDir } from '../../cli/run-kvs.js';
import { run, serverFailure, spawnServer, type SpawnedServer } from './spawn-server.js';

const running: SpawnedServer[] = [];

async function start(args: string[], cwd: string): Promise<SpawnedServer> {
  const server = await spawnServer(args, cwd);
  running.push(server);
  return server;
}

afterEach(() => {
  for (const s of running.splice(0)) s.child.kill('SIGKILL');
});
afterAll(removeTempDirs);

const cli = (port: number, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> => run('redis-cli', ['-p', String(port), ...args]);

describe('kvs server with Redis tools', () => {
  it('logs version, engine, directory and address on start', async () => {
    const cwd = tempDir();
    const server = await start(['--dir', 'data'], cwd);
    expect(server.stderr()).toMatch(/^kvs \d+\.\d+\.\d+ server: bitcask store in .*data, sync always$/m);
    expect(server.stderr()).toContain(`kvs server listening on 127.0.0.1:${server.port}`);
  });

  it('redis-cli runs commands given as arguments and typed on stdin', async () => {
    const cwd = tempDir();
    const { port } = await start(['--dir', 'data'], cwd);
    expect((await cli(port, 'SET', 'greeting', 'hello world')).out).toBe('OK\n');
    expect((await cli(port, 'GET', 'greeting')).out).toBe('hello world\n');
    expect((await cli(port, 'INCRBY', 'n', '5')).out).toBe('5\n');
    const typed = await run('redis-cli', ['-p', String(port)], 'SET a 1\nGET a\nDEL a nope\nPING\n');
    expect(typed.out).toBe('OK\n1\n1\nPONG\n');
    expect((await cli(port, 'GET', 'nope')).out).toBe('\n'); // nil prints as an empty line when not a tty
    expect((await cli(port, 'KVS.RANGE', 'WITHVALUES')).out).toBe('greeting\nhello world\nn\n5\n');
  });

  it('redis-cli --pipe mass-inserts RESP and sees no errors', async () => {
    const cwd = tempDir();
    const { port } = await start(['--dir', 'data', '--sync', 'never'], cwd);
    let input = '';
    for (let i = 0; i < 1000; i++) input += `*3\r\n$3\r\nSET\r\n$${`key${i}`.length}\r\nkey${i}\r\n$1\r\nv\r\n`;
    const piped = await run('redis-cli', ['-p', String(port), '--pipe'], input);
    expect(piped.out).toMatch(/errors: 0, replies: 1000/);
    expect((await cli(port, 'DBSIZE')).out).toBe('1000\n');
  });

  it('redis-cli --scan walks every key through SCAN cursors', async () => {
    const cwd = tempDir();
    const { port } = await start(['--dir', 'data', '--sync', 'never'], cwd);
    const keys = Array.from({ length: 45 }, (_, i) => (i % 2 === 0 ? `k${i}` : `a much longer key than seven bytes ${i}`));
    await cli(port, 'MSET', ...keys.flatMap((k) => [k, 'v']));
    const scanned = await cli(port, '--scan');
    expect(scanned.out.split('\n').filter(Boolean).sort()).toEqual([...keys].sort());
  });

  it('redis-benchmark -t set,get completes and its keys are there', async () => {
    const cwd = tempDir();
    const { port } = await start(['--dir', 'data'], cwd);
    const bench = await run('redis-benchmark', ['-p', String(port), '-t', 'set,get', '-n', '2000', '-r', '100', '-q']);
    expect(bench.code).toBe(0);
    expect(bench.out).toMatch(/SET: [\d.]+ requests per second/);
    expect(bench.out).toMatch(/GET: [\d.]+ requests per second/);
    const size = Number((await cli(port, 'DBSIZE')).out);
    expect(size).toBeGreaterThan(1);
    expect(size).toBeLessThanOrEqual(100);
    expect((await cli(port, '--scan', '--pattern', 'key:*')).out.split('\n').filter(Boolean)).toHaveLength(size);
  });
});

describe('kvs server lifecycle', () => {
  it('SIGTERM finishes, exits 0 and keeps the data; a restart serves it again', async () => {
    const cwd = tempDir();
    const first = await start(['--dir', 'data'], cwd);
    await cli(first.port, 'MSET', 'a', '1', 'b', '2');
    expect(fs.existsSync(path.join(cwd, 'data', SERVER_FILE))).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toMatch(/SIGTERM, shutting down/);
    expect(fs.existsSync(path.join(cwd, 'data', SERVER_FILE))).toBe(false);
    expect((await kvs(['get', 'a', '--dir', 'data'], { cwd })).out).toBe('1'); // the lock is released too
    const second = await start(['--dir', 'data'], cwd);
    expect((await cli(second.port, 'MGET', 'a', 'b')).out).toBe('1\n2\n');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('every write acknowledged under --sync always survives kill -9', async () => {
    const cwd = tempDir();
    const server = await start(['--dir', 'data', '--sync', 'always'], cwd);
    const clients = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const c = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP: 2 });
        c.on('error', () => {});
        await c.connect();
        return c;
      }),
    );
    const acked: string[] = [];
    await Promise.all(clients.map((c, i) => Promise.all(Array.from({ length: 30 }, (_, j) => c.set(`k${i}:${j}`, `v${i}:${j}`).then(() => void acked.push(`k${i}:${j}`))))));
    server.child.kill('SIGKILL');
    await server.exited;
    for (const c of clients) c.destroy();
    const again = await start(['--dir', 'data'], cwd);
    expect((await cli(again.port, 'DBSIZE')).out).toBe(`${acked.length}\n`);
    const sample = acked.filter((_, i) => i % 37 === 0);
    expect((await cli(again.port, 'MGET', ...sample)).out).toBe(sample.map((k) => `v${k.slice(1)}\n`).join(''));
  });

  it('while a server holds the directory, a local write fails and points to --addr', async () => {
    const cwd = tempDir();
    const server = await start(['--dir', 'data'], cwd);
    const record = JSON.parse(fs.readFileSync(path.join(cwd, 'data', SERVER_FILE), 'utf8')) as { pid: number; addr: string };
    expect(record).toMatchObject({ pid: server.child.pid, addr: `127.0.0.1:${server.port}` });
    expect(describeServer(path.join(cwd, 'data'))).toBe(`a kvs server (pid ${server.child.pid}) is serving this directory at 127.0.0.1:${server.port}: use --addr 127.0.0.1:${server.port}`);
    const local = await kvs(['set', 'k', 'v', '--dir', 'data'], { cwd });
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/locked/);
    expect(local.stderr).toContain('--addr');
  });

  it('an engine whose own lock admits a second writer (sqlite) is still refused to local writers, and to a second server', async () => {
    const cwd = tempDir();
    const server = await start(['--dir', 'data', '--engine', 'sqlite'], cwd);
    const local = await kvs(['set', 'k', 'v', '--dir', 'data'], { cwd });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain(`is locked by a kvs server (pid ${server.child.pid}) serving it at 127.0.0.1:${server.port}; talk to it with --addr 127.0.0.1:${server.port}`);
    expect((await kvs(['get', 'k', '--dir', 'data'], { cwd })).out).toBe('Key not found\n'); // reads stay allowed; nothing was written
    const second = await serverFailure(['--addr', '127.0.0.1:0', '--dir', 'data'], cwd);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('is already served; a kvs server');
  });

  it('a SERVER file left by a dead server is ignored', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, SERVER_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, addr: '127.0.0.1:1', started: 'x' }));
    expect(describeServer(dir)).toBeUndefined();
    expect(describeServer(tempDir())).toBeUndefined();
  });
});

describe('kvs server startup failures', () => {
  it('a port in use exits non-zero with a clear message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const cwd = tempDir();
      const result = await serverFailure(['--addr', `127.0.0.1:${port}`, '--dir', 'data'], cwd);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use`);
      expect(fs.existsSync(path.join(cwd, 'data'))).toBe(false); // refused before the store was created
    } finally {
      blocker.close();
    }
  });

  it('a bad address, an unknown engine, or the wrong engine for the directory exit non-zero', async () => {
    const cwd = tempDir();
    const bad = await serverFailure(['--addr', 'localhost:99999', '--dir', 'data'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--addr "localhost:99999" is not an address; use HOST:PORT/);
    const unknown = await serverFailure(['--addr', '127.0.0.1:0', '--engine', 'nosuch', '--dir', 'data'], cwd);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown engine "nosuch"/);
    expect((await kvs(['set', 'k', 'v', '--dir', 'data'], { cwd })).code).toBe(0);
    const mismatch = await serverFailure(['--addr', '127.0.0.1:0', '--engine', 'lsm', '--dir', 'data'], cwd);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/was created by the bitcask engine, not lsm/);
  });
});
