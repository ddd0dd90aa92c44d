/** The CLI over the redis engine: --url / KVS_REDIS_URL, and the data directory left alone. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { kvs, removeTempDirs, tempDir } from '../../cli/run-kvs.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  removeTempDirs();
  await redis?.stop();
});

describe('kvs --engine redis', () => {
  it('talks to Redis from a folder that holds a Bitcask store, and leaves that store alone', async () => {
    const cwd = tempDir();
    expect((await kvs(['set', 'k', 'on disk'], { cwd })).code).toBe(0);
    const before = fs.readdirSync(path.join(cwd, 'kvs-data')).sort();
    expect(await kvs(['set', 'k', 'in redis', '--engine', 'redis', '--url', redis.url], { cwd })).toMatchObject({ code: 0, stderr: '' });
    expect(await kvs(['get', 'k', '-e', 'redis'], { cwd, env: { KVS_REDIS_URL: redis.url } })).toMatchObject({ code: 0, out: 'in redis' });
    expect(await kvs(['get', 'k'], { cwd })).toMatchObject({ code: 0, out: 'on disk' });
    expect(fs.readdirSync(path.join(cwd, 'kvs-data')).sort()).toEqual(before);
  });

  it('ls and count see the keys of the namespace', async () => {
    const cwd = tempDir();
    const env = { KVS_ENGINE: 'redis', KVS_REDIS_URL: redis.url };
    for (const k of ['b', 'a', 'c']) expect((await kvs(['set', `ls:${k}`, k], { cwd, env })).code).toBe(0);
    expect((await kvs(['ls', '--prefix', 'ls:'], { cwd, env })).out).toMatch(/^ls:a[^\n]*\nls:b[^\n]*\nls:c[^\n]*\n$/);
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('without a URL exits 1 saying to pass --url or set KVS_REDIS_URL', async () => {
    const r = await kvs(['set', 'k', 'v', '--engine', 'redis'], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: the redis engine needs the address of a Redis server: pass --url redis:\/\/HOST:PORT \(or set KVS_REDIS_URL/);
  });

  it('with no server at the URL exits 1 naming it', async () => {
    const port = await freePort();
    const r = await kvs(['get', 'k', '--engine', 'redis', '--url', `redis://127.0.0.1:${port}`], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: no Redis server answers at redis://127.0.0.1:${port} (connection refused); start one or pass --url (or set KVS_REDIS_URL)\n`);
  });

  it('--sync always is refused: Redis decides its own fsyncs', async () => {
    const r = await kvs(['set', 'k', 'v', '--engine', 'redis', '--url', redis.url, '--sync', 'always'], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not support the "always" sync policy; it supports never/);
  });
});
