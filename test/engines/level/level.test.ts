/** LevelDB engine edges: error mapping (lock, corruption, missing data), write ordering, sync timer. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError, openStore } from '../../../src/index.js';
import { holdInChild, tempDir } from './child.js';

async function newStore(sync: 'always' | 'interval' | 'never' = 'never', extra: { syncIntervalMs?: number } = {}) {
  const dir = tempDir('kvs-level-');
  const db = await openStore({ engine: 'level', dir, sync, ...extra });
  return { dir, db };
}

describe('level: errors', () => {
  it('a store held by another process is LOCKED, names the LOCK file and keeps the cause', async () => {
    const { dir, db } = await newStore();
    await db.set('k', 'v');
    await db.close();
    const held = await holdInChild(`
      const { ClassicLevel } = await import('classic-level');
      const db = new ClassicLevel(${JSON.stringify(path.join(dir, 'leveldb'))});
      await db.open();
      console.log('ready');
      setInterval(() => {}, 1000);`);
    try {
      const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(KvsError);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED });
      expect((err as KvsError).message).toContain('in use by another process');
      expect((err as KvsError).message).toContain(path.join(dir, 'leveldb', 'LOCK'));
      expect((err as KvsError).cause).toBeDefined();
      // No read-only mode in classic-level: a read command also needs the LOCK.
      await expect(openStore({ dir, readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.LOCKED });
    } finally {
      await held.stop();
    }
    const again = await openStore({ dir });
    expect((await again.get('k'))?.toString()).toBe('v');
    await again.close();
  }, 20_000);

  it('opening the same store twice in one process is LOCKED (same process)', async () => {
    const { dir, db } = await newStore();
    try {
      const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { sameProcess: true } });
      expect((err as KvsError).message).toContain('already open in this process');
    } finally {
      await db.close();
    }
  });

  it('a garbled CURRENT file is CORRUPTION naming the file', async () => {
    const { dir, db } = await newStore();
    await db.set('k', 'v');
    await db.close();
    const current = path.join(dir, 'leveldb', 'CURRENT');
    fs.writeFileSync(current, 'garbage-without-newline');
    const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect((err as KvsError).message).toContain(current);
  });

  it('a read-only open of a store whose leveldb folder is gone is STORE_NOT_FOUND, and creates nothing', async () => {
    const { dir, db } = await newStore();
    await db.close();
    fs.rmSync(path.join(dir, 'leveldb'), { recursive: true });
    await expect(openStore({ dir, readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.STORE_NOT_FOUND });
    expect(fs.existsSync(path.join(dir, 'leveldb'))).toBe(false);
  });

  it('an unknown engine option is INVALID_ARGUMENT', async () => {
    const dir = tempDir('kvs-level-');
    await expect(openStore({ engine: 'level', dir, options: { blockSise: 4096 } })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(openStore({ engine: 'level', dir, options: { cacheSize: -1 } })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });
});

describe('level: ordering and batching', () => {
  it('writes issued without awaiting apply in issue order and each get sees the writes before it', async () => {
    const { db } = await newStore();
    try {
      const pending = [db.set('a', '1'), db.delete('a'), db.set('a', '2'), db.batch([{ type: 'set', key: 'b', value: 'x' }, { type: 'delete', key: 'a' }]), db.set('a', '3')];
      const reads = [db.get('a'), db.get('b'), db.has('a')];
      await Promise.all(pending);
      expect((await reads[0])?.toString()).toBe('3');
      expect((await reads[1])?.toString()).toBe('x');
      expect(await reads[2]).toBe(true);
      expect(await pending[1]).toBe(true); // the delete saw the set issued before it
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

  it('the interval policy fsyncs the log on its timer once there are writes', async () => {
    const { db } = await newStore('interval', { syncIntervalMs: 20 });
    try {
      expect((await db.stats()).intervalSyncs).toBe(0);
      await db.set('k', 'v');
      await expect.poll(async () => (await db.stats()).intervalSyncs as number, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('compact reclaims space of overwritten values', async () => {
    const { db } = await newStore();
    try {
      const big = Buffer.alloc(10_000, 1);
      for (let round = 0; round < 5; round++) for (let i = 0; i < 50; i++) await db.set(`k${i}`, big);
      const result = await db.compact();
      expect(result.reclaimedBytes).toBeGreaterThan(0);
      expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
      expect(await db.count()).toBe(50);
    } finally {
      await db.close();
    }
  });
});
