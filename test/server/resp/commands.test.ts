/**
 * Command semantics through a maintained Redis client (node-redis) against an in-process
 * server over a memory store: replies and error replies as Redis gives them.
 */
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './in-process.js';

let server: TestServer;
let client: ReturnType<typeof createClient>;
const send = (...args: string[]): Promise<unknown> => client.sendCommand(args);
const error = async (...args: string[]): Promise<string> => {
  try {
    await client.sendCommand(args);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${args.join(' ')} did not fail`);
};

beforeAll(async () => {
  server = await startTestServer();
  client = createClient({ url: server.url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
});

afterAll(async () => {
  await client.quit();
  await server.stop();
});

beforeEach(async () => {
  await send('FLUSHDB');
});

describe('connection commands', () => {
  it('PING, PING msg, ECHO', async () => {
    expect(await send('PING')).toBe('PONG');
    expect(await send('PING', 'hi')).toBe('hi');
    expect(await send('ECHO', 'x y')).toBe('x y');
  });

  it('SELECT 0 works; other databases are out of range', async () => {
    expect(await send('SELECT', '0')).toBe('OK');
    expect(await error('SELECT', '1')).toBe('ERR DB index is out of range');
    expect(await error('SELECT', 'x')).toBe('ERR value is not an integer or out of range');
  });

  it('HELLO 2 answers the handshake; HELLO 3 is refused with NOPROTO', async () => {
    const reply = (await send('HELLO', '2')) as unknown[];
    expect(reply.slice(0, 6)).toEqual(['server', 'kvs', 'version', '7.0.0', 'proto', 2]);
    expect(await error('HELLO', '3')).toBe('NOPROTO unsupported protocol version');
  });

  it('CLIENT SETNAME / GETNAME / ID', async () => {
    expect(await send('CLIENT', 'SETNAME', 'worker-1')).toBe('OK');
    expect(await send('CLIENT', 'GETNAME')).toBe('worker-1');
    expect(typeof (await send('CLIENT', 'ID'))).toBe('number');
    expect(await error('CLIENT', 'SETNAME', 'has space')).toBe('ERR Client names cannot contain spaces, newlines or special characters.');
    expect(await error('CLIENT', 'NOPE')).toMatch(/^ERR unknown subcommand 'NOPE'/);
  });

  it('AUTH without a configured password says so', async () => {
    expect(await error('AUTH', 'secret')).toMatch(/^ERR AUTH <password> called without any password configured/);
  });

  it('an unknown command names itself and its first arguments', async () => {
    expect(await error('FOO', 'a', 'b')).toBe("ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
  });

  it('a wrong argument count names the command in lowercase', async () => {
    expect(await error('GET')).toBe("ERR wrong number of arguments for 'get' command");
    expect(await error('SET', 'k')).toBe("ERR wrong number of arguments for 'set' command");
    expect(await error('MSET', 'a', '1', 'b')).toBe("ERR wrong number of arguments for 'mset' command");
  });
});

describe('string commands', () => {
  it('GET of a missing key is nil; SET then GET', async () => {
    expect(await send('GET', 'nope')).toBeNull();
    expect(await send('SET', 'k', 'v')).toBe('OK');
    expect(await send('GET', 'k')).toBe('v');
  });

  it('SET NX / XX / GET', async () => {
    expect(await send('SET', 'k', '1', 'XX')).toBeNull();
    expect(await send('SET', 'k', '1', 'NX')).toBe('OK');
    expect(await send('SET', 'k', '2', 'NX')).toBeNull();
    expect(await send('SET', 'k', '3', 'XX', 'GET')).toBe('1');
    expect(await send('SET', 'k', '4', 'NX', 'GET')).toBe('3'); // not set, old value returned
    expect(await send('GET', 'k')).toBe('3');
    expect(await error('SET', 'k', '1', 'NX', 'XX')).toBe('ERR syntax error');
    expect(await error('SET', 'k', '1', 'BOGUS')).toBe('ERR syntax error');
  });

  it('SET with an expiry option is refused and stores nothing', async () => {
    for (const option of ['EX', 'PX', 'EXAT', 'PXAT']) {
      expect(await error('SET', 'k', 'v', option, '10')).toMatch(new RegExp(`^ERR SET ${option} is not supported`));
    }
    expect(await send('EXISTS', 'k')).toBe(0);
  });

  it('SETNX, GETSET, GETDEL', async () => {
    expect(await send('SETNX', 'k', 'a')).toBe(1);
    expect(await send('SETNX', 'k', 'b')).toBe(0);
    expect(await send('GETSET', 'k', 'c')).toBe('a');
    expect(await send('GETDEL', 'k')).toBe('c');
    expect(await send('GETDEL', 'k')).toBeNull();
  });

  it('MGET, MSET, MSETNX', async () => {
    expect(await send('MSET', 'a', '1', 'b', '2')).toBe('OK');
    expect(await send('MGET', 'a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(await send('MSETNX', 'c', '3', 'a', 'x')).toBe(0);
    expect(await send('EXISTS', 'c')).toBe(0); // all or nothing
    expect(await send('MSETNX', 'c', '3', 'd', '4')).toBe(1);
    expect(await send('MGET', 'c', 'd')).toEqual(['3', '4']);
  });

  it('APPEND, STRLEN, GETRANGE, SETRANGE', async () => {
    expect(await send('APPEND', 'k', 'Hello')).toBe(5);
    expect(await send('APPEND', 'k', ' World')).toBe(11);
    expect(await send('STRLEN', 'k')).toBe(11);
    expect(await send('STRLEN', 'none')).toBe(0);
    expect(await send('GETRANGE', 'k', '0', '4')).toBe('Hello');
    expect(await send('GETRANGE', 'k', '-5', '-1')).toBe('World');
    expect(await send('GETRANGE', 'k', '5', '2')).toBe('');
    expect(await send('GETRANGE', 'k', '0', '100')).toBe('Hello World');
    expect(await send('GETRANGE', 'none', '0', '-1')).toBe('');
    expect(await send('SETRANGE', 'k', '6', 'Redis')).toBe(11);
    expect(await send('GET', 'k')).toBe('Hello Redis');
    expect(await send('SETRANGE', 'pad', '3', 'x')).toBe(4);
    expect(await send('GET', 'pad')).toBe('\0\0\0x');
    expect(await send('SETRANGE', 'empty', '5', '')).toBe(0);
    expect(await send('EXISTS', 'empty')).toBe(0);
    expect(await error('SETRANGE', 'k', '-1', 'x')).toBe('ERR offset is out of range');
    expect(await error('SETRANGE', 'k', String(64 * 1024 * 1024), 'x')).toMatch(/^ERR string exceeds maximum allowed size/);
  });

  it('INCR, INCRBY, DECR, DECRBY with Redis errors', async () => {
    expect(await send('INCR', 'n')).toBe(1);
    expect(await send('INCRBY', 'n', '10')).toBe(11);
    expect(await send('DECR', 'n')).toBe(10);
    expect(await send('DECRBY', 'n', '20')).toBe(-10);
    await send('SET', 's', 'abc');
    expect(await error('INCR', 's')).toBe('ERR value is not an integer or out of range');
    await send('SET', 's', ' 1');
    expect(await error('INCR', 's')).toBe('ERR value is not an integer or out of range');
    expect(await error('INCRBY', 'n', '1.5')).toBe('ERR value is not an integer or out of range');
    await send('SET', 'max', '9223372036854775807');
    expect(await error('INCR', 'max')).toBe('ERR increment or decrement would overflow');
    expect(await send('GET', 'max')).toBe('9223372036854775807');
    expect(await error('DECRBY', 'n', '-9223372036854775808')).toBe('ERR decrement would overflow');
  });

  it('INCRBYFLOAT', async () => {
    await send('SET', 'f', '10.50');
    expect(await send('INCRBYFLOAT', 'f', '0.1')).toBe('10.6');
    expect(await send('INCRBYFLOAT', 'f', '-5')).toBe('5.6');
    await send('SET', 'e', '5.0e3');
    expect(await send('INCRBYFLOAT', 'e', '2.0e2')).toBe('5200');
    expect(await error('INCRBYFLOAT', 'f', 'abc')).toBe('ERR value is not a valid float');
    expect(await error('INCRBYFLOAT', 'f', 'inf')).toBe('ERR increment would produce NaN or Infinity');
  });

  it('keys and values are binary-safe', async () => {
    const bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const key = Buffer.from([0, 1, 0xff, 0x0d, 0x0a]);
    const value = Buffer.from([0xff, 0, 0x0d, 0x0a, 0x24, 0x2a]);
    expect(await bin.sendCommand(['SET', key, value])).toBe('OK');
    expect(await bin.sendCommand(['GET', key])).toEqual(value);
  });

  it('an oversized key gets an -ERR naming the limit, and nothing is stored', async () => {
    const big = 'k'.repeat(64 * 1024 + 1);
    expect(await error('SET', big, 'v')).toMatch(/^ERR key is 65537 bytes; the limit is 65536 bytes/);
    expect(await send('DBSIZE')).toBe(0);
    expect(await send('GET', big)).toBeNull(); // a key that cannot exist is absent to reads
    expect(await error('SET', '', 'v')).toBe('ERR key must not be empty');
  });

  it('an oversized value gets an -ERR naming the limit, and nothing is stored', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024 + 1, 0x61);
    expect(await error('SET', 'k', big as unknown as string)).toMatch(/^ERR value is 67108865 bytes; the limit is 67108864 bytes/);
    expect(await send('EXISTS', 'k')).toBe(0);
  });
});

describe('keyspace commands', () => {
  it('DEL and UNLINK count the keys that existed; EXISTS counts repeats', async () => {
    await send('MSET', 'a', '1', 'b', '2');
    expect(await send('EXISTS', 'a', 'a', 'b', 'c')).toBe(3);
    expect(await send('DEL', 'a', 'a', 'c')).toBe(1);
    expect(await send('UNLINK', 'b')).toBe(1);
    expect(await send('DBSIZE')).toBe(0);
  });

  it('TYPE, TTL, PTTL', async () => {
    await send('SET', 'k', 'v');
    expect(await send('TYPE', 'k')).toBe('string');
    expect(await send('TYPE', 'x')).toBe('none');
    expect(await send('TTL', 'k')).toBe(-1);
    expect(await send('PTTL', 'x')).toBe(-2);
  });

  it('KEYS with glob patterns, in byte order', async () => {
    await send('MSET', 'user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'other', 'd');
    expect(await send('KEYS', '*')).toEqual(['other', 'user:1', 'user:10', 'user:2']);
    expect(await send('KEYS', 'user:?')).toEqual(['user:1', 'user:2']);
    expect(await send('KEYS', 'user:[12]*')).toEqual(['user:1', 'user:10', 'user:2']);
    expect(await send('KEYS', 'nothing*')).toEqual([]);
  });

  it('SCAN visits every key exactly once with COUNT, and MATCH filters', async () => {
    const keys = Array.from({ length: 57 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    await send('MSET', ...keys.flatMap((k) => [k, 'v']));
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = (await send('SCAN', cursor, 'COUNT', '10')) as [string, string[]];
      expect(batch.length).toBeLessThanOrEqual(10);
      seen.push(...batch);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(seen).toEqual(keys);
    expect(calls).toBe(6);
    const [end, matched] = (await send('SCAN', '0', 'MATCH', 'k00*', 'COUNT', '1000')) as [string, string[]];
    expect(end).toBe('0');
    expect(matched).toEqual(keys.slice(0, 10));
    expect(await send('SCAN', '0', 'TYPE', 'hash')).toEqual(['0', []]);
    expect(await error('SCAN', 'notacursor')).toBe('ERR invalid cursor');
    expect(await error('SCAN', '0', 'COUNT', '0')).toBe('ERR syntax error');
  });

  it('SCAN resumes after its cursor even when that key was deleted meanwhile', async () => {
    await send('MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    const [cursor, first] = (await send('SCAN', '0', 'COUNT', '2')) as [string, string[]];
    expect(first).toEqual(['a', 'b']);
    await send('DEL', 'b');
    await send('SET', 'a2', 'x'); // before the cursor: not returned, as allowed
    const [, rest] = (await send('SCAN', cursor, 'COUNT', '10')) as [string, string[]];
    expect(rest).toEqual(['c', 'd']);
  });

  it('FLUSHDB and FLUSHALL delete everything', async () => {
    await send('MSET', 'a', '1', 'b', '2');
    expect(await send('FLUSHALL')).toBe('OK');
    expect(await send('DBSIZE')).toBe(0);
    expect(await error('FLUSHDB', 'NOW')).toBe('ERR syntax error');
  });
});

describe('server commands', () => {
  it('INFO has the documented sections', async () => {
    await send('SET', 'k', 'v');
    const info = (await send('INFO')) as string;
    for (const section of ['# Server', '# Clients', '# Persistence', '# Stats', '# Keyspace']) expect(info).toContain(section);
    expect(info).toContain('db0:keys=1,expires=0,avg_ttl=0');
    expect(info).toContain('kvs_engine:memory');
    expect((await send('INFO', 'keyspace')) as string).not.toContain('# Server');
  });

  it('COMMAND lists the table; COUNT, INFO and DOCS agree with it', async () => {
    const all = (await send('COMMAND')) as unknown[][];
    const count = (await send('COMMAND', 'COUNT')) as number;
    expect(all).toHaveLength(count);
    const get = all.find((c) => c[0] === 'get')!;
    expect(get.slice(0, 2)).toEqual(['get', 2]);
    expect(await send('COMMAND', 'INFO', 'set', 'nosuch')).toEqual([expect.arrayContaining(['set', -3]), null]);
    const docs = (await send('COMMAND', 'DOCS', 'get')) as unknown[];
    expect(docs[0]).toBe('get');
  });

  it('CONFIG GET answers what redis-benchmark asks', async () => {
    expect(await send('CONFIG', 'GET', 'save')).toEqual(['save', '']);
    expect(await send('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await send('CONFIG', 'GET', 'nosuch')).toEqual([]);
    expect(await error('CONFIG', 'SET', 'save', '')).toMatch(/^ERR CONFIG SET is not supported/);
  });
});

describe('KVS namespace', () => {
  beforeEach(async () => {
    await send('MSET', 'a', '1', 'b:1', '2', 'b:2', '3', 'b:3', '4', 'c', '5');
  });

  it('KVS.RANGE returns keys in byte order within bounds; WITHVALUES pairs them', async () => {
    expect(await send('KVS.RANGE')).toEqual(['a', 'b:1', 'b:2', 'b:3', 'c']);
    expect(await send('KVS.RANGE', 'PREFIX', 'b:')).toEqual(['b:1', 'b:2', 'b:3']);
    expect(await send('KVS.RANGE', 'PREFIX', 'b:', 'GT', 'b:1', 'LTE', 'b:3', 'WITHVALUES')).toEqual(['b:2', '3', 'b:3', '4']);
    expect(await send('KVS.RANGE', 'REVERSE', 'LIMIT', '2')).toEqual(['c', 'b:3']);
    expect(await send('KVS.RANGE', 'GTE', 'z')).toEqual([]);
  });

  it('KVS.RANGE pages with LIMIT and GT of the last key', async () => {
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await send('KVS.RANGE', 'LIMIT', '2', ...(after === undefined ? [] : ['GT', after]))) as string[];
      if (page.length === 0) break;
      pages.push(page);
      after = page.at(-1);
    }
    expect(pages).toEqual([['a', 'b:1'], ['b:2', 'b:3'], ['c']]);
  });

  it('KVS.RANGE caps LIMIT at 1000 and rejects bad options', async () => {
    await send('MSET', ...Array.from({ length: 1100 }, (_, i) => [`z${String(i).padStart(4, '0')}`, 'v']).flat());
    expect(((await send('KVS.RANGE', 'LIMIT', '5000')) as string[]).length).toBe(1000);
    expect(await error('KVS.RANGE', 'LIMIT', '-1')).toBe('ERR KVS.RANGE LIMIT must not be negative');
    expect(await error('KVS.RANGE', 'GT')).toBe('ERR KVS.RANGE option GT needs a key');
    expect(await error('KVS.RANGE', 'GT', 'a', 'GT', 'b')).toBe('ERR KVS.RANGE option GT given twice');
    expect(await error('KVS.RANGE', 'SIDEWAYS')).toMatch(/^ERR KVS.RANGE does not know option 'SIDEWAYS'/);
  });

  it('KVS.COUNT counts all keys or those within bounds', async () => {
    expect(await send('KVS.COUNT')).toBe(5);
    expect(await send('KVS.COUNT', 'PREFIX', 'b:')).toBe(3);
    expect(await send('KVS.COUNT', 'GT', 'b:1', 'LT', 'c')).toBe(2);
    expect(await error('KVS.COUNT', 'LIMIT', '1')).toMatch(/^ERR KVS.COUNT does not know option 'LIMIT'/);
  });

  it('KVS.STATS and KVS.COMPACT reply with JSON', async () => {
    const stats = JSON.parse((await send('KVS.STATS')) as string) as { engine: string; keys: number };
    expect(stats).toMatchObject({ engine: 'memory', keys: 5 });
    const compact = JSON.parse((await send('KVS.COMPACT')) as string) as { reclaimedBytes: number };
    expect(compact.reclaimedBytes).toBeGreaterThanOrEqual(0);
  });
});

describe('atomicity of read-modify-write commands', () => {
  it('concurrent INCRs from many clients lose no update', async () => {
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const c = createClient({ url: server.url, RESP: 2 });
        c.on('error', () => {});
        await c.connect();
        return c;
      }),
    );
    await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => c.sendCommand(['INCR', 'counter']))));
    await Promise.all(clients.flatMap((c) => Array.from({ length: 25 }, () => c.sendCommand(['APPEND', 'log', 'x']))));
    expect(await send('GET', 'counter')).toBe('400');
    expect(await send('STRLEN', 'log')).toBe(200);
    await Promise.all(clients.map((c) => c.quit()));
  });
});
