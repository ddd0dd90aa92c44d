/** RemoteStore over real sockets: a fake RESP server for paging and failure modes, and Debian's redis-server for the plain commands. */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RemoteStore } from '../../src/client/remote-store.js';
import { isKvsError } from '../../src/engine/errors.js';
import { closedPort, startFakeServer, type FakeServer } from './fake-server.js';

const servers: FakeServer[] = [];
const stores: RemoteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(options: Parameters<typeof startFakeServer>[0] = {}): Promise<FakeServer> {
  const server = await startFakeServer(options);
  servers.push(server);
  return server;
}

async function connect(options: Parameters<typeof RemoteStore.connect>[0]): Promise<RemoteStore> {
  const store = await RemoteStore.connect(options);
  stores.push(store);
  return store;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

async function collect(iterable: AsyncIterable<[Buffer, Buffer]>): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of iterable) out.push(v.length > 0 ? `${k}=${v}` : k.toString());
  return out;
}

describe('data operations', () => {
  it('set, get, delete and count round-trip, binary and empty values included', async () => {
    const server = await fake();
    const store = await connect({ addr: server.addr });
    const binary = Buffer.from([0, 13, 10, 255, 36]);
    await store.set('bin', binary);
    await store.set('empty', '');
    expect(Buffer.compare((await store.get('bin'))!, binary)).toBe(0);
    expect((await store.get('empty'))!.length).toBe(0);
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.count()).toBe(2);
    expect(await store.delete('bin')).toBe(true);
    expect(await store.delete('bin')).toBe(false);
  });

  it('calls issued together are pipelined and each gets its own reply', async () => {
    const server = await fake();
    const store = await connect({ addr: server.addr });
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => store.get(`k${i}`)));
    expect(values.map(String)).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`));
  });

  it('an empty or oversized key is rejected before anything is sent', async () => {
    const server = await fake();
    const store = await connect({ addr: server.addr });
    expect(isKvsError(await rejection(store.set('', 'v')), 'INVALID_ARGUMENT')).toBe(true);
    expect(isKvsError(await rejection(store.get('k'.repeat(70_000))), 'KEY_TOO_LARGE')).toBe(true);
    expect(server.log).toEqual([]);
  });
});

describe('scan over KVS.RANGE pages', () => {
  const keys = ['a', 'b', 'c', 'user:1', 'user:10', 'user:2', 'z'];
  async function seeded(pageCap: number): Promise<{ server: FakeServer; store: RemoteStore }> {
    const server = await fake({ pageCap });
    for (const k of keys) server.data.set(k, Buffer.from(`v-${k}`));
    return { server, store: await connect({ addr: server.addr }) };
  }

  it('continues after the last key of each page until an empty page', async () => {
    const { server, store } = await seeded(2);
    expect(await collect(store.scan({ keysOnly: true }))).toEqual(keys);
    const ranges = server.log.filter((a) => a[0] === 'KVS.RANGE');
    expect(ranges).toHaveLength(5); // 2+2+2+1, then the empty page
    expect(ranges[1]).toEqual(['KVS.RANGE', 'GT', 'b', 'LIMIT', '1000']);
    expect(ranges.every((a) => !a.includes('WITHVALUES'))).toBe(true);
  });

  it('keeps the caller bounds on every page and stops at the limit', async () => {
    const { server, store } = await seeded(2);
    expect(await collect(store.scan({ prefix: 'user:', limit: 3 }))).toEqual(['user:1=v-user:1', 'user:10=v-user:10', 'user:2=v-user:2']);
    const ranges = server.log.filter((a) => a[0] === 'KVS.RANGE');
    expect(ranges.map((a) => a.slice(1))).toEqual([
      ['PREFIX', 'user:', 'LIMIT', '3', 'WITHVALUES'],
      ['PREFIX', 'user:', 'GT', 'user:10', 'LIMIT', '1', 'WITHVALUES'],
    ]);
  });

  it('pages backwards with LT in reverse, inside --start/--end style bounds', async () => {
    const { server, store } = await seeded(2);
    expect(await collect(store.scan({ gte: 'b', lt: 'user:2', reverse: true, keysOnly: true }))).toEqual(['user:10', 'user:1', 'c', 'b']);
    const second = server.log.filter((a) => a[0] === 'KVS.RANGE')[1]!;
    expect(second).toEqual(['KVS.RANGE', 'GTE', 'b', 'LT', 'user:1', 'LIMIT', '1000', 'REVERSE']);
  });

  it('a limit of 0 lists nothing without asking; a bad limit is INVALID_ARGUMENT', async () => {
    const { server, store } = await seeded(2);
    expect(await collect(store.scan({ limit: 0 }))).toEqual([]);
    expect(server.log).toEqual([]);
    expect(isKvsError(await rejection(collect(store.scan({ limit: -1 }))), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('a server that repeats keys across pages is an error, not an endless listing', async () => {
    const server = await fake({ override: (a) => (a[0] === 'KVS.RANGE' ? Buffer.from('*2\r\n$1\r\na\r\n$1\r\nb\r\n') : undefined) });
    const store = await connect({ addr: server.addr });
    const err = await rejection(collect(store.scan({ keysOnly: true })));
    expect(err.message).toMatch(/out of byte order in KVS\.RANGE/);
  });

  it('a plain Redis server without KVS.RANGE gives UNSUPPORTED saying so', async () => {
    const server = await fake({ override: (a) => (a[0] === 'KVS.RANGE' ? Buffer.from("-ERR unknown command 'KVS.RANGE'\r\n") : undefined) });
    const store = await connect({ addr: server.addr });
    const err = await rejection(collect(store.scan()));
    expect(isKvsError(err, 'UNSUPPORTED')).toBe(true);
    expect(err.message).toMatch(/does not know KVS\.RANGE.*is it a kvs server/);
  });
});

describe('connecting and authenticating', () => {
  it('nobody listening: IO_ERROR saying connection refused and how to start a server', async () => {
    const port = await closedPort();
    const err = await rejection(RemoteStore.connect({ addr: `127.0.0.1:${port}` }));
    expect(isKvsError(err, 'IO_ERROR')).toBe(true);
    expect(err.message).toBe(`no kvs server answers at 127.0.0.1:${port} (connection refused); start one with \`kvs server --addr 127.0.0.1:${port}\`, or check --addr / KVS_ADDR`);
  });

  it('an invalid address is INVALID_ARGUMENT before any connection', async () => {
    for (const addr of ['', 'localhost', '127.0.0.1:', ':6379', '127.0.0.1:99999', '127.0.0.1:0', 'redis://127.0.0.1:6379', '::1:6379', 'a b:1']) {
      const err = await rejection(RemoteStore.connect({ addr }));
      expect(isKvsError(err, 'INVALID_ARGUMENT'), addr).toBe(true);
      expect(err.message).toMatch(/expected host:port/);
    }
  });

  it('with a password: AUTH first; a wrong one and a missing one each say what to fix', async () => {
    const server = await fake({ password: 's3cret' });
    const store = await connect({ addr: server.addr, password: 's3cret' });
    await store.set('k', 'v');
    expect(server.log[0]).toEqual(['AUTH', 's3cret']);
    const wrong = await rejection(RemoteStore.connect({ addr: server.addr, password: 'nope' }));
    expect(wrong.message).toMatch(/refused the password .*WRONGPASS.*check KVS_PASSWORD/);
    const none = await connect({ addr: server.addr });
    const missing = await rejection(none.get('k'));
    expect(missing.message).toBe(`the kvs server at ${server.addr} requires a password: set KVS_PASSWORD (or pass --password)`);
  });

  it('a password for a server without one is an error naming the setting', async () => {
    const server = await fake();
    const err = await rejection(RemoteStore.connect({ addr: server.addr, password: 'x' }));
    expect(err.message).toMatch(/has none; unset KVS_PASSWORD/);
  });

  it('a server that never replies times out instead of hanging', async () => {
    const server = await fake({ override: (a) => (a[0] === 'GET' ? 'silence' : undefined) });
    const store = await connect({ addr: server.addr, replyTimeoutMs: 200 });
    const err = await rejection(store.get('k'));
    expect(err.message).toBe(`no reply from ${server.addr} within 200 ms`);
  });

  it('a malformed reply fails the call with IO_ERROR naming the server', async () => {
    const server = await fake({ override: (a) => (a[0] === 'GET' ? Buffer.from('$3\r\nabcdef\r\n') : undefined) });
    const store = await connect({ addr: server.addr });
    const err = await rejection(store.get('k'));
    expect(isKvsError(err, 'IO_ERROR')).toBe(true);
    expect(err.message).toMatch(/sent a malformed reply: a bulk string of 3 bytes not followed by CRLF/);
  });

  it('a reply of the wrong type is an error, not a wrong answer', async () => {
    const server = await fake({ override: (a) => (a[0] === 'DEL' ? Buffer.from('+OK\r\n') : undefined) });
    const store = await connect({ addr: server.addr });
    expect((await rejection(store.delete('k'))).message).toMatch(/answered DEL with the status "OK", expected a count/);
  });

  it('after the server drops the connection, the waiting call fails and the next one reconnects (and re-authenticates)', async () => {
    const server = await fake({ password: 'pw', override: (a) => (a[0] === 'GET' && a[1] === 'hang' ? 'silence' : undefined) });
    const store = await connect({ addr: server.addr, password: 'pw' });
    await store.set('k', 'v');
    const waiting = store.get('hang');
    await new Promise((r) => setTimeout(r, 50));
    server.dropConnections();
    expect((await rejection(waiting)).message).toMatch(/closed the connection|failed/);
    expect(String(await store.get('k'))).toBe('v');
    expect(server.log.filter((a) => a[0] === 'AUTH')).toHaveLength(2);
  });

  it('close does not wait for a server that keeps its side of the connection open', async () => {
    const sockets: net.Socket[] = [];
    let sawEnd = false;
    const halfOpen = net.createServer({ allowHalfOpen: true }, (socket) => {
      sockets.push(socket);
      socket.on('end', () => (sawEnd = true)); // the client's FIN; this side stays open
    });
    await new Promise<void>((resolve) => halfOpen.listen(0, '127.0.0.1', resolve));
    const store = await RemoteStore.connect({ addr: `127.0.0.1:${(halfOpen.address() as net.AddressInfo).port}` });
    await store.close(); // resolves after the grace period instead of hanging
    expect(sawEnd).toBe(true);
    expect(sockets[0]!.writableEnded).toBe(false);
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => halfOpen.close(() => resolve()));
  });

  it('after close, calls reject with NOT_OPEN', async () => {
    const server = await fake();
    const store = await RemoteStore.connect({ addr: server.addr });
    await store.close();
    await store.close();
    expect(isKvsError(await rejection(store.get('k')), 'NOT_OPEN')).toBe(true);
  });
});

const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasRedis)("against Debian's redis-server", () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill());

  it('get, set and delete with requirepass, and a wrong password refused', async () => {
    const port = await closedPort();
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'pw'], { stdio: 'ignore' });
    let store: RemoteStore | undefined;
    for (let i = 0; i < 100 && store === undefined; i++) {
      store = await RemoteStore.connect({ addr: `127.0.0.1:${port}`, password: 'pw' }).catch(async () => {
        await new Promise((r) => setTimeout(r, 50));
        return undefined;
      });
    }
    stores.push(store!);
    await store!.set('k', Buffer.from([0, 255]));
    expect([...(await store!.get('k'))!]).toEqual([0, 255]);
    expect(await store!.delete('k')).toBe(true);
    expect(await store!.get('k')).toBeUndefined();
    const wrong = await rejection(RemoteStore.connect({ addr: `127.0.0.1:${port}`, password: 'bad' }));
    expect(wrong.message).toMatch(/refused the password/);
  });
});
