/**
 * Damage at the end of a sealed bitcask data file is corruption, not a torn tail: only the
 * newest, still-active file can end in a write a crash cut short. Each case damages a fresh copy
 * of one reference store (10,000 keys over several sealed files) and checks every key, count and
 * a full scan against the history.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, freshCopy, openAndRead, type ReferenceStore } from '../support/fault-store.js';
import { dataFiles, flipByte, recordsIn } from '../engines/bitcask/store-dir.js';

const OPTIONS = { maxFileSize: 64 * 1024 };

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('bitcask', OPTIONS);
});

const hintOf = (data: string): string => data.replace(/\.data$/, '.hint');

/** A sealed file from the middle of the store and its last record. */
function sealedVictim(): { file: string; last: { offset: number; size: number } } {
  const files = dataFiles(ref.dir);
  expect(files.length).toBeGreaterThan(4);
  const file = files[Math.floor(files.length / 2)]!;
  return { file, last: recordsIn(path.join(ref.dir, file)).at(-1)! };
}

describe('bitcask: damage at the end of a sealed file', () => {
  for (const hint of ['absent', 'present'] as const) {
    it(`a flipped byte in the last record of a sealed file (hint ${hint}) is CORRUPTION naming file and offset, and the file is not cut`, async () => {
      const { file, last } = sealedVictim();
      const dir = freshCopy(ref, `flip-${hint}`);
      if (hint === 'absent') fs.rmSync(path.join(dir, hintOf(file)));
      flipByte(path.join(dir, file), last.offset + last.size - 1); // the last value byte
      const size = fs.statSync(path.join(dir, file)).size;
      const outcome = await openAndRead(ref, dir, ref.model);
      expectTrustworthy(outcome, ref.model);
      expect(outcome.warnings.filter((w) => w.includes('crash')), 'no crash-interrupted-write warning').toEqual([]);
      expect(fs.statSync(path.join(dir, file)).size, 'the sealed file keeps its length').toBe(size);
      const errors = outcome.kind === 'refused' ? [outcome.error] : outcome.readErrors;
      expect(errors.length).toBeGreaterThan(0);
      for (const err of errors) {
        expectCorruptionNamingFile(err, true);
        expect(err.details).toMatchObject({ file, offset: last.offset });
      }
      if (hint === 'absent') expect(outcome.kind).toBe('refused'); // the open scans the file and meets the damage
    });
  }

  it('a sealed file cut inside its last record (hint absent) is CORRUPTION naming file and offset, not a torn tail', async () => {
    const { file, last } = sealedVictim();
    const dir = freshCopy(ref, 'cut');
    fs.rmSync(path.join(dir, hintOf(file)));
    fs.truncateSync(path.join(dir, file), last.offset + Math.floor(last.size / 2));
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION', details: { file } } });
    if (outcome.kind === 'refused') expectCorruptionNamingFile(outcome.error, true);
  });

  it('a read-only open refuses the same damage instead of skipping it', async () => {
    const { file, last } = sealedVictim();
    const dir = freshCopy(ref, 'flip-ro');
    fs.rmSync(path.join(dir, hintOf(file)));
    flipByte(path.join(dir, file), last.offset + 20);
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly: true });
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION', details: { file, offset: last.offset } } });
  });

  it('the active file may still end in a torn tail: its last record cut short is dropped with a warning', async () => {
    const active = dataFiles(ref.dir).at(-1)!;
    const records = recordsIn(path.join(ref.dir, active));
    const last = records.at(-1)!;
    const dir = freshCopy(ref, 'active-torn');
    fs.rmSync(path.join(dir, hintOf(active)));
    fs.truncateSync(path.join(dir, active), last.offset + 5);
    // The model without the last write (the last record of the active file is the last operation).
    const lastOp = ref.history.at(-1)!;
    expect(lastOp.key).toBe(last.key);
    const before = new Map(ref.model);
    const prior = ref.history.slice(0, -1).findLast((op) => op.key === lastOp.key);
    if (prior?.value === undefined) before.delete(lastOp.key);
    else before.set(lastOp.key, prior.value);
    const outcome = await openAndRead(ref, dir, before);
    expectTrustworthy(outcome, before);
    expect(outcome.kind).toBe('served');
    expect(outcome.warnings).toEqual([expect.stringContaining(`off the end of ${active} at offset ${last.offset}`)]);
  });
});
