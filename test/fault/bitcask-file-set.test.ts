/**
 * The bitcask file set (FILESET) makes a store know which files it is made of: a missing sealed
 * file, a missing active file, or a sealed file cut short (inside a record or exactly on a record
 * boundary) is CORRUPTION naming the file, and the refused open changes nothing; files it does not
 * list are moved to lost/, never loaded and never deleted; a store without FILESET (written before
 * file sets) still opens and gets one. Each case damages a fresh copy of one reference store.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, freshCopy, openAndRead, snapshotDir, type ReferenceStore } from '../support/fault-store.js';
import { dataFiles, flipByte, recordsIn } from '../engines/bitcask/store-dir.js';
import { openStore } from '../../src/index.js';
import { parseFileName } from '../../src/engines/bitcask/file-names.js';
import { FILE_SET, writeFileSet, type FileState } from '../../src/engines/bitcask/file-set.js';

const OPTIONS = { maxFileSize: 64 * 1024 };

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('bitcask', OPTIONS);
});

const hintOf = (data: string): string => data.replace(/\.data$/, '.hint');

/** Asserts a refused open: CORRUPTION naming `file`, nothing changed on disk. */
async function expectRefused(dir: string, file: string, offset = false): Promise<void> {
  for (const readOnly of [false, true]) {
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind, `${readOnly ? 'read-only' : 'writable'} open`).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expectCorruptionNamingFile(outcome.error, offset);
    expect(outcome.error.details.file).toBe(file);
  }
}

