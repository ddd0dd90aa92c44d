/**
 * MULTI/EXEC/WATCH through node-redis with a conflicting writer on another connection; EXEC's
 * writes as one engine batch; what kvs refuses on purpose (expiry, whole-keyspace commands
 * inside MULTI, other databases); INFO's sections and counted error replies; the close after a
 * protocol error. Against an in-process server on 127.0.0.1.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './in-process.js';
import { frame, RawClient } from './raw-client.js';

let server: TestServer;
let a: ReturnType<typeof createClient>;
let b: ReturnType<typeof createClient>;
const error = async (client: typeof a, ...args: string[]): Promise<string> => {
  try {
    await client.sendCommand(args);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${args.join(' ')} did not fail`);
};

beforeAll(async () => {
  server = await startTestServer();
  [a, b] = [createClient({ url: server.url, RESP: 2 }), createClient({ url: server.url, RESP: 2 })];
  for (const c of [a, b]) {
    c.on('error', () => {});
    await c.connect();
  }
});
afterAll(async () => {
  await Promise.all([a.quit(), b.quit()]);
  await server.stop();
});
beforeEach(async () => {
  await a.flushDb();
});

describe('transactions with node-redis', () => {
  it('multi().exec() runs the queued commands and returns their replies in order', async () => {
    await a.set('n', '10');
    expect(await a.multi().incrBy('n', 5).get('n').set('m', 'x').append('m', 'y').exec()).toEqual([15, '15', 'OK', 2]);
    expect(await b.mGet(['n', 'm'])).toEqual(['15', 'xy']);
  });

  it('watch(): a write by another client between WATCH and EXEC makes exec() fail and nothing is written', async () => {
    await a.set('balance', '100');
    await a.watch('balance');
    const seen = Number(await a.get('balance'));
    await b.set('balance', '50'); // the conflicting writer
    await expect(a.multi().set('balance', String(seen - 30)).set('audit', 'x').exec()).rejects.toThrow(/WATCH|watch/);
    expect(await b.mGet(['balance', 'audit'])).toEqual(['50', null]);
    // Without a conflict the same transaction goes through.
    await a.watch('balance');
    const now = Number(await a.get('balance'));
    expect(await a.multi().set('balance', String(now - 30)).exec()).toEqual(['OK']);
    expect(await b.get('balance')).toBe('20');
  });

  it('the writes of one EXEC are one engine batch, and another client never sees half of them', async () => {
    const engine = server.service.engine;
    const calls: string[] = [];
    const original = { set: engine.set.bind(engine), batch: engine.batch.bind(engine) };
    Object.assign(engine, {
      set: (...args: Parameters<typeof engine.set>) => (calls.push('set'), original.set(...args)),
      batch: (...args: Parameters<typeof engine.batch>) => (calls.push(`batch:${args[0].length}`), original.batch(...args)),
    });
    try {
      const reader = (async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 200; i++) seen.add(JSON.stringify(await b.mGet(['x', 'y'])));
        return seen;
      })();
      for (let i = 1; i <= 20; i++) await a.multi().set('x', String(i)).set('y', String(i)).exec();
      for (const pair of await reader) {
        const [x, y] = JSON.parse(pair) as [string | null, string | null];
        expect(x).toBe(y);
      }
      expect(calls.filter((c) => c === 'batch:2')).toHaveLength(20);
      expect(calls.filter((c) => c === 'set')).toHaveLength(0);
    } finally {
      Object.assign(engine, original);
    }
  });

  it('inside MULTI, commands over the whole keyspace are refused and doom the transaction', async () => {
    await a.set('k', '1');
    const c = await RawClient.connect(server.port);
    const reply = await c.request(Buffer.concat([frame('MULTI'), frame('KEYS', '*'), frame('SET', 'k', '2'), frame('EXEC'), frame('GET', 'k')]), '$1\r\n1\r\n');
    c.close();
    expect(reply).toBe('+OK\r\n-ERR KEYS is not supported inside MULTI: a kvs transaction sees only the keys its commands name; run it outside the transaction\r\n+QUEUED\r\n-EXECABORT Transaction discarded because of previous errors.\r\n$1\r\n1\r\n');
  });
});

describe('what kvs refuses on purpose', () => {
  it('valid expiry options of SET and GETEX get the "keys do not expire" error; COPY to another database is out of range', async () => {
    await a.set('k', 'v');
    expect(await error(a, 'SET', 'k', 'v2', 'EX', '10')).toMatch(/^ERR SET EX is not supported: kvs keys do not expire/);
    expect(await error(a, 'GETEX', 'k', 'PX', '10')).toMatch(/^ERR GETEX PX is not supported: kvs keys do not expire/);
    expect(await error(a, 'GETEX', 'k', 'PERSIST')).toMatch(/^ERR GETEX PERSIST is not supported/);
    expect(await error(a, 'COPY', 'k', 'k2', 'DB', '1')).toBe('ERR DB index is out of range');
    expect(await a.get('k')).toBe('v');
    expect(await a.exists('k2')).toBe(0);
  });
});

describe('INFO', () => {
  it('every section a Redis 7 client reads, with its fields; commandstats only when asked', async () => {
    await a.set('k', 'v');
    const all = await a.info();
    for (const title of ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Errorstats', '# Keyspace']) expect(all).toContain(title);
    expect(all).not.toContain('# Commandstats');
    for (const field of ['used_memory:', 'used_memory_human:', 'mem_allocator:', 'used_cpu_user:', 'used_cpu_sys:', 'master_repl_offset:0', 'role:master', 'total_error_replies:', 'evicted_clients:', 'mem_clients_normal:']) expect(all).toContain(field);
    const stats = await a.info('commandstats');
    expect(stats).toMatch(/cmdstat_set:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=\d+,failed_calls=\d+/);
    expect(await a.info('everything')).toContain('# Commandstats');
  });

  it('total_error_replies, errorstats and rejected/failed calls count real error replies', async () => {
    await a.sendCommand(['CONFIG', 'RESETSTAT']);
    const before = Number(/total_error_replies:(\d+)/.exec(await a.info('stats'))![1]);
    expect(before).toBe(0);
    await a.set('word', 'abc');
    await error(a, 'INCR', 'word'); // fails while running
    await error(a, 'GET'); // rejected: arity
    await error(a, 'NOSUCH'); // unknown
    const info = await a.info('everything');
    expect(Number(/total_error_replies:(\d+)/.exec(info)![1])).toBe(3);
    expect(info).toContain('errorstat_ERR:count=3');
    expect(info).toMatch(/cmdstat_incr:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
    expect(info).toMatch(/cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0/);
  });
});

describe('protocol errors', () => {
  it('the connection closes within 100 ms of the error reply, however much the client goes on sending', async () => {
    const c = await RawClient.connect(server.port);
    const junk = Buffer.alloc(64 * 1024, 0x78);
    let sending = true;
    const pump = (): void => {
      while (sending && !c.closed && c.socket.write(junk));
      if (sending && !c.closed) c.socket.once('drain', pump);
    };
    c.write('*1\r\n$x\r\n');
    pump();
    await c.waitFor('-ERR Protocol error: invalid bulk length\r\n');
    const replied = Date.now();
    await c.waitClosed(2000);
    sending = false;
    expect(Date.now() - replied).toBeLessThan(100);
  });
});
