/**
 * Per-batch group commit: the commands one read delivered run in order, each seeing the writes
 * before it; their replies go out only once every write of the batch is acknowledged by the
 * engine (on disk under sync always), and a failed write never gets a success reply. In-process
 * with an engine whose acknowledgements the test releases, then a real `kvs server --sync always`
 * killed with SIGKILL right after a pipelined burst is answered.
 */
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/engine/open-store.js';
import type { KvsEngine } from '../../../src/engine/types.js';
import { RespServer } from '../../../src/server/resp/resp-server.js';
import { KvService } from '../../../src/server/service/kv-service.js';
import { removeTempDirs, tempDir } from '../../cli/run-kvs.js';
import { frame, RawClient } from './raw-client.js';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(removeTempDirs);

/** A memory store whose set/batch acknowledgements wait for `release()` (or fail with `fail()`). */
async function gatedServer(): Promise<{ port: number; writesIssued: () => number; reads: () => number; release: () => void; fail: (err: Error) => void }> {
  const store = await openStore({ engine: 'memory' });
  let open!: () => void;
  let shut!: (err: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    shut = reject;
  });
  gate.catch(() => {});
  let issued = 0;
  let reads = 0;
  const engine = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'set' || prop === 'batch') {
        return (...args: unknown[]) => {
          issued++;
          const done = (Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<void>).apply(target, args);
          return done.then(() => gate);
        };
      }
      if (prop === 'get') {
        return (...args: unknown[]) => {
          reads++;
          return (target.get as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as KvsEngine;
  const service = new KvService(engine, { engine: 'memory', dir: '', version: 'test' });
  const server = await RespServer.start(service, { host: '127.0.0.1', port: 0, version: 'test', sync: 'always' });
  closers.push(() => store.close(), () => server.close());
  return { port: server.address().port, writesIssued: () => issued, reads: () => reads, release: open, fail: shut };
}

async function connect(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  closers.push(() => client.close());
  return client;
}

/** Resolves once `done()` holds, polling. */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('group commit, in process', () => {
  it('a pipelined batch runs (reads see its writes) but no reply is sent before its writes are acknowledged', async () => {
    const s = await gatedServer();
    const c = await connect(s.port);
    c.write(Buffer.concat([frame('SET', 'a', '1'), frame('GET', 'a'), frame('INCR', 'a'), frame('GET', 'a'), frame('PING')]));
    await until(() => s.writesIssued() === 2 && s.reads() >= 3); // SET and INCR issued; GET, INCR's read, GET ran
    const other = await connect(s.port); // a round trip on another connection: any reply already sent would be here too
    await other.request('PING\r\n', '+PONG\r\n');
    expect(c.bytes).toBe(0);
    s.release();
    await c.waitFor('+PONG\r\n');
    expect(c.text).toBe('+OK\r\n$1\r\n1\r\n:2\r\n$1\r\n2\r\n+PONG\r\n');
  });

  it('a write that fails after it was issued gets an error reply, the replies after it are withheld, and the connection closes', async () => {
    const s = await gatedServer();
    const c = await connect(s.port);
    c.write(Buffer.concat([frame('PING'), frame('SET', 'a', '1'), frame('GET', 'a')]));
    await until(() => s.writesIssued() === 1 && s.reads() === 1);
    s.fail(new Error('fsync failed: EIO'));
    await c.waitClosed();
    expect(c.text).toBe('+PONG\r\n-ERR write failed: fsync failed: EIO\r\n');
  });
});

describe('group commit, real server under --sync always', () => {
  for (const engine of ['bitcask', 'lsm']) {
    it(`${engine}: 2,000 pipelined SET+GET on one connection share fsyncs, and every acknowledged write survives kill -9`, async () => {
      const cwd = tempDir();
      const server: SpawnedServer = await spawnServer(['--engine', engine, '--dir', 'data', '--sync', 'always'], cwd);
      closers.push(() => void server.child.kill('SIGKILL'));
      const c = await connect(server.port);
      const n = 2000;
      const requests: Buffer[] = [];
      let expected = '';
      for (let i = 0; i < n; i++) {
        requests.push(frame('SET', `key:${i}`, `value:${i}`), frame('GET', `key:${i}`));
        expected += `+OK\r\n$${`value:${i}`.length}\r\nvalue:${i}\r\n`;
      }
      expect(await c.request(Buffer.concat(requests), expected)).toBe(expected);
      const stats = await c.request(frame('KVS.STATS'), '}\r\n');
      const fsyncs = Number(/"fsyncsSinceOpen":(\d+)/.exec(stats)?.[1]);
      expect(fsyncs).toBeGreaterThan(0);
      expect(n / fsyncs).toBeGreaterThanOrEqual(20); // one fsync per write before group commit
      server.child.kill('SIGKILL');
      await server.exited;
      const store = await openStore({ engine, dir: path.join(cwd, 'data') });
      closers.push(() => store.close());
      expect(await store.count()).toBe(n);
      for (let i = 0; i < n; i++) expect((await store.get(`key:${i}`))?.toString()).toBe(`value:${i}`);
    });
  }
});
