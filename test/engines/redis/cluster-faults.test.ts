/**
 * The redis engine on a Redis Cluster that misbehaves: slots moving during a scan, a master killed
 * with SIGKILL (with replicas: a failover; without: CLUSTERDOWN). Each case starts its own cluster.
 * Slow (a failover waits for cluster-node-timeout), hence a file of its own.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isKvsError, openStore, type KvsEngine } from '../../../src/index.js';
import { hashSlot } from '../../../src/engines/redis/hash-slot.js';
import { collect } from '../../../src/testing/index.js';
import { startRedisCluster, type RedisCluster } from '../../support/redis-cluster.js';

const keyOf = (i: number): string => `key:${String(i).padStart(5, '0')}`;

/** Runs `body` with a fresh cluster, stopped afterwards. */
async function withCluster(options: Parameters<typeof startRedisCluster>[0], body: (cluster: RedisCluster) => Promise<void>): Promise<void> {
  const cluster = await startRedisCluster(options);
  try {
    await body(cluster);
  } finally {
    await cluster.stop();
  }
}

/** The port of the master that serves `slot`, from CLUSTER SLOTS of a live node. */
async function masterOfSlot(cluster: RedisCluster, via: number, slot: number): Promise<number> {
  const lines = (await cluster.cli(via, 'CLUSTER', 'SLOTS')).trim().split('\n');
  for (let i = 0; i + 3 < lines.length; i++) {
    const [from, to, , port] = [Number(lines[i]), Number(lines[i + 1]), lines[i + 2], Number(lines[i + 3])];
    if (Number.isInteger(from) && Number.isInteger(to) && from <= slot && slot <= to && Number.isInteger(port) && port > 0) return port;
  }
  throw new Error(`no master for slot ${slot}`);
}

describe('slots moving during a scan', () => {
  it('a reshard of 300 slots while scans run loses and duplicates no key', async () => {
    await withCluster({}, async (cluster) => {
      const db = await openStore({ engine: 'redis', url: cluster.url, options: { namespace: 'mv', scanPageKeys: 200 } });
      try {
        const keys = Array.from({ length: 3000 }, (_, i) => keyOf(i));
        for (let i = 0; i < keys.length; i += 500) await db.batch(keys.slice(i, i + 500).map((key) => ({ type: 'set', key, value: key })));
        const before = await cluster.masters();
        const [from, to] = [before[0]!, before[1]!];
        // One scan paused part-way while the slots move, then finished on the new map.
        const paused = db.scan()[Symbol.asyncIterator]();
        const first: string[] = [];
        for (let i = 0; i < 700; i++) first.push((await paused.next()).value![0].toString());
        let resharding = true;
        const reshard = cluster
          .cli(from.port, '--cluster', 'reshard', `127.0.0.1:${from.port}`, '--cluster-from', from.id, '--cluster-to', to.id, '--cluster-slots', '300', '--cluster-yes')
          .finally(() => (resharding = false));
        // Whole scans, back to back, while the reshard runs: each must be exact.
        let during = 0;
        while (resharding) {
          const got = (await collect(db.scan())).map(([k]) => k);
          expect(got.length).toBe(keys.length);
          expect(got).toEqual(keys);
          during++;
        }
        await reshard;
        for (let r = await paused.next(); !r.done; r = await paused.next()) first.push(r.value[0].toString());
        expect(first).toEqual(keys);
        const after = await cluster.masters();
        expect(after.find((m) => m.id === to.id)!.slots).toBe(to.slots + 300);
        expect(during).toBeGreaterThan(0);
        expect(await db.count()).toBe(keys.length);
      } finally {
        await db.close();
      }
    });
  }, 120_000);
});

