/**
 * The edges that the LevelDB-family adapters (level over classic-level, rocksdb) share, as one
 * parameterised describe block: same-process locking, a garbled CURRENT file, a missing data
 * folder, option validation, group commit and the interval sync of the log.
 * Engine-specific edges (cross-process locking, read-only opens, ordering) stay in each engine's test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError, openStore } from '../../../src/index.js';
import { holdInChild, newStore, tempDir } from '../../support/engine-crash.js';

/** `engine` keeps its files in `<store>/<subdir>/`. */
export function describeLevelDbFamilyEdges(engine: 'level' | 'rocksdb', subdir: string): void {
  describe(`${engine}: edges shared by the LevelDB family`, () => {
    it('a store held by another process is LOCKED, names the LOCK file and keeps the cause', async () => {
      const { dir, db } = await newStore(engine);
      await db.set('k', 'v');
      await db.close();
      const held = await holdLocked(engine, path.join(dir, subdir));
      try {
        const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(KvsError);
        expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { sameProcess: false } });
        // The holder's pid, read from /proc/locks.
        expect((err as KvsError).message).toContain(`in use by process ${held.child.pid}`);
        expect(err).toMatchObject({ details: { pid: held.child.pid } });
        expect((err as KvsError).message).toContain(path.join(dir, subdir, 'LOCK'));
        expect((err as KvsError).cause).toBeDefined();
      } finally {
        await held.stop();
      }
      const again = await openStore({ dir });
      expect((await again.get('k'))?.toString()).toBe('v');
      await again.close();
    }, 20_000);

    it('opening the same store twice in one process is LOCKED (same process)', async () => {
      const { dir, db } = await newStore(engine);
      try {
        const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
        expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { sameProcess: true } });
        expect((err as KvsError).message).toContain('in this process');
      } finally {
        await db.close();
      }
    });

    it('a garbled CURRENT file is CORRUPTION naming the file', async () => {
      const { dir, db } = await newStore(engine);
      await db.set('k', 'v');
      await db.close();
      const current = path.join(dir, subdir, 'CURRENT');
      fs.writeFileSync(current, 'garbage-without-newline');
      const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION });
      expect((err as KvsError).message).toContain(current);
    });

    it(`a read-only open of a store whose ${subdir} folder is gone is CORRUPTION (the marker says a store is there), and creates nothing`, async () => {
      const { dir, db } = await newStore(engine);
      await db.close();
      fs.rmSync(path.join(dir, subdir), { recursive: true });
      const err = await openStore({ dir, readOnly: true }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { dir, file: path.join(subdir, 'CURRENT') } });
      expect((err as KvsError).message).toContain(`${subdir}/CURRENT is missing`);
      expect(fs.existsSync(path.join(dir, subdir))).toBe(false);
    });

    it('an unknown engine option or a bad value is INVALID_ARGUMENT naming it, and creates nothing', async () => {
      const dir = tempDir(`kvs-${engine}-`);
      await expect(openStore({ engine, dir, options: { blockSise: 4096 } })).rejects.toThrow(`unknown ${engine} option "blockSise"`);
      await expect(openStore({ engine, dir, options: { cacheSize: -1 } })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
      await expect(openStore({ engine, dir, options: { compression: 'yes' } })).rejects.toThrow(`${engine} option "compression" must be true or false`);
      expect(fs.existsSync(path.join(dir, subdir))).toBe(false);
      const ok = await openStore({ engine, dir, options: { cacheSize: 1 << 20, compression: false } });
      await ok.close();
    });

    it('concurrent writes share native batches (group commit)', async () => {
      const { db } = await newStore(engine, 'always');
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
      const { db } = await newStore(engine, 'interval', { syncIntervalMs: 20 });
      try {
        expect((await db.stats()).intervalSyncs).toBe(0);
        await db.set('k', 'v');
        await expect.poll(async () => (await db.stats()).intervalSyncs as number, { timeout: 5000 }).toBeGreaterThan(0);
        expect(await db.count()).toBe(1); // the sync write of the empty key is not a key
      } finally {
        await db.close();
      }
    });
  });
}

/** A child process holding the database in `dbDir` open for writing through the library itself. */
export function holdLocked(engine: 'level' | 'rocksdb', dbDir: string) {
  const open =
    engine === 'level'
      ? `const { ClassicLevel } = await import('classic-level');
         const db = new ClassicLevel(${JSON.stringify(dbDir)});
         await db.open();
         await db.put('from-child', 'yes');`
      : `const { createRequire } = await import('node:module');
         const db = createRequire(process.cwd() + '/')('rocksdb')(${JSON.stringify(dbDir)});
         await new Promise((res, rej) => db.open({}, (e) => (e ? rej(e) : res())));
         await new Promise((res, rej) => db.put('from-child', 'yes', (e) => (e ? rej(e) : res())));`;
  return holdInChild(`${open}
    console.log('ready');
    setInterval(() => {}, 1000);`);
}
