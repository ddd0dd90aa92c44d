/**
 * Client mode end to end: the data commands and the shell with --addr against a real
 * `kvs server` started on an ephemeral loopback port, mirroring the local cases of
 * commands.test.ts; plus restarts, passwords, and every way of getting the address wrong.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, kvs, removeTempDirs, tempDir } from './run-kvs.js';

interface ServerProcess {
  addr: string;
  dir: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

const running = new Set<ServerProcess>();

/** Starts `kvs server --addr 127.0.0.1:0` on `dir` and resolves once it logs its address. */
async function startServer(dir: string, extra: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'server', '--addr', '127.0.0.1:0', '--dir', dir, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const addr = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`kvs server exited ${code} before listening: ${log}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const server: ServerProcess = {
    addr,
    dir,
    child,
    stop: async () => {
      running.delete(server);
      child.kill('SIGTERM');
      return exited;
    },
  };
  running.add(server);
  return server;
}

afterAll(async () => {
  await Promise.all([...running].map((s) => s.stop()));
  removeTempDirs();
});

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('data commands over --addr mirror the local ones', () => {
  const cwd = tempDir();
  let server: ServerProcess;
  const remote = (args: string[], input?: string) => kvs([...args, '--addr', server.addr], input === undefined ? { cwd } : { cwd, input });
  beforeAll(async () => {
    server = await startServer(path.join(cwd, 'served'));
  });

  it('set prints nothing, get prints the value, rm prints nothing, a second rm fails', async () => {
    expect(await remote(['set', 'user:1', 'Alice'])).toMatchObject({ code: 0, out: '', stderr: '' });
    expect(await remote(['get', 'user:1'])).toMatchObject({ code: 0, out: 'Alice', stderr: '' });
    expect(await remote(['rm', 'user:1'])).toMatchObject({ code: 0, out: '', stderr: '' });
    expect(await remote(['rm', 'user:1'])).toMatchObject({ code: 1, out: '', stderr: 'Key not found\n' });
    expect(await remote(['get', 'user:1'])).toMatchObject({ code: 0, out: 'Key not found\n', stderr: '' });
  });

  it('get of a missing key prints "Key not found" and exits 0; --json says found:false; empty values round-trip', async () => {
    await remote(['set', 'present', 'Alice']);
    await remote(['set', 'empty', '']);
    const [missing, missingJson, presentJson, emptyJson] = await Promise.all([
      remote(['get', 'nobody']),
      remote(['get', 'nobody', '--json']),
      remote(['get', 'present', '--json']),
      remote(['get', 'empty', '--json']),
    ]);
    expect(missing).toMatchObject({ code: 0, out: 'Key not found\n', stderr: '' });
    expect(JSON.parse(missingJson.out)).toEqual({ key: 'nobody', found: false });
    expect(JSON.parse(presentJson.out)).toEqual({ key: 'present', found: true, value: 'Alice', encoding: 'utf8' });
    expect(JSON.parse(emptyJson.out)).toEqual({ key: 'empty', found: true, value: '', encoding: 'utf8' });
  });

  it('set replaces the previous value; --file - sends binary bytes unchanged', async () => {
    await remote(['set', 'k', 'one']);
    await remote(['set', 'k', 'two']);
    expect((await remote(['get', 'k'])).out).toBe('two');
    const bytes = Buffer.from([0, 13, 10, 255, 254, 36, 42]);
    expect((await kvs(['set', 'bin', '--file', '-', '--addr', server.addr], { cwd, input: bytes })).code).toBe(0);
    expect(Buffer.compare((await remote(['get', 'bin'])).stdout, bytes)).toBe(0);
  });

  it('an oversized key is refused before anything is sent, with the local message', async () => {
    const local = await kvs(['set', 'x'.repeat(70_000), 'v'], { cwd: tempDir() });
    const r = await remote(['set', 'x'.repeat(70_000), 'v']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(local.stderr);
  });
});

describe('ls and count over --addr', () => {
  const cwd = tempDir();
  const keys = ['user:2', 'b', 'user:10', 'a', 'user:1', 'c'];
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(path.join(cwd, 'served'));
    const script = keys.map((k) => `set ${k} v-${k}`).join('\n');
    expect(await kvs(['shell', '--addr', server.addr], { cwd, input: script })).toMatchObject({ code: 0, stderr: '' });
  });
  const ls = async (...args: string[]): Promise<string> => {
    const r = await kvs(['ls', ...args], { cwd, env: { KVS_ADDR: server.addr } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return r.out;
  };

  it('lists keys in byte order, one per line (KVS_ADDR names the server)', async () => {
    expect(await ls()).toBe('a\nb\nc\nuser:1\nuser:10\nuser:2\n');
  });

  it('--prefix and --limit bound the listing', async () => {
    const [prefixed, limited, zero] = await Promise.all([ls('--prefix', 'user:'), ls('--prefix', 'user:', '--limit', '2'), ls('--limit', '0')]);
    expect(prefixed).toBe('user:1\nuser:10\nuser:2\n');
    expect(limited).toBe('user:1\nuser:10\n');
    expect(zero).toBe('');
  });

  it('--start is inclusive and --end exclusive; --reverse descends', async () => {
    const [range, reversed, reversedLimited] = await Promise.all([ls('--start', 'b', '--end', 'user:10'), ls('--reverse'), ls('-r', '-n', '2', '-p', 'user:')]);
    expect(range).toBe('b\nc\nuser:1\n');
    expect(reversed).toBe('user:2\nuser:10\nuser:1\nc\nb\na\n');
    expect(reversedLimited).toBe('user:2\nuser:10\n');
  });

  it('--values prints key<TAB>value; --json prints the same objects as locally', async () => {
    expect(await ls('--values', '--prefix', 'user:')).toBe('user:1\tv-user:1\nuser:10\tv-user:10\nuser:2\tv-user:2\n');
    const [keysOnly, withValues, empty] = await Promise.all([ls('--json', '--limit', '2'), ls('--json', '--values', '--prefix', 'user:1'), ls('--json', '--prefix', 'zzz')]);
    expect(JSON.parse(keysOnly)).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(JSON.parse(withValues)).toEqual([
      { key: 'user:1', value: 'v-user:1', encoding: 'utf8' },
      { key: 'user:10', value: 'v-user:10', encoding: 'utf8' },
    ]);
    expect(JSON.parse(empty)).toEqual([]);
  });

  it('count prints the number of keys; --json prints {"count":N}', async () => {
    const env = { KVS_ADDR: server.addr };
    const [plain, json] = await Promise.all([kvs(['count'], { cwd, env }), kvs(['count', '--json'], { cwd, env })]);
    expect(plain).toMatchObject({ code: 0, out: '6\n', stderr: '' });
    expect(JSON.parse(json.out)).toEqual({ count: 6 });
  });

  it('a listing longer than one KVS.RANGE page (1000) comes back whole and in order, both ways', async () => {
    const other = await startServer(path.join(tempDir(), 'big'));
    const names = Array.from({ length: 2500 }, (_, i) => `k${String(i).padStart(5, '0')}`);
    expect((await kvs(['shell', '--addr', other.addr], { cwd, input: names.map((n) => `set ${n} ${n}`).join('\n') })).code).toBe(0);
    const env = { KVS_ADDR: other.addr };
    const [all, reversed, limited] = await Promise.all([
      kvs(['ls'], { cwd, env }),
      kvs(['ls', '--reverse', '--values'], { cwd, env }),
      kvs(['ls', '--limit', '1500', '--start', 'k00100'], { cwd, env }),
    ]);
    expect(all.out).toBe(names.map((n) => `${n}\n`).join(''));
    expect(reversed.out).toBe([...names].reverse().map((n) => `${n}\t${n}\n`).join(''));
    expect(limited.out).toBe(names.slice(100, 1600).map((n) => `${n}\n`).join(''));
    expect((await kvs(['count'], { cwd, env })).out).toBe('2500\n');
  });
});

describe('the server side of client mode', () => {
  it('a server restart keeps the data', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'data');
    const first = await startServer(dir);
    await kvs(['set', 'durable', 'yes', '--addr', first.addr], { cwd });
    await kvs(['set', 'gone', 'soon', '--addr', first.addr], { cwd });
    await kvs(['rm', 'gone', '--addr', first.addr], { cwd });
    expect(await first.stop()).toBe(0);
    const second = await startServer(dir);
    expect(await kvs(['get', 'durable', '--addr', second.addr], { cwd })).toMatchObject({ code: 0, out: 'yes' });
    expect(await kvs(['ls', '--addr', second.addr], { cwd })).toMatchObject({ code: 0, out: 'durable\n' });
    await second.stop();
    expect(await kvs(['get', 'durable', '--dir', dir], { cwd })).toMatchObject({ code: 0, out: 'yes' }); // and locally, once the server is gone
  });

  it('while a server holds the directory, a local write fails and names the --addr to use', async () => {
    const cwd = tempDir();
    const server = await startServer(path.join(cwd, 'data'));
    const r = await kvs(['set', 'k', 'v', '--dir', 'data'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: ${path.join(cwd, 'data')} is locked by a kvs server (pid ${server.child.pid}) serving it at ${server.addr}; talk to it with --addr ${server.addr} (or KVS_ADDR=${server.addr})\n`);
    expect(r.stderr.split('kvs server').length).toBe(2); // said once
    await server.stop();
  });

  it('with --requirepass: no password and a wrong one exit 1 saying what to fix; KVS_PASSWORD or --password works', async () => {
    const cwd = tempDir();
    const server = await startServer(path.join(cwd, 'data'), ['--requirepass', 's3cret']);
    const [none, wrong, viaEnv, viaFlag] = await Promise.all([
      kvs(['get', 'k', '--addr', server.addr], { cwd }),
      kvs(['get', 'k', '--addr', server.addr], { cwd, env: { KVS_PASSWORD: 'nope' } }),
      kvs(['set', 'k', 'v', '--addr', server.addr], { cwd, env: { KVS_PASSWORD: 's3cret' } }),
      kvs(['count', '--addr', server.addr, '--password', 's3cret'], { cwd }),
    ]);
    expect(none).toMatchObject({ code: 1, out: '', stderr: `Error: the kvs server at ${server.addr} requires a password: set KVS_PASSWORD (or pass --password)\n` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Error: the kvs server at .* refused the password .*; check KVS_PASSWORD \/ --password\n$/);
    expect(viaEnv).toMatchObject({ code: 0, stderr: '' });
    expect(viaFlag.code).toBe(0);
    expect((await kvs(['get', 'k', '--addr', server.addr, '--password', 's3cret'], { cwd })).out).toBe('v');
    await server.stop();
  });
});

