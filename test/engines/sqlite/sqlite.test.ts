/** SQLite engine edges: error mapping (write lock, not-a-database, missing file), sync mapping, compaction. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError, openStore } from '../../../src/index.js';
import { holdInChild, tempDir } from '../../support/engine-crash.js';

async function newStore(sync: 'always' | 'interval' | 'never' = 'never', extra: { syncIntervalMs?: number; options?: Record<string, unknown> } = {}) {
  const dir = tempDir('kvs-sqlite-');
  const db = await openStore({ engine: 'sqlite', dir, sync, ...extra });
  return { dir, db, file: path.join(dir, 'kvs.sqlite') };
}

/** A child process inside an open write transaction (BEGIN IMMEDIATE) on `file`. */
function holdWriteLock(file: string) {
  return holdInChild(`
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)').run(Buffer.from('uncommitted'), Buffer.from('x'));
    console.log('ready');
    setInterval(() => {}, 1000);`);
}

describe('sqlite: errors', () => {
  it('a write while another process holds the write lock is LOCKED after busyTimeoutMs; nothing is written', async () => {
    const { dir, db, file } = await newStore();
    await db.set('k', 'v');
    await db.close();
    const held = await holdWriteLock(file);
    const busy = await openStore({ dir, options: { busyTimeoutMs: 50 } });
    try {
      const err = await busy.set('k', 'w').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(KvsError);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED });
      expect((err as KvsError).message).toContain('in use by another process');
      expect((err as KvsError).message).toContain(file);
      expect((err as KvsError).cause).toMatchObject({ code: 'SQLITE_BUSY' });
      // WAL readers never wait for the writer, and do not see its uncommitted row.
      expect((await busy.get('k'))?.toString()).toBe('v');
      expect(await busy.get('uncommitted')).toBeUndefined();
    } finally {
      await held.stop();
      await busy.close();
    }
    const after = await openStore({ dir, readOnly: true });
    expect((await after.get('k'))?.toString()).toBe('v');
    await after.close();
  }, 20_000);

  it('a read-only open works while another process holds the write lock', async () => {
    const { dir, db, file } = await newStore();
    await db.set('k', 'v');
    await db.close();
    const held = await holdWriteLock(file);
    try {
      const ro = await openStore({ dir, readOnly: true });
      expect((await ro.get('k'))?.toString()).toBe('v');
      expect(await ro.count()).toBe(1);
      await ro.close();
    } finally {
      await held.stop();
    }
  }, 20_000);

  it('a database file that is not SQLite is CORRUPTION naming the file', async () => {
    const { dir, db, file } = await newStore();
    await db.close();
    fs.writeFileSync(file, Buffer.alloc(8192, 0x5a));
    for (const f of ['-wal', '-shm']) fs.rmSync(file + f, { force: true });
    const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file } });
    expect((err as KvsError).message).toContain(file);
  });

  it('a read-only open of a store whose database file is gone is CORRUPTION (the marker says a store is there), and creates nothing', async () => {
    const { dir, db, file } = await newStore();
    await db.close();
    fs.rmSync(file);
    await expect(openStore({ dir, readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    await expect(openStore({ dir })).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('unknown or negative engine options are INVALID_ARGUMENT', async () => {
    const dir = tempDir('kvs-sqlite-');
    await expect(openStore({ engine: 'sqlite', dir, options: { busyTimeout: 5 } })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(openStore({ engine: 'sqlite', dir, options: { cacheKiB: -1 } })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });
});

describe('sqlite: sync policies and maintenance', () => {
  it('always maps to synchronous=FULL, interval and never to NORMAL, all in WAL mode', async () => {
    for (const [sync, expected] of [['always', 'FULL'], ['interval', 'NORMAL'], ['never', 'NORMAL']] as const) {
      const { db } = await newStore(sync);
      const stats = await db.stats();
      expect(stats.synchronous).toBe(expected);
      expect(stats.journalMode).toBe('wal');
      await db.close();
    }
  });

  it('the interval policy checkpoints (fsyncing the WAL) on its timer once there are writes', async () => {
    const { db } = await newStore('interval', { syncIntervalMs: 20 });
    try {
      await db.set('k', 'v');
      await expect.poll(async () => (await db.stats()).checkpoints as number, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('compact (VACUUM) gives back the pages of deleted values', async () => {
    const { db } = await newStore();
    try {
      for (let i = 0; i < 100; i++) await db.set(`k${i}`, Buffer.alloc(20_000, i));
      for (let i = 0; i < 90; i++) await db.delete(`k${i}`);
      const result = await db.compact();
      expect(result.reclaimedBytes).toBeGreaterThan(1_000_000);
      expect(result.bytesBefore - result.bytesAfter).toBe(result.reclaimedBytes);
      expect(await db.count()).toBe(10);
      expect((await db.get('k95'))?.equals(Buffer.alloc(20_000, 95))).toBe(true);
    } finally {
      await db.close();
    }
  });
});
