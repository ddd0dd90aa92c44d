/** RocksDB engine edges: error mapping (lock, corruption, missing data), read-only beside a writer, write ordering. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError, openStore } from '../../../src/index.js';
import { holdInChild, tempDir } from '../level/child.js';

async function newStore(sync: 'always' | 'interval' | 'never' = 'never', extra: { syncIntervalMs?: number } = {}) {
  const dir = tempDir('kvs-rocksdb-');
  const db = await openStore({ engine: 'rocksdb', dir, sync, ...extra });
  return { dir, db };
}

/** A child holding the store's RocksDB folder open for writing through the raw binding. */
function holdRocks(dir: string) {
  return holdInChild(`
    const { createRequire } = await import('node:module');
    const rocksdb = createRequire(process.cwd() + '/')('rocksdb');
    const db = rocksdb(${JSON.stringify(path.join(dir, 'rocksdb'))});
    await new Promise((res, rej) => db.open({}, (e) => (e ? rej(e) : res())));
    await new Promise((res, rej) => db.put('from-child', 'yes', (e) => (e ? rej(e) : res())));
    console.log('ready');
    setInterval(() => {}, 1000);`);
}

describe('rocksdb: errors', () => {
  it('a store held by another process is LOCKED for writers, names the LOCK file and keeps the cause', async () => {
    const { dir, db } = await newStore();
    await db.close();
    const held = await holdRocks(dir);
    try {
      const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(KvsError);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { sameProcess: false } });
      expect((err as KvsError).message).toContain('in use by another process');
      expect((err as KvsError).message).toContain(path.join(dir, 'rocksdb', 'LOCK'));
      expect((err as KvsError).cause).toBeDefined();
    } finally {
      await held.stop();
    }
  }, 20_000);

  it('a read-only open works while another process holds the store, and sees its writes so far', async () => {
    const { dir, db } = await newStore();
    await db.set('mine', '1');
    await db.close();
    const held = await holdRocks(dir);
    try {
      const ro = await openStore({ dir, readOnly: true });
      expect((await ro.get('mine'))?.toString()).toBe('1');
      expect((await ro.get('from-child'))?.toString()).toBe('yes');
      await expect(ro.set('x', 'y')).rejects.toMatchObject({ code: ErrorCodes.READ_ONLY });
      await ro.close();
    } finally {
      await held.stop();
    }
  }, 20_000);

  it('opening the same store twice in one process is LOCKED (same process)', async () => {
    const { dir, db } = await newStore();
    try {
      const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { sameProcess: true } });
    } finally {
      await db.close();
    }
  });

  it('a garbled CURRENT file is CORRUPTION naming the file', async () => {
    const { dir, db } = await newStore();
    await db.set('k', 'v');
    await db.close();
    const current = path.join(dir, 'rocksdb', 'CURRENT');
    fs.writeFileSync(current, 'garbage-without-newline');
    const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect((err as KvsError).message).toContain(current);
  });

  it('a read-only open of a store whose rocksdb folder is gone is STORE_NOT_FOUND, and creates nothing', async () => {
    const { dir, db } = await newStore();
    await db.close();
    fs.rmSync(path.join(dir, 'rocksdb'), { recursive: true });
    await expect(openStore({ dir, readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.STORE_NOT_FOUND });
    expect(fs.existsSync(path.join(dir, 'rocksdb'))).toBe(false);
  });
});

describe('rocksdb: ordering and batching', () => {
  it('a delete then a set of the same key, unawaited: the delete saw the key and the set wins', async () => {
    const { db } = await newStore();
    try {
      await db.set('k', 'old');
      const deleted = db.delete('k');
      const set = db.set('k', 'new');
      const missing = db.delete('never-set');
      const read = db.get('k');
      expect(await deleted).toBe(true);
      expect(await missing).toBe(false);
      await set;
      expect((await read)?.toString()).toBe('new');
      expect((await db.get('k'))?.toString()).toBe('new');
    } finally {
      await db.close();
    }
  });

  it('concurrent writes share native batches (group commit)', async () => {
    const { db } = await newStore('always');
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => db.set(`k${i}`, `v${i}`)));
      const stats = await db.stats();
      expect(stats.keys).toBe(200);
      expect(stats.nativeBatches as number).toBeLessThan(200);
    } finally {
      await db.close();
    }
  });

  it('the interval policy fsyncs the WAL on its timer once there are writes', async () => {
    const { db } = await newStore('interval', { syncIntervalMs: 20 });
    try {
      await db.set('k', 'v');
      await expect.poll(async () => (await db.stats()).intervalSyncs as number, { timeout: 5000 }).toBeGreaterThan(0);
      expect(await db.count()).toBe(1); // the sync write of the empty key is not a key
    } finally {
      await db.close();
    }
  });
});
