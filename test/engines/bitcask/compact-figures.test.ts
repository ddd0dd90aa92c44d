/**
 * compact()'s bytesBefore/bytesAfter are the store's size as stats().diskBytes shows it just
 * before and just after, whatever sealing, hint writing and merging happen in between; the LOCK
 * file (present only while a writer has the store open) is not part of that size.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompactResult, KvsEngine } from '../../../src/index.js';
import { contents, open, tempDir } from './store-dir.js';

async function expectFiguresMatchStats(db: KvsEngine): Promise<CompactResult> {
  const before = (await db.stats()).diskBytes;
  const result = await db.compact();
  const after = (await db.stats()).diskBytes;
  expect(result.bytesBefore).toBe(before);
  expect(result.bytesAfter).toBe(after);
  expect(result.reclaimedBytes).toBe(Math.max(0, before - after));
  return result;
}

describe('bitcask: compact figures match stats', () => {
  it('overwrites in the active file only (no hint yet): bytesBefore is the size before sealing, bytesAfter the size after the merge', async () => {
    const dir = tempDir('figures-active');
    const db = await open(dir, { autoMerge: false });
    try {
      for (let round = 0; round < 5; round++) for (let i = 0; i < 20; i++) await db.set(`k${i}`, `round ${round} value ${i}`);
      const r = await expectFiguresMatchStats(db);
      expect(r.reclaimedBytes).toBeGreaterThan(0);
      expect((await contents(db)).get('k7')).toBe('round 4 value 7');
    } finally {
      await db.close();
    }
  });

  it('several sealed files and deletes: figures match stats, and a second compact with nothing to reclaim changes nothing', async () => {
    const dir = tempDir('figures-sealed');
    const db = await open(dir, { maxFileSize: 1024, autoMerge: false });
    try {
      for (let round = 0; round < 4; round++) for (let i = 0; i < 30; i++) await db.set(`k${i}`, `r${round}-${'x'.repeat(20)}`);
      for (let i = 0; i < 30; i += 3) await db.delete(`k${i}`);
      expect((await db.stats()).dataFiles as number).toBeGreaterThan(3);
      expect((await expectFiguresMatchStats(db)).reclaimedBytes).toBeGreaterThan(0);
      const idle = await expectFiguresMatchStats(db);
      expect(idle.bytesAfter).toBe(idle.bytesBefore);
      expect(idle.details).toMatchObject({ filesMerged: 0 });
      expect(await db.count()).toBe(20);
    } finally {
      await db.close();
    }
  });

  it('a store without dead bytes: compact reports and leaves the same size', async () => {
    const dir = tempDir('figures-clean');
    const db = await open(dir);
    try {
      for (let i = 0; i < 10; i++) await db.set(`k${i}`, `v${i}`);
      const r = await expectFiguresMatchStats(db);
      expect(r).toMatchObject({ bytesAfter: r.bytesBefore, reclaimedBytes: 0 });
    } finally {
      await db.close();
    }
  });

  it('diskBytes leaves out the LOCK file: a read-only and a writable open of the same store report the same size', async () => {
    const dir = tempDir('figures-lock');
    let db = await open(dir);
    for (let i = 0; i < 10; i++) await db.set(`k${i}`, `v${i}`);
    await db.close();
    db = await open(dir, {}, { readOnly: true });
    const readOnly = (await db.stats()).diskBytes;
    await db.close();
    db = await open(dir);
    try {
      expect(fs.statSync(path.join(dir, 'LOCK')).size).toBeGreaterThan(0);
      expect((await db.stats()).diskBytes).toBe(readOnly);
      expect((await db.compact()).bytesBefore).toBe(readOnly);
    } finally {
      await db.close();
    }
  });
});