describe('bitcask: FILESET knows which files should exist', () => {
  it('the reference store has several sealed files and a FILESET', () => {
    expect(dataFiles(ref.dir).length).toBeGreaterThan(4);
    expect(fs.existsSync(path.join(ref.dir, FILE_SET))).toBe(true);
  });

  for (const hint of ['kept', 'deleted too'] as const) {
    it(`a missing sealed file (its hint ${hint}) is CORRUPTION naming it; its hint is not deleted`, async () => {
      const files = dataFiles(ref.dir);
      const victim = files[1]!;
      const dir = freshCopy(ref, 'missing-sealed');
      fs.rmSync(path.join(dir, victim));
      if (hint === 'deleted too') fs.rmSync(path.join(dir, hintOf(victim)));
      await expectRefused(dir, victim);
      expect(fs.existsSync(path.join(dir, hintOf(victim)))).toBe(hint === 'kept');
    });
  }

  it('a missing newest (active) file is CORRUPTION naming it, not deleted keys coming back', async () => {
    const active = dataFiles(ref.dir).at(-1)!;
    const dir = freshCopy(ref, 'missing-active');
    fs.rmSync(path.join(dir, active));
    fs.rmSync(path.join(dir, hintOf(active)));
    await expectRefused(dir, active);
  });

  for (const hint of ['kept', 'deleted'] as const) {
    it(`a sealed file cut exactly on a record boundary (hint ${hint}) is CORRUPTION naming it`, async () => {
      const victim = dataFiles(ref.dir)[2]!;
      const records = recordsIn(path.join(ref.dir, victim));
      const boundary = records.at(-3)!.offset;
      const dir = freshCopy(ref, 'cut-boundary');
      fs.truncateSync(path.join(dir, victim), boundary);
      if (hint === 'deleted') fs.rmSync(path.join(dir, hintOf(victim)));
      await expectRefused(dir, victim, true);
    });
  }

  it('a flipped byte in FILESET is CORRUPTION naming FILESET, whichever byte', async () => {
    const size = fs.statSync(path.join(ref.dir, FILE_SET)).size;
    for (const at of [0, 5, 9, 13, 16, 24, size - 6, size - 1]) {
      const dir = freshCopy(ref, 'flip-fileset');
      flipByte(path.join(dir, FILE_SET), at);
      const outcome = await openAndRead(ref, dir, ref.model);
      expectTrustworthy(outcome, ref.model);
      expect(outcome, `byte ${at}`).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION', details: { file: FILE_SET } } });
    }
  });

  it('a FILESET cut short is CORRUPTION naming FILESET', async () => {
    const dir = freshCopy(ref, 'cut-fileset');
    fs.truncateSync(path.join(dir, FILE_SET), fs.statSync(path.join(dir, FILE_SET)).size - 13);
    const outcome = await openAndRead(ref, dir, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION', details: { file: FILE_SET } } });
  });

  it('an unlisted data file (a stale copy of an old file under a new name) is moved to lost/, not loaded, and reported', async () => {
    const files = dataFiles(ref.dir);
    const dir = freshCopy(ref, 'orphan');
    const stray = '0000000999.data';
    fs.copyFileSync(path.join(dir, files[0]!), path.join(dir, stray));
    fs.copyFileSync(path.join(dir, hintOf(files[0]!)), path.join(dir, hintOf(stray)));
    const strayBytes = fs.readFileSync(path.join(dir, stray));
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.warnings).toEqual([expect.stringContaining(`lost/${stray}, lost/${hintOf(stray)}`)]);
    expect(outcome.warnings[0]).toContain('lost');
    expect(fs.existsSync(path.join(dir, stray))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'lost', stray)).equals(strayBytes)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'lost', hintOf(stray)))).toBe(true);
  });

  it('a hint whose data file FILESET does not list is moved to lost/, not deleted', async () => {
    const dir = freshCopy(ref, 'orphan-hint');
    fs.copyFileSync(path.join(dir, hintOf(dataFiles(ref.dir)[0]!)), path.join(dir, '0000000777.hint'));
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(fs.existsSync(path.join(dir, 'lost', '0000000777.hint'))).toBe(true);
  });

  it('a store without FILESET (written before file sets) opens with a warning and gets one; then a missing file is caught', async () => {
    const dir = freshCopy(ref, 'legacy');
    fs.rmSync(path.join(dir, FILE_SET));
    const ro = await openAndRead(ref, dir, ref.model, { readOnly: true });
    expectTrustworthy(ro, ref.model);
    expect(fs.existsSync(path.join(dir, FILE_SET)), 'a read-only open writes nothing').toBe(false);
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.warnings).toEqual([expect.stringContaining(`has no ${FILE_SET}`)]);
    expect(fs.existsSync(path.join(dir, FILE_SET))).toBe(true);
    const again = await openAndRead(ref, dir, ref.model);
    expect(again).toMatchObject({ kind: 'served', warnings: [] });
    const victim = dataFiles(dir)[3]!;
    fs.rmSync(path.join(dir, victim));
    await expectRefused(dir, victim);
  });

  it('a merge interrupted while deleting its inputs: finished at open, but refused (nothing deleted) if an output it listed is missing', async () => {
    // s1: the reference store compacted; a crash after FILESET marked the inputs MERGED leaves the
    // inputs (from the reference) beside the outputs (from s1) and that FILESET.
    const s1 = freshCopy(ref, 'merged-s1');
    const db = await openStore({ engine: 'bitcask', dir: s1, options: OPTIONS });
    await db.compact();
    await db.close();
    const inputs = dataFiles(ref.dir);
    const added = dataFiles(s1).filter((f) => !inputs.includes(f));
    const outputs = added.filter((f) => parseFileName(f)!.id.minor > 0);
    expect(outputs.length).toBeGreaterThan(0);
    const crashed = (label: string): string => {
      const dir = freshCopy(ref, label);
      for (const f of added) for (const g of [f, hintOf(f)]) if (fs.existsSync(path.join(s1, g))) fs.copyFileSync(path.join(s1, g), path.join(dir, g));
      const entry = (f: string, state: FileState, from: string) => ({ id: parseFileName(f)!.id, state, size: fs.statSync(path.join(from, f)).size });
      const entries = [...inputs.map((f) => entry(f, 'merged', ref.dir)), ...added.map((f) => entry(f, outputs.includes(f) ? 'sealed' : 'active', s1))];
      entries.sort((a, b) => a.id.major - b.id.major || a.id.minor - b.id.minor);
      writeFileSet(dir, { generation: 99, entries });
      return dir;
    };

    const ro = await openAndRead(ref, crashed('merged-ro'), ref.model, { readOnly: true });
    expectTrustworthy(ro, ref.model);
    expect(ro.kind).toBe('served');

    const finished = crashed('merged-finish');
    const outcome = await openAndRead(ref, finished, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome).toMatchObject({ kind: 'served', warnings: [] });
    expect(inputs.filter((f) => fs.existsSync(path.join(finished, f)))).toEqual([]); // the merge's deletions, finished
    expectTrustworthy(await openAndRead(ref, finished, ref.model), ref.model);

    const broken = crashed('merged-missing-output');
    fs.rmSync(path.join(broken, outputs[0]!));
    await expectRefused(broken, outputs[0]!);
    expect(inputs.filter((f) => !fs.existsSync(path.join(broken, f)))).toEqual([]); // no input deleted
  });

  it('a clean reopen rewrites nothing', async () => {
    const dir = freshCopy(ref, 'clean');
    const before = snapshotDir(dir);
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(snapshotDir(dir)).toEqual(before);
  });
});
