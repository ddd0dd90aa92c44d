/**
 * GET /v1/watch over a real WebSocket: every change through any interface arrives in order,
 * filtered by prefix; heartbeats; a consumer that stops reading is told it lagged and dropped
 * while writers carry on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { errorCode, scrape, startTestServer, until, type TestServer } from './harness.js';

interface Message {
  type: string;
  seq: number;
  op?: string;
  key?: string;
  keyEncoding?: string;
  valueSize?: number;
  time?: number;
  via?: string;
}

/** A watcher that records every message; `opened` resolves after the hello. */
function watch(s: TestServer, query = '', options: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/v1/watch${query}`, options);
  const messages: Message[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as Message);
    for (const w of waiters.filter((w) => messages.length >= w.n)) w.resolve();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  /** Resolves once `n` messages (hello included) have arrived. */
  const received = (n: number) => new Promise<void>((resolve) => (messages.length >= n ? resolve() : waiters.push({ n, resolve })));
  return { ws, messages, closed, received, opened: received(1) };
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('watch', () => {
  it('streams sets and deletes from HTTP, RESP and batches, in sequence order', async () => {
    const w = watch(s);
    await w.opened;
    expect(w.messages[0]!.type).toBe('hello');
    const start = w.messages[0]!.seq;
    await fetch(`${s.base}/v1/kv/h1`, { method: 'PUT', body: 'abc' });
    await s.service.set('r1', 'hello', 'resp');
    await fetch(`${s.base}/v1/batch`, { method: 'POST', body: JSON.stringify({ ops: [{ type: 'set', key: 'b1', value: '' }, { type: 'delete', key: 'h1' }] }) });
    await w.received(5);
    const changes = w.messages.slice(1).map(({ seq, op, key, valueSize, via }) => ({ seq, op, key, valueSize, via }));
    expect(changes).toEqual([
      { seq: start + 1, op: 'set', key: 'h1', valueSize: 3, via: 'http' },
      { seq: start + 2, op: 'set', key: 'r1', valueSize: 5, via: 'resp' },
      { seq: start + 3, op: 'set', key: 'b1', valueSize: 0, via: 'http' },
      { seq: start + 4, op: 'delete', key: 'h1', valueSize: 0, via: 'http' },
    ]);
    expect(typeof w.messages[1]!.time).toBe('number');
    w.ws.close();
    await w.closed;
  });

  it('a prefix filter passes only keys that start with it, binary prefixes included', async () => {
    const w = watch(s, '?prefix=user%3A%FF');
    await w.opened;
    await s.service.set('user:1', 'no', 'http');
    await s.service.set(Buffer.from('user:\xff1', 'latin1'), 'yes', 'http');
    await s.service.set('other', 'no', 'http');
    await s.service.set(Buffer.from('user:\xff2', 'latin1'), 'yes', 'resp');
    await w.received(3);
    const keys = w.messages.slice(1).map((m) => [m.key, m.keyEncoding]);
    expect(keys).toEqual([
      [Buffer.from('user:\xff1', 'latin1').toString('base64'), 'base64'],
      [Buffer.from('user:\xff2', 'latin1').toString('base64'), 'base64'],
    ]);
    w.ws.close();
    await w.closed;
  });

  it('counts watchers as ws connections while they are connected', async () => {
    const before = s.service.connections().ws;
    const w = watch(s);
    await w.opened;
    expect(s.service.connections().ws).toBe(before + 1);
    w.ws.close();
    await w.closed;
    await until(() => s.service.connections().ws === before); // the server sees the close after the client
  });

  it('a plain GET without an upgrade is 426 UPGRADE_REQUIRED', async () => {
    const res = await fetch(`${s.base}/v1/watch`);
    expect(res.status).toBe(426);
    expect(await errorCode(res)).toBe('UPGRADE_REQUIRED');
  });

  it('a malformed prefix escape refuses the upgrade with 400', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${s.port}/v1/watch?prefix=%Z`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('upgrade', () => resolve(101));
      ws.on('error', reject);
    });
    expect(status).toBe(400);
  });
});

describe('slow consumers and heartbeats', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ watchBufferBytes: 64 * 1024, heartbeatMs: 100 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a watcher that stops reading is told it lagged and disconnected, while every write completes', async () => {
    // A server of its own with heartbeats far apart: a paused watcher cannot answer pings, and
    // this case is about the lag rule, not about a heartbeat dropping it first (writes that take
    // longer than two 100 ms beats on a loaded machine would).
    const t = await startTestServer({ watchBufferBytes: 64 * 1024, heartbeatMs: 60_000 });
    try {
      const slow = watch(t);
      const fast = watch(t, '?prefix=fast');
      await Promise.all([slow.opened, fast.opened]);
      slow.ws.pause(); // stop reading: the server's send buffer for it fills up
      const bigKey = 'k'.repeat(60_000);
      // Far more than the kernel's socket buffers plus the 64 KiB bound.
      for (let i = 0; i < 400; i++) await t.service.set(`${bigKey}${i}`, 'v', 'http');
      await t.service.set('fast-done', 'v', 'http');
      expect(await t.engine.count()).toBe(401);
      await fast.received(2);
      expect(fast.messages[1]!.key).toBe('fast-done');
      slow.ws.resume();
      const { code } = await slow.closed;
      expect(code).toBe(4001);
      const last = slow.messages.at(-1)!;
      expect(last.type).toBe('lagged');
      expect(slow.messages.filter((m) => m.type === 'change').length).toBeLessThan(400);
      expect((await scrape(t.base)).get('kvs_watch_lagged_total')).toBe(1);
      fast.ws.close();
      await fast.closed;
    } finally {
      await t.close();
    }
  });

  it('the server pings idle watchers', async () => {
    const w = watch(t);
    await w.opened;
    await new Promise<void>((resolve) => w.ws.once('ping', () => resolve()));
    expect(w.ws.readyState).toBe(WebSocket.OPEN);
    w.ws.close();
    await w.closed;
  });

  it('a watcher that never answers pings is dropped', async () => {
    const w = watch(t, '', { autoPong: false });
    await w.opened;
    const { code } = await w.closed;
    expect(code).toBe(1006); // terminated: no close frame
  });
});

describe('shutdown', () => {
  it('closing the server closes watchers with 1001 and is idempotent', async () => {
    const u = await startTestServer();
    const w = watch(u);
    await w.opened;
    await Promise.all([u.http.close(), u.http.close()]);
    expect((await w.closed).code).toBe(1001);
    expect(u.service.connections().ws).toBe(0);
    await u.close();
  });

  it('a port already in use is an IO_ERROR naming the address', async () => {
    const u = await startTestServer();
    try {
        const { startHttpServer } = await import('../../../src/server/http/index.js');
        const err = await startHttpServer(u.service, { host: '127.0.0.1', port: u.port, maxBodyBytes: 1024, log: () => {} }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'IO_ERROR' });
        expect(String((err as Error).message)).toContain(`127.0.0.1:${u.port}`);
    } finally {
      await u.close();
    }
  });
});
