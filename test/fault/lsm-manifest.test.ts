/**
 * Faults in the lsm MANIFEST: a damaged last edit is a torn tail only when nothing shows it was
 * acted on; otherwise the open is refused with CORRUPTION naming the manifest and the edit's
 * offset, and nothing on disk changes (before: the edit was dropped as a "torn tail" and the
 * writable open deleted the tables it had added, losing thousands of keys for good).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEADER_SIZE, LENGTH_OFFSET } from '../../src/engines/lsm/wal/wal-format.js';
import { flipByte } from '../support/temp-store-dir.js';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, filesOf, freshCopy, openAndRead, snapshotDir, type ReferenceStore } from '../support/fault-store.js';
import { LSM_OPTIONS, MANIFEST, newest, recordsOf, TABLE } from './lsm-support.js';

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('lsm', LSM_OPTIONS);
}, 120_000);

function lastEdit(dir: string): { file: string; offset: number; length: number } {
  const file = newest(dir, MANIFEST);
  return { file, ...recordsOf(file).at(-1)! };
}

describe('lsm: a damaged last MANIFEST edit', () => {
  it('the reference store has many edits, and its last one was acted on (a flush or compaction retired files)', () => {
    const dir = freshCopy(ref);
    expect(recordsOf(newest(dir, MANIFEST)).length).toBeGreaterThan(20);
    expect(filesOf(dir, TABLE).length).toBeGreaterThan(5);
  });

  for (const [what, at] of [
    ['a flipped byte inside the edit', (e: { offset: number; length: number }) => e.offset + HEADER_SIZE + Math.floor(e.length / 2)],
    ['a flipped checksum byte', (e: { offset: number }) => e.offset + 1],
    ['a flipped length field (the edit seems to run past the end of the file)', (e: { offset: number }) => e.offset + LENGTH_OFFSET + 1],
  ] as const) {
    it(`${what}: writable and read-only opens are refused with CORRUPTION naming the manifest and offset; nothing is deleted`, async () => {
      const dir = freshCopy(ref, 'manifest-flip');
      const edit = lastEdit(dir);
      flipByte(edit.file, at(edit));
      const before = snapshotDir(dir);
      for (const readOnly of [false, true]) {
        const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
        expectTrustworthy(outcome, ref.model);
        expect(outcome.kind).toBe('refused');
        if (outcome.kind !== 'refused') continue;
        expectCorruptionNamingFile(outcome.error, true);
        expect(outcome.error.details).toMatchObject({ file: path.basename(edit.file), offset: edit.offset });
        expect(outcome.error.message).toContain('not a torn tail');
      }
      expect(snapshotDir(dir)).toEqual(before);
    });
  }

  it('the last edit cut short after it was acted on is CORRUPTION too, not a torn tail', async () => {
    const dir = freshCopy(ref, 'manifest-cut');
    const edit = lastEdit(dir);
    fs.truncateSync(edit.file, edit.offset + HEADER_SIZE + 3);
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', error: { details: { offset: edit.offset } } });
  });

  it('a torn edit that was never acted on (a crash mid-append) is dropped and reported; every key is right', async () => {
    const dir = freshCopy(ref, 'manifest-torn');
    const file = newest(dir, MANIFEST);
    fs.appendFileSync(file, Buffer.from([0x12, 0x34, 0x56, 0x78, 200, 0, 1, 7, 0])); // a header promising 200 bytes
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind).toBe('served');
    expect(outcome.warnings.join('\n')).toContain(`cut 9 bytes off the end of ${path.basename(file)}`);
    // The damaged manifest is kept aside, not deleted.
    expect(fs.existsSync(path.join(dir, 'lost', path.basename(file)))).toBe(true);
    expectTrustworthy(await openAndRead(ref, dir, ref.model), ref.model);
  });

  it('a table nothing in the manifest names is moved to lost/ and reported, never deleted', async () => {
    const dir = freshCopy(ref, 'orphan');
    const tables = filesOf(dir, TABLE);
    const orphan = '900000.sst';
    fs.copyFileSync(path.join(dir, tables[0]!), path.join(dir, orphan));
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.warnings.join('\n')).toContain(`moved ${orphan} to lost/${orphan}`);
    expect(fs.readFileSync(path.join(dir, 'lost', orphan))).toEqual(fs.readFileSync(path.join(dir, tables[0]!)));
    expect(fs.existsSync(path.join(dir, orphan))).toBe(false);
  });
});
