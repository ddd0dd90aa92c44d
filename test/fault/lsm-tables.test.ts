/**
 * Faults in lsm tables and CURRENT, for the case table: a flipped byte in a data block, the
 * index, the filter or the footer of a table, a truncated table, and a flipped byte in CURRENT.
 * Each is served right or refused with CORRUPTION naming the file; what is served beside the
 * damage is right, and nothing is deleted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FOOTER_SIZE } from '../../src/engines/lsm/sstable/table-format.js';
import { flipByte } from '../support/temp-store-dir.js';
import { buildReferenceStore, expectTrustworthy, filesOf, freshCopy, openAndRead, type ReferenceStore } from '../support/fault-store.js';
import { LSM_OPTIONS, TABLE } from './lsm-support.js';

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('lsm', LSM_OPTIONS);
}, 120_000);

/** The largest table of a copy, and its size. */
function bigTable(dir: string): { file: string; size: number } {
  const [file] = filesOf(dir, TABLE)
    .map((n) => path.join(dir, n))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return { file: file!, size: fs.statSync(file!).size };
}

const CASES: [string, (t: { file: string; size: number }) => void][] = [
  ['a flipped byte in the first data block', (t) => flipByte(t.file, 100)],
  ['a flipped byte in the middle of the table', (t) => flipByte(t.file, Math.floor(t.size / 2))],
  ['a flipped byte just before the footer (index block)', (t) => flipByte(t.file, t.size - FOOTER_SIZE - 10)],
  ['a flipped byte in the footer', (t) => flipByte(t.file, t.size - 12)],
  ['the table cut in half', (t) => fs.truncateSync(t.file, Math.floor(t.size / 2))],
];

describe('lsm: a damaged table', () => {
  for (const [what, damage] of CASES) {
    for (const readOnly of [false, true]) {
      it(`${what} (${readOnly ? 'read-only' : 'writable'} open): CORRUPTION naming the table where it is read, every other key right, no file deleted`, async () => {
        const dir = freshCopy(ref, 'table');
        const table = bigTable(dir);
        damage(table);
        const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
        expectTrustworthy(outcome, ref.model);
        if (outcome.kind === 'served') {
          expect(outcome.readErrors.length, 'the damage is found').toBeGreaterThan(0);
          for (const err of outcome.readErrors) expect(err.message).toContain(path.basename(table.file));
        }
        expect(fs.existsSync(table.file)).toBe(true);
      });
    }
  }
});

describe('lsm: a damaged CURRENT', () => {
  it('a flipped digit in CURRENT (it names a manifest that does not exist): CORRUPTION naming that manifest and CURRENT', async () => {
    const dir = freshCopy(ref, 'current');
    const file = path.join(dir, 'CURRENT');
    const text = fs.readFileSync(file, 'latin1');
    fs.writeFileSync(file, text.replace(/(\d)\n$/, (_, d: string) => `${(Number(d) + 5) % 10}\n`));
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') expect(outcome.error.message).toContain('CURRENT');
  });

  it('a flipped byte that breaks CURRENT\'s grammar: CORRUPTION naming CURRENT', async () => {
    const dir = freshCopy(ref, 'current-grammar');
    flipByte(path.join(dir, 'CURRENT'), 2);
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind).toBe('refused');
  });
});
