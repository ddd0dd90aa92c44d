/** `kvs migrate` end to end: stores of different engines copied through the built CLI, compared key by key. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type KvsEngine } from '../../src/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { dump, kvs, removeTempDirs, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);


/** A bitcask store with text, binary and large entries, some overwritten or deleted; resolves to its dump. */
async function seed(dir: string, keys = 2500): Promise<[string, string][]> {
  const db: KvsEngine = await openStore({ dir, engine: 'bitcask', sync: 'never' });
  for (let i = 0; i < keys; i++) await db.set(`key:${String(i).padStart(5, '0')}`, `value ${i}`);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await db.set(all, all); // every byte value, in key and value
  await db.set(Buffer.from([0]), Buffer.alloc(0)); // empty value
  await db.set(Buffer.from([0xff, 0xfe]), Buffer.alloc(300 * 1024, 7)); // larger than one batch's byte budget share
  await db.set('ключ', 'значение');
  for (let i = 0; i < keys; i += 10) await db.delete(`key:${String(i).padStart(5, '0')}`);
  for (let i = 1; i < keys; i += 10) await db.set(`key:${String(i).padStart(5, '0')}`, 'overwritten');
  await db.close();
  return dump({ dir });
}

describe('kvs migrate copies every key between engines', () => {
  it('bitcask -> sqlite -> level keeps every key and value byte for byte', async () => {
    const cwd = tempDir();
    const want = await seed(path.join(cwd, 'bitcask'));
    const first = await kvs(['migrate', '--from-dir', 'bitcask', '--to-dir', 'sqlite', '--to-engine', 'sqlite', '--batch', '128'], { cwd });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`^Copied ${want.length} keys \\(.+\\) from bitcask \\(bitcask\\) to sqlite \\(sqlite\\) in [0-9.]+ s\\n$`));
    expect(await dump({ dir: path.join(cwd, 'sqlite') })).toEqual(want);

    const second = await kvs(['migrate', '--from-dir', 'sqlite', '--to-dir', 'level', '--to-engine', 'level', '--json'], { cwd });
    expect(second.code).toBe(0);
    const result = JSON.parse(second.out) as Record<string, unknown>;
    expect(result).toMatchObject({ keys: want.length, sourceEngine: 'sqlite', destinationEngine: 'level', destinationKeysBefore: 0, destinationKeysAfter: want.length });
    expect(await dump({ dir: path.join(cwd, 'level') })).toEqual(want);
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'level', 'kvs-store.json'), 'utf8')).engine).toBe('level');
  }, 120_000);

  it('bitcask -> lsm keeps every key and value', async () => {
    const cwd = tempDir();
    const want = await seed(path.join(cwd, 'bitcask'), 500);
    const r = await kvs(['migrate', '--from-dir', 'bitcask', '--to-dir', 'lsm', '--to-engine', 'lsm', '--batch', '64'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await dump({ dir: path.join(cwd, 'lsm') })).toEqual(want);
  }, 120_000);

  describe('through a Redis server', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    it('bitcask -> redis -> bitcask round-trips every key and value', async () => {
      const cwd = tempDir();
      const want = await seed(path.join(cwd, 'src'), 300);
      const up = await kvs(['migrate', '--from-dir', 'src', '--to-engine', 'redis', '--to-url', redis.url], { cwd });
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      expect(up.out).toContain(`to ${redis.url} (redis)`);
      expect(await dump({ engine: 'redis', url: redis.url })).toEqual(want);
      const down = await kvs(['migrate', '--from-engine', 'redis', '--from-url', redis.url, '--to-dir', 'back', '--to-engine', 'bitcask'], { cwd });
      expect(down.code).toBe(0);
      expect(await dump({ dir: path.join(cwd, 'back') })).toEqual(want);
    }, 120_000);
  });
});

describe('kvs migrate refuses bad input and changes nothing', () => {
  it('the same directory on both sides', async () => {
    const cwd = tempDir();
    const want = await seed(path.join(cwd, 'db'), 20);
    const r = await kvs(['migrate', '--from-dir', 'db', '--to-dir', './db/', '--to-engine', 'bitcask', '--force'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: the source and the destination are the same directory .*db\); name a different --to-dir\n$/);
    expect(await dump({ dir: path.join(cwd, 'db') })).toEqual(want);
  });

  it('an unknown destination engine, before creating the destination', async () => {
    const cwd = tempDir();
    await seed(path.join(cwd, 'db'), 5);
    const r = await kvs(['migrate', '--from-dir', 'db', '--to-dir', 'out', '--to-engine', 'nope'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: unknown engine "nope"; known engines: .*bitcask/);
    expect(fs.existsSync(path.join(cwd, 'out'))).toBe(false);
  });

  it('the memory engine as destination, which would keep nothing', async () => {
    const cwd = tempDir();
    await seed(path.join(cwd, 'db'), 5);
    const r = await kvs(['migrate', '--from-dir', 'db', '--to-engine', 'memory'], { cwd });
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.stderr).toBe('Error: the memory engine keeps nothing once the migration ends; choose an engine that stores data (see `kvs engines`)\n');
  });

  it('a missing source, before creating the destination', async () => {
    const cwd = tempDir();
    const r = await kvs(['migrate', '--from-dir', 'nothing-here', '--to-dir', 'out', '--to-engine', 'sqlite'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: the source .*nothing-here holds no kvs store; check --from-dir/);
    expect(fs.existsSync(path.join(cwd, 'out'))).toBe(false);
    expect(fs.existsSync(path.join(cwd, 'nothing-here'))).toBe(false);
  });

  it('a destination that already holds keys, unless --force (which overwrites shared keys and keeps the rest)', async () => {
    const cwd = tempDir();
    const want = await seed(path.join(cwd, 'src'), 50);
    const dest = await openStore({ dir: path.join(cwd, 'dest'), engine: 'sqlite' });
    await dest.set('key:00001', 'old');
    await dest.set('only-in-dest', 'kept');
    await dest.close();

    const refused = await kvs(['migrate', '--from-dir', 'src', '--to-dir', 'dest', '--to-engine', 'sqlite'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds 2 keys; .*--force/);
    expect((await dump({ dir: path.join(cwd, 'dest') })).length).toBe(2);

    const forced = await kvs(['migrate', '--from-dir', 'src', '--to-dir', 'dest', '--to-engine', 'sqlite', '--force', '--json'], { cwd });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.out)).toMatchObject({ keys: want.length, destinationKeysBefore: 2, destinationKeysAfter: want.length + 1 });
    const after = new Map(await dump({ dir: path.join(cwd, 'dest') }));
    for (const [k, v] of want) expect(after.get(k)).toBe(v);
    expect(after.get(Buffer.from('only-in-dest').toString('hex'))).toBe(Buffer.from('kept').toString('hex'));
  });

  it('a destination engine that needs a directory but got none', async () => {
    const cwd = tempDir();
    await seed(path.join(cwd, 'src'), 5);
    const r = await kvs(['migrate', '--from-dir', 'src', '--to-engine', 'sqlite'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: the sqlite engine keeps its data on disk: name the destination directory \(--to-dir\)\n$/);
  });

  it('no --to-engine or a zero --batch is a usage error (exit 2)', async () => {
    const cwd = tempDir();
    expect((await kvs(['migrate', '--from-dir', 'a', '--to-dir', 'b'], { cwd })).code).toBe(2);
    expect((await kvs(['migrate', '--from-dir', 'a', '--to-dir', 'b', '--to-engine', 'sqlite', '--batch', '0'], { cwd })).code).toBe(2);
  });
});