describe('a master killed with SIGKILL', () => {
  it('with replicas: writes fail clearly during the failover, resume once a replica is promoted, and every later write reads back', async () => {
    await withCluster({ replicas: 1 }, async (cluster) => {
      const db = await openStore({ engine: 'redis', url: cluster.url, options: { namespace: 'fo', commandTimeoutMs: 1000, connectTimeoutMs: 1000 } });
      try {
        const victim = (await cluster.masters())[0]!;
        const victimNode = cluster.nodes.find((node) => node.port === victim.port)!;
        const errors: unknown[] = [];
        const afterPromotion: string[] = [];
        let promotedAt = Infinity;
        let killed = false;
        let killedAt = 0;
        const deadline = Date.now() + 60_000;
        for (let i = 0; afterPromotion.length < 300 && Date.now() < deadline; i++) {
          if (i === 200) {
            await victimNode.kill();
            killed = true;
            killedAt = Date.now();
            void promotion(cluster, victim.port).then(() => (promotedAt = Date.now()));
          }
          const issuedAt = Date.now();
          try {
            await db.set(keyOf(i), `v${i}`);
            if (issuedAt > promotedAt) afterPromotion.push(keyOf(i));
          } catch (err) {
            errors.push(err);
          }
        }
        const messages = [...new Set(errors.map((e) => (e as Error).message.replace(/\d+/g, 'N')))];
        console.log(`failover: ${errors.length} failed writes, promotion ${promotedAt - killedAt} ms after the kill; messages: ${messages.join(' | ')}`);
        expect(killed).toBe(true);
        expect(afterPromotion.length).toBe(300);
        expect(errors.length).toBeGreaterThan(0); // the window was seen, as errors, not as a hang
        for (const err of errors) {
          expect(isKvsError(err) && err.code === ErrorCodes.IO_ERROR, String(err)).toBe(true);
          expect((err as Error).message).toMatch(/127\.0\.0\.1:\d+/);
        }
        for (const key of afterPromotion) expect((await db.get(key))?.toString(), key).toBe(`v${Number(key.slice(4))}`);
        const masters = await cluster.masters();
        expect(masters.map((m) => m.port)).not.toContain(victim.port);
        expect(masters).toHaveLength(3);
      } finally {
        await db.close();
      }
    });
  }, 120_000);

  it('without replicas: CLUSTERDOWN from the survivors and a timeout from the dead node, each naming the node, within bounded time', async () => {
    await withCluster({}, async (cluster) => {
      const db = await openStore({ engine: 'redis', url: cluster.url, options: { namespace: 'dn', commandTimeoutMs: 1500, connectTimeoutMs: 1000 } });
      try {
        const keys = Array.from({ length: 60 }, (_, i) => keyOf(i));
        for (const key of keys) await db.set(key, 'v');
        const victim = (await cluster.masters())[0]!;
        const survivor = cluster.nodes.find((node) => node.port !== victim.port)!;
        const owners = await Promise.all(keys.map((key) => masterOfSlot(cluster, survivor.port, hashSlot(Buffer.from(`dn:${key}`)))));
        const onVictim = keys.find((_, i) => owners[i] === victim.port)!;
        const onSurvivor = keys.find((_, i) => owners[i] !== victim.port)!;
        await cluster.nodes.find((node) => node.port === victim.port)!.kill();
        const deadline = Date.now() + 20_000;
        while (!(await cluster.cli(survivor.port, 'CLUSTER', 'INFO')).includes('cluster_state:fail')) {
          expect(Date.now()).toBeLessThan(deadline);
          await new Promise((r) => setTimeout(r, 50));
        }
        const timed = async (promise: Promise<unknown>): Promise<{ err: unknown; ms: number }> => {
          const start = Date.now();
          const err = await promise.then(() => undefined, (e: unknown) => e);
          return { err, ms: Date.now() - start };
        };
        const down = await timed(db.get(onSurvivor));
        expect(down.err).toMatchObject({ code: ErrorCodes.IO_ERROR });
        expect((down.err as Error).message).toMatch(/^the Redis Cluster is down: node 127\.0\.0\.1:\d+ refused GET \(CLUSTERDOWN/);
        expect((down.err as Error).message).toMatch(/redis-cli --cluster check 127\.0\.0\.1:\d+/);
        const dead = await timed(db.get(onVictim));
        expect(dead.err).toMatchObject({ code: ErrorCodes.IO_ERROR });
        expect((dead.err as Error).message).toContain(`127.0.0.1:${victim.port}`);
        expect(dead.ms).toBeLessThan(10_000);
        console.log(`cluster down: ${down.ms} ms: ${(down.err as Error).message}\ndead node: ${dead.ms} ms: ${(dead.err as Error).message}`);
        const scan = await timed(collect(db.scan()));
        expect(scan.err).toMatchObject({ code: ErrorCodes.IO_ERROR });
        const reopened = await openStore({ engine: 'redis', url: survivor.url }).catch((e: unknown) => e);
        expect(reopened).toMatchObject({ code: ErrorCodes.ENGINE_UNAVAILABLE });
        expect((reopened as Error).message).toMatch(/is down \(cluster_state:fail/);
      } finally {
        await closeWithin(db, 10_000);
      }
    });
  }, 120_000);
});

/** Resolves once a replica has replaced the master on `port` (three masters, none of them it) and the cluster is ok. */
async function promotion(cluster: RedisCluster, port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const masters = await cluster.masters().catch(() => []);
    if (masters.length === 3 && !masters.some((m) => m.port === port)) break;
    if (Date.now() > deadline) throw new Error(`no replica took over from ${port} within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await cluster.waitUntilOk(60_000);
}

/** close() must return (bounded) even with a node gone. */
async function closeWithin(db: KvsEngine, ms: number): Promise<void> {
  const start = Date.now();
  await db.close();
  expect(Date.now() - start).toBeLessThan(ms);
}
