/** The redis engine on a real three-master Redis Cluster: routing, per-slot batches, paged scans, per-node stats, seeds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, openStore, type KvsEngine } from '../../../src/index.js';
import { hashSlot } from '../../../src/engines/redis/hash-slot.js';
import { collect } from '../../../src/testing/index.js';
import { startRedisCluster, type RedisCluster } from '../../support/redis-cluster.js';
import { freePort } from '../../support/redis-server.js';

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(() => cluster?.stop());

let n = 0;
const open = (options: Record<string, unknown> = {}, url = cluster.url): Promise<KvsEngine> =>
  openStore({ engine: 'redis', url, options: { namespace: `c${n++}`, ...options } });

const keyOf = (i: number): string => `key:${String(i).padStart(5, '0')}`;

describe('a store on a Redis Cluster', () => {
  it('says its batches are not atomic across slots (supports.atomicBatch false), and applies them in order per key', async () => {
    const db = await open({ namespace: 'spread' });
    try {
      expect(db.supports.atomicBatch).toBe(false);
      expect(db.supports.orderedScan).toBe(true);
      const keys = Array.from({ length: 40 }, (_, i) => keyOf(i));
      expect(new Set(keys.map((k) => hashSlot(Buffer.from(`spread:${k}`)))).size).toBeGreaterThan(1);
      await db.batch([...keys.map((key) => ({ type: 'set' as const, key, value: 'first' })), ...keys.map((key, i) => (i % 2 ? { type: 'delete' as const, key } : { type: 'set' as const, key, value: 'second' }))]);
      expect((await collect(db.scan())).map(([k, v]) => `${k}=${v}`)).toEqual(keys.filter((_, i) => i % 2 === 0).map((k) => `${k}=second`));
    } finally {
      await db.close();
    }
  });

  it('operations issued without awaiting reach the key in issue order, single-slot MULTI batches included', async () => {
    const db = await open();
    try {
      for (let i = 0; i < 100; i++) {
        const k = keyOf(i);
        const writes = [
          db.set(k, '1'),
          db.batch([{ type: 'set', key: k, value: '2' }, { type: 'set', key: `other${i}`, value: 'x' }]), // two slots: two commands
          db.delete(k),
          db.batch([{ type: 'set', key: k, value: '3' }, { type: 'set', key: k, value: '4' }]), // one slot: MULTI/EXEC
          db.set(k, '5'),
        ];
        const read = db.get(k);
        await Promise.all(writes);
        expect((await read)?.toString(), k).toBe('5');
      }
    } finally {
      await db.close();
    }
  });

  it('a batch whose keys share a {hash tag} runs as one MULTI/EXEC on one node', async () => {
    const db = await open({ namespace: 'tagged' });
    try {
      const ops = ['a', 'b', 'c'].map((k) => ({ type: 'set' as const, key: `{order42}:${k}`, value: k }));
      expect(new Set(ops.map((op) => hashSlot(Buffer.from(`tagged:${op.key}`)))).size).toBe(1);
      await db.batch(ops);
      expect(await db.count()).toBe(3);
    } finally {
      await db.close();
    }
  });

  it('stats and compact report every master: its slots, the namespace keys on it and its memory', async () => {
    const db = await open();
    try {
      for (let i = 0; i < 300; i++) await db.set(keyOf(i), 'v');
      const stats = await db.stats();
      expect(stats).toMatchObject({ engine: 'redis', keys: 300, mode: 'cluster', masters: 3 });
      const nodes = stats.nodes as { node: string; slots: number; keys: number; usedMemory: number }[];
      expect(nodes.reduce((sum, node) => sum + node.slots, 0)).toBe(16384);
      expect(nodes.reduce((sum, node) => sum + node.keys, 0)).toBe(300);
      for (const node of nodes) {
        expect(node.keys, node.node).toBeGreaterThan(0);
        expect(node.usedMemory).toBeGreaterThan(0);
      }
      expect(((await db.compact()).details.nodes as unknown[]).length).toBe(3);
    } finally {
      await db.close();
    }
  });

  for (const reverse of [false, true]) {
    it(`a ${reverse ? 'reverse ' : ''}scan of many pages (scanPageKeys 7) yields every key once, in byte order`, async () => {
      const db = await open({ scanPageKeys: 7, scanCount: 10 });
      try {
        const keys = Array.from({ length: 250 }, (_, i) => keyOf(i));
        await db.batch(keys.map((key) => ({ type: 'set', key, value: key })));
        const want = reverse ? [...keys].reverse() : keys;
        expect((await collect(db.scan({ reverse }))).map(([k]) => k)).toEqual(want);
        expect((await collect(db.scan({ reverse, limit: 100 }))).map(([k]) => k)).toEqual(want.slice(0, 100));
        expect((await collect(db.scan({ reverse, gte: keyOf(17), lt: keyOf(213) }))).map(([k]) => k)).toEqual(want.filter((k) => k >= keyOf(17) && k < keyOf(213)));
      } finally {
        await db.close();
      }
    });
  }

  it('a key written ahead of the scan position while it runs is seen; one deleted ahead of it is not', async () => {
    const db = await open({ scanPageKeys: 4 });
    try {
      for (let i = 0; i < 20; i += 2) await db.set(keyOf(i), 'v');
      const seen: string[] = [];
      for await (const [key] of db.scan()) {
        seen.push(key.toString());
        if (seen.length === 1) {
          await db.set(keyOf(15), 'new');
          await db.delete(keyOf(16));
        }
      }
      expect(seen).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 15, 18].map(keyOf));
    } finally {
      await db.close();
    }
  });
});

describe('seed nodes', () => {
  it('a comma-separated --url list opens through the first seed that answers', async () => {
    const dead = await freePort();
    const db = await open({}, `redis://127.0.0.1:${dead},127.0.0.1:${cluster.nodes[1]!.port}`);
    try {
      await db.set('k', 'v');
      expect((await db.get('k'))!.toString()).toBe('v');
      expect((await db.stats()).url).toBe(`redis://127.0.0.1:${dead},redis://127.0.0.1:${cluster.nodes[1]!.port}`);
    } finally {
      await db.close();
    }
  });

  it('when no seed answers, the error names each of them', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const err = await open({}, `redis://127.0.0.1:${a},127.0.0.1:${b}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.ENGINE_UNAVAILABLE });
    expect((err as Error).message).toMatch(new RegExp(`none of the 2 seed nodes answered: .*127.0.0.1:${a}.*127.0.0.1:${b}`));
  });

  it('an empty item in the list is INVALID_ARGUMENT', async () => {
    await expect(open({}, `${cluster.url},,127.0.0.1:1`)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });

  it('a database other than 0 on a cluster node is INVALID_ARGUMENT saying a cluster has database 0 only', async () => {
    const err = await open({}, `${cluster.url}/3`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect((err as Error).message).toMatch(/a cluster has database 0 only/);
  });
});

describe('a cluster with a password', () => {
  let secured: RedisCluster;
  beforeAll(async () => {
    secured = await startRedisCluster({ password: 'cl pw' });
  });
  afterAll(() => secured?.stop());

  it('a wrong password is INVALID_ARGUMENT naming the node, with the password hidden', async () => {
    const url = `redis://:wrong-guess@127.0.0.1:${secured.nodes[0]!.port}`;
    const err = await openStore({ engine: 'redis', url }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect((err as Error).message).toContain(`the Redis server at redis://:***@127.0.0.1:${secured.nodes[0]!.port} rejected the user name or password`);
    expect((err as Error).message).not.toContain('wrong-guess');
  });

  it('a seed list hides the password of every item it shows', async () => {
    const [a, b] = [secured.nodes[0]!.port, secured.nodes[1]!.port];
    const db = await openStore({ engine: 'redis', url: `redis://:cl%20pw@127.0.0.1:${a},redis://:cl%20pw@127.0.0.1:${b}`, options: { namespace: 'hidden' } });
    try {
      expect((await db.stats()).url).toBe(`redis://:***@127.0.0.1:${a},redis://:***@127.0.0.1:${b}`);
    } finally {
      await db.close();
    }
  });

  it('the right password reaches every master (keys land on all three)', async () => {
    const db = await openStore({ engine: 'redis', url: secured.url });
    try {
      for (let i = 0; i < 100; i++) await db.set(keyOf(i), 'v');
      expect(await db.count()).toBe(100);
      for (const node of (await db.stats()).nodes as { keys: number }[]) expect(node.keys).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
