/** The CLI against a real Redis Cluster: migrate bitcask → cluster → bitcask key by key, bench, and the data commands. */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/index.js';
import { startRedisCluster, type RedisCluster } from '../../support/redis-cluster.js';
import { dump, kvs, removeTempDirs, tempDir } from '../../cli/run-kvs.js';
import { spawnServer } from '../../server/resp/spawn-server.js';
import { createClient } from 'redis';

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  removeTempDirs();
  await cluster?.stop();
});


describe('kvs against a Redis Cluster', () => {
  it('migrate bitcask -> cluster -> bitcask keeps every key and value byte for byte, binary ones included', async () => {
    const cwd = tempDir();
    const src = await openStore({ dir: path.join(cwd, 'src'), engine: 'bitcask', sync: 'never' });
    for (let i = 0; i < 2000; i++) await src.set(`key:${String(i).padStart(5, '0')}`, `value ${i}`);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await src.set(all, all);
    await src.set(Buffer.from([0]), Buffer.alloc(0));
    await src.set(Buffer.from('{tag}\xff', 'latin1'), Buffer.alloc(200 * 1024, 7));
    await src.set('ключ', 'значение');
    await src.close();
    const want = await dump({ dir: path.join(cwd, 'src') });
    expect(want.length).toBe(2004);

    const up = await kvs(['migrate', '--from-dir', 'src', '--to-engine', 'redis', '--to-url', cluster.seeds, '--batch', '500'], { cwd });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/^Copied 2004 keys .* to redis:\/\/127\.0\.0\.1:\d+,/);
    expect(await dump({ engine: 'redis', url: cluster.url })).toEqual(want);
    for (const { port } of await cluster.masters()) expect(Number(await cluster.cli(port, 'DBSIZE')), `master ${port}`).toBeGreaterThan(400);

    const down = await kvs(['migrate', '--from-engine', 'redis', '--from-url', cluster.url, '--to-dir', 'back', '--to-engine', 'bitcask'], { cwd });
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(await dump({ dir: path.join(cwd, 'back') })).toEqual(want);
  }, 120_000);

  it('set, get, ls, count and stats work through one seed node', async () => {
    const cwd = tempDir();
    const env = { KVS_ENGINE: 'redis', KVS_REDIS_URL: cluster.nodes[2]!.url };
    const before = Number((await kvs(['count'], { cwd, env })).out.trim()); // the migrate test's keys share the default namespace
    for (const k of ['b', 'a', 'c', 'd', 'e']) expect((await kvs(['set', `cli:${k}`, k], { cwd, env })).code).toBe(0);
    expect(await kvs(['get', 'cli:c'], { cwd, env })).toMatchObject({ code: 0, out: 'c' });
    expect((await kvs(['ls', '--prefix', 'cli:'], { cwd, env })).out).toMatch(/^cli:a[^\n]*\ncli:b[^\n]*\ncli:c[^\n]*\ncli:d[^\n]*\ncli:e[^\n]*\n$/);
    expect(Number((await kvs(['count'], { cwd, env })).out.trim())).toBe(before + 5);
    const stats = await kvs(['stats', '--json'], { cwd, env });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.out)).toMatchObject({ engine: 'redis', mode: 'cluster', masters: 3, keys: before + 5 });
  }, 60_000);

  it('bench --engines redis --url runs its workloads on the cluster and leaves nothing behind', async () => {
    const cwd = tempDir();
    const r = await kvs(['bench', '--engines', 'redis', '--url', cluster.url, '--workloads', 'fillrandom,readrandom', '--num', '300', '--repeats', '1', '--no-warmup', '--json'], { cwd });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { runs: { engine: string; workloads: { workload: string }[] }[] };
    const names = report.runs.flatMap((run) => run.workloads.map((w) => w.workload));
    expect(names).toEqual(expect.arrayContaining(['fillrandom', 'readrandom']));
    for (const { port } of await cluster.masters()) expect(await cluster.cli(port, '--scan', '--pattern', 'kvs-bench-*')).toBe('');
  }, 120_000);

  it('kvs server serves a store on the cluster over RESP', async () => {
    const cwd = tempDir();
    const server = await spawnServer(['--engine', 'redis', '--url', cluster.url], cwd);
    const client = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP: 2 }); // kvs server speaks RESP2
    try {
      await client.connect();
      for (let i = 0; i < 30; i++) expect(await client.sendCommand(['SET', `srv:${i}`, `v${i}`])).toBe('OK');
      expect(await client.sendCommand(['GET', 'srv:7'])).toBe('v7');
      const db = await openStore({ engine: 'redis', url: cluster.url });
      try {
        expect((await db.get('srv:29'))?.toString()).toBe('v29');
      } finally {
        await db.close();
      }
    } finally {
      client.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);
});