describe('getting the address wrong', () => {
  const cwd = tempDir();

  it('nobody listening: exit 1, connection refused, and how to start a server', async () => {
    const port = await closedPort();
    const r = await kvs(['get', 'k', '--addr', `127.0.0.1:${port}`], { cwd });
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.stderr).toBe(`Error: no kvs server answers at 127.0.0.1:${port} (connection refused); start one with \`kvs server --addr 127.0.0.1:${port}\`, or check --addr / KVS_ADDR\n`);
  });

  it('an invalid address exits 1 with the expected form, for every data command', async () => {
    const results = await Promise.all([['get', 'k'], ['set', 'k', 'v'], ['rm', 'k'], ['ls'], ['count']].map((args) => kvs([...args, '--addr', 'localhost'], { cwd })));
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('Error: invalid --addr "localhost": the port is missing; expected host:port, e.g. 127.0.0.1:6380 or [::1]:6380\n');
    }
  });

  it('--dir, --engine, --sync (and KVS_DIR) with --addr are INVALID_ARGUMENT, before connecting', async () => {
    const port = await closedPort(); // nothing listens: the flag error must come first
    const addr = `127.0.0.1:${port}`;
    const [dir, engine, sync, envDir] = await Promise.all([
      kvs(['get', 'k', '--addr', addr, '--dir', 'x'], { cwd }),
      kvs(['set', 'k', 'v', '--addr', addr, '-e', 'memory'], { cwd }),
      kvs(['set', 'k', 'v', '--addr', addr, '--sync', 'never'], { cwd }),
      kvs(['ls'], { cwd, env: { KVS_ADDR: addr, KVS_DIR: 'x' } }),
    ]);
    expect(dir.stderr).toBe(`Error: --dir (KVS_DIR) cannot be combined with --addr (KVS_ADDR): the server at ${addr} decides its store; drop one of them\n`);
    expect(engine.stderr).toMatch(/^Error: --engine \(KVS_ENGINE\) cannot be combined with --addr/);
    expect(sync.stderr).toMatch(/^Error: --sync cannot be combined with --addr: the server decides/);
    expect(envDir.stderr).toMatch(/^Error: --dir \(KVS_DIR\) cannot be combined/);
    for (const r of [dir, engine, sync, envDir]) expect(r.code).toBe(1);
    expect(fs.existsSync(path.join(cwd, 'x'))).toBe(false);
  });

  it('compact and stats work over --addr too, answering as the local commands do', async () => {
    const server = await startServer(tempDir());
    await kvs(['set', 'a', '1', '--addr', server.addr], { cwd });
    await kvs(['set', 'a', '2', '--addr', server.addr], { cwd });
    const compact = await kvs(['compact', '--json', '--addr', server.addr], { cwd });
    expect(compact.code).toBe(0);
    expect(JSON.parse(compact.out)).toMatchObject({ bytesBefore: expect.any(Number), bytesAfter: expect.any(Number), reclaimedBytes: expect.any(Number) });
    const stats = await kvs(['stats', '--json', '--addr', server.addr], { cwd });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.out)).toMatchObject({ engine: 'bitcask', keys: 1 });
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
    await server.stop();
  });
});
