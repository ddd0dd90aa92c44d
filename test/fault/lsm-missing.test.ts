/**
 * Missing lsm files: the manifest names the WAL of the writes not yet in a table (its log
 * number) and every live table, so a missing one is CORRUPTION naming it, and the open changes
 * nothing (before: a missing WAL on a cleanly closed store brought deleted keys back and served
 * stale values, with no error).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { tempStoreDir } from '../support/temp-store-dir.js';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, filesOf, freshCopy, openAndRead, snapshotDir, type ReferenceStore } from '../support/fault-store.js';
import { LSM_OPTIONS, MANIFEST, newest, TABLE, WAL } from './lsm-support.js';

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('lsm', LSM_OPTIONS);
}, 120_000);

async function expectRefusedNaming(dir: string, name: string): Promise<void> {
  const before = snapshotDir(dir);
  for (const readOnly of [false, true]) {
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind, `readOnly ${readOnly}`).toBe('refused');
    if (outcome.kind !== 'refused') continue;
    expectCorruptionNamingFile(outcome.error);
    expect(outcome.error.details.file).toBe(name);
    expect(outcome.error.message).toContain('is missing');
  }
  expect(snapshotDir(dir)).toEqual(before);
}

describe('lsm: a missing file', () => {
  it('the WAL of a cleanly closed store: CORRUPTION naming it (not deleted keys back and stale values)', async () => {
    const dir = freshCopy(ref, 'missing-wal');
    const wal = newest(dir, WAL);
    fs.rmSync(wal);
    await expectRefusedNaming(dir, path.basename(wal));
  });

  for (const which of ['first', 'last'] as const) {
    it(`the ${which} table: CORRUPTION naming it`, async () => {
      const dir = freshCopy(ref, 'missing-table');
      const tables = filesOf(dir, TABLE);
      const name = which === 'first' ? tables[0]! : tables.at(-1)!;
      fs.rmSync(path.join(dir, name));
      await expectRefusedNaming(dir, name);
    });
  }

  it('the manifest CURRENT names: CORRUPTION naming it', async () => {
    const dir = freshCopy(ref, 'missing-manifest');
    const manifest = newest(dir, MANIFEST);
    fs.rmSync(manifest);
    await expectRefusedNaming(dir, path.basename(manifest));
  });

  it('CURRENT: CORRUPTION (the tables show a store was there), nothing re-created', async () => {
    const dir = freshCopy(ref, 'missing-current');
    fs.rmSync(path.join(dir, 'CURRENT'));
    const before = snapshotDir(dir);
    const outcome = await openAndRead(ref, dir, ref.model);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') expectCorruptionNamingFile(outcome.error);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('lsm: a missing WAL beside an unflushed one', () => {
  it('the newer of two WALs (a memtable switched, its flush not yet recorded): CORRUPTION naming it, from the LOG_FILE record', async () => {
    const dir = path.join(tempStoreDir('lsm-two-wals'), 'store');
    const db = await openStore({ engine: 'lsm', dir, sync: 'never', options: { memtableSize: 2048, autoCompact: false } });
    // Writes apply synchronously; the flush of the full memtable needs the event loop. Copy the
    // store at the moment a second WAL exists, before the flush has been recorded.
    let i = 0;
    for (; filesOf(dir, WAL).length < 2; i++) void db.set(`k${i % 40}`, `v${i}`);
    for (let j = 0; j < 5; j++) void db.set(`k${j}`, `newest${j}`);
    const copy = path.join(tempStoreDir('lsm-two-wals-copy'), 'store');
    fs.cpSync(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== 'LOCK' });
    await db.close();
    const wals = filesOf(copy, WAL);
    expect(wals).toHaveLength(2);
    fs.rmSync(path.join(copy, wals[1]!));
    const before = snapshotDir(copy);
    const outcome = await openAndRead({ ...ref, options: {} }, copy, new Map());
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') {
      expectCorruptionNamingFile(outcome.error);
      expect(outcome.error.details.file).toBe(wals[1]);
    }
    expect(snapshotDir(copy)).toEqual(before);
  });
});
