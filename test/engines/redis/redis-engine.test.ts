/** The redis engine's own edges: reaching (or not reaching) the server, passwords, namespaces, glob escaping. */
import * as net from 'node:net';
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, openStore, type KvsEngine } from '../../../src/index.js';
import { freePort, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { collect } from '../../../src/testing/index.js';

let redis: RedisServer;
let secured: RedisServer;
beforeAll(async () => {
  [redis, secured] = await Promise.all([startRedisServer(), startRedisServer({ password: 's3cret pw' })]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), secured?.stop()]);
});

let n = 0;
const open = (options: Record<string, unknown> = {}): Promise<KvsEngine> =>
  openStore({ engine: 'redis', url: redis.url, options: { namespace: `e${n++}`, ...options } });

/** Runs `body` with a plain node-redis client on `redis`, for looking behind the engine. */
async function raw<T>(body: (client: { sendCommand(args: (string | Buffer)[]): Promise<unknown> }) => Promise<T>): Promise<T> {
  const client = createClient({ url: redis.url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  await client.connect();
  try {
    return await body(client);
  } finally {
    client.destroy();
  }
}

describe('reaching the server', () => {
  it('no server at the URL is ENGINE_UNAVAILABLE naming the URL and what to do', async () => {
    const port = await freePort();
    const err = await openStore({ engine: 'redis', url: `redis://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.ENGINE_UNAVAILABLE });
    expect((err as Error).message).toContain(`no Redis server answers at redis://127.0.0.1:${port}`);
    expect((err as Error).message).toMatch(/start one or pass --url/);
  });

  it('a server that accepts connections but never answers fails the open within connectTimeoutMs', async () => {
    const silent = net.createServer(() => {}); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const err = await openStore({ engine: 'redis', url: `redis://127.0.0.1:${port}`, options: { connectTimeoutMs: 300 } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.ENGINE_UNAVAILABLE });
      expect((err as Error).message).toMatch(new RegExp(`at redis://127.0.0.1:${port} within 300 ms`));
    } finally {
      silent.close();
    }
  });

  it('a missing URL is INVALID_ARGUMENT naming --url and KVS_REDIS_URL', async () => {
    const err = await openStore({ engine: 'redis' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect((err as Error).message).toMatch(/--url.*KVS_REDIS_URL/);
  });

  it('a URL that is not redis:// is INVALID_ARGUMENT', async () => {
    await expect(openStore({ engine: 'redis', url: 'http://127.0.0.1:6379' })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(openStore({ engine: 'redis', url: 'not a url' })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(openStore({ engine: 'redis', url: 'redis://127.0.0.1:1/zero' })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });

  it('a wrong password is INVALID_ARGUMENT and the message hides the password', async () => {
    const url = `redis://:wrong-guess@127.0.0.1:${secured.port}`;
    const err = await openStore({ engine: 'redis', url }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect((err as Error).message).toMatch(/rejected the user name or password/);
    expect((err as Error).message).not.toContain('wrong-guess');
    expect((err as Error).message).toContain(`redis://:***@127.0.0.1:${secured.port}`);
  });

  it('no password for a server that requires one is INVALID_ARGUMENT saying where to put it', async () => {
    const err = await openStore({ engine: 'redis', url: `redis://127.0.0.1:${secured.port}` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect((err as Error).message).toMatch(/requires a password.*redis:\/\/:PASSWORD@HOST:PORT/);
  });

  it('the right password in the URL works, and stats show the URL without it', async () => {
    const db = await openStore({ engine: 'redis', url: secured.url });
    try {
      await db.set('k', 'v');
      expect((await db.get('k'))!.toString()).toBe('v');
      const stats = await db.stats();
      expect(stats.url).toBe(`redis://:***@127.0.0.1:${secured.port}`);
      expect(stats.redisVersion).toMatch(/^\d+\.\d+/);
    } finally {
      await db.close();
    }
  });

  it('a server that goes away mid-session gives IO_ERROR naming the URL, and close still returns', async () => {
    const own = await startRedisServer();
    const db = await openStore({ engine: 'redis', url: own.url, options: { commandTimeoutMs: 500 } });
    await db.set('k', 'v');
    await own.stop();
    const err = await db.get('k').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.IO_ERROR });
    expect((err as Error).message).toContain(`redis://127.0.0.1:${own.port}`);
    await db.close();
    expect(db.status).toBe('closed');
  });

  it('a Cluster-mode node whose cluster serves no slots is ENGINE_UNAVAILABLE naming the node and how to fix it', async () => {
    const lone = await startRedisServer({ args: ['--cluster-enabled', 'yes'] });
    try {
      const err = await openStore({ engine: 'redis', url: lone.url }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.ENGINE_UNAVAILABLE });
      expect((err as Error).message).toContain(`the Redis Cluster of redis://127.0.0.1:${lone.port} is down (cluster_state:fail; slots assigned 0`);
      expect((err as Error).message).toMatch(/redis-cli --cluster create/);
    } finally {
      await lone.stop();
    }
  });

  it('several seed URLs for a standalone server are INVALID_ARGUMENT', async () => {
    const err = await openStore({ engine: 'redis', url: `${redis.url},127.0.0.1:1` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect((err as Error).message).toMatch(/is a standalone Redis server, not a Redis Cluster node/);
  });

  it('a sync policy other than "never" is UNSUPPORTED; without one the store opens under "never"', async () => {
    await expect(openStore({ engine: 'redis', url: redis.url, sync: 'always' })).rejects.toMatchObject({ code: ErrorCodes.UNSUPPORTED });
    const db = await openStore({ engine: 'redis', url: redis.url });
    await db.close();
  });
});

describe('options', () => {
  it('a namespace with ":" (which could nest one store inside another) is INVALID_ARGUMENT', async () => {
    await expect(open({ namespace: 'a:b' })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(open({ namespace: '' })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });

  it('an unknown option is INVALID_ARGUMENT listing the known ones', async () => {
    await expect(open({ nameSpace: 'x' })).rejects.toThrow(/unknown redis option "nameSpace"; known options: namespace/);
  });
});

describe('namespaces', () => {
  it('stores in different namespaces share a server without seeing each other', async () => {
    const a = await open({ namespace: 'iso' });
    const b = await open({ namespace: 'iso2' }); // "iso" is a string prefix of "iso2": still apart
    try {
      await a.set('k', 'from a');
      await b.set('k', 'from b');
      await b.set('only-b', 'x');
      await raw((c) => c.sendCommand(['SET', 'k', 'outside any namespace']));
      expect((await a.get('k'))!.toString()).toBe('from a');
      expect(await a.get('only-b')).toBeUndefined();
      expect(await a.count()).toBe(1);
      expect(await b.count()).toBe(2);
      expect(await collect(a.scan())).toEqual([['k', 'from a']]);
      expect(await a.delete('only-b')).toBe(false);
      expect(await b.has('only-b')).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keys are stored as "<namespace>:<key>" with their bytes unchanged', async () => {
    const db = await open({ namespace: 'layout' });
    try {
      await db.set(Buffer.from([0, 0xff, 0x2a]), Buffer.from([1, 2]));
      const value = await raw((c) => c.sendCommand(['GET', Buffer.concat([Buffer.from('layout:'), Buffer.from([0, 0xff, 0x2a])])]));
      expect(value).toEqual(Buffer.from([1, 2]));
    } finally {
      await db.close();
    }
  });

  it('a key of another Redis type in the namespace is CORRUPTION, not a crash', async () => {
    const db = await open({ namespace: 'typed' });
    try {
      await raw((c) => c.sendCommand(['HSET', 'typed:h', 'field', 'v']));
      await expect(db.get('h')).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    } finally {
      await db.close();
    }
  });
});

describe('SCAN MATCH escaping', () => {
  const tricky = ['*', '*x', '?', '?y', '[a]', 'a', 'ab', '\\', '\\*', '^-', 'x*', 'xyz', 'x?z', ']'];

  it('glob characters in a namespace match only that namespace', async () => {
    const globby = await open({ namespace: 'n*[?]\\' });
    const neighbour = await open({ namespace: 'nX[?]\\' }); // matched by the unescaped pattern "n*[?]\*"
    try {
      await globby.set('k', '1');
      await neighbour.set('k', '2');
      await neighbour.set('other', '3');
      expect(await globby.count()).toBe(1);
      expect(await collect(globby.scan())).toEqual([['k', '1']]);
    } finally {
      await globby.close();
      await neighbour.close();
    }
  });

  for (const prefix of tricky) {
    it(`a scan with prefix ${JSON.stringify(prefix)} yields exactly the keys starting with it`, async () => {
      const db = await open();
      try {
        for (const key of tricky) await db.set(key, `v${key}`);
        const want = tricky.filter((k) => k.startsWith(prefix)).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        const got = (await collect(db.scan({ prefix }))).map(([k]) => k);
        expect(got).toEqual(want);
      } finally {
        await db.close();
      }
    });
  }
});
