/**
 * The keydir image (keydir-image-*.ts) never stands in for FILESET's checks: with an image that
 * the clean open uses for every file, a sealed file that is missing, cut short (on a record
 * boundary or inside a record) or grown is still CORRUPTION naming the file, for writable and
 * read-only opens, and the refused open changes nothing. So is a missing active file, and an
 * active file cut below what the image and its hint cover. An unlisted file beside a valid image
 * is moved to lost/ and the image still serves the right data. A clean reopen leaves every file,
 * the image included, byte for byte as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, freshCopy, openAndRead, snapshotDir, type ReferenceStore } from '../support/fault-store.js';
import { dataFiles, recordsIn } from '../engines/bitcask/store-dir.js';
import { openStore } from '../../src/index.js';
import { IMAGE_FILE } from '../../src/engines/bitcask/keydir-image-format.js';

const OPTIONS = { maxFileSize: 64 * 1024 };

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('bitcask', OPTIONS, { keys: 3_000 });
});

/** Files a clean open of `dir` took from the keydir image (the store is opened read-only: nothing changes). */
async function filesFromImage(dir: string): Promise<number> {
  const db = await openStore({ engine: 'bitcask', dir, options: OPTIONS, readOnly: true });
  try {
    return (await db.stats()).filesFromKeydirImage as number;
  } finally {
    await db.close();
  }
}

/** Asserts a refused open, writable and read-only: CORRUPTION naming `file`, nothing changed on disk. */
async function expectRefused(dir: string, file: string, offset = false): Promise<void> {
  const before = snapshotDir(dir);
  for (const readOnly of [false, true]) {
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind, `${readOnly ? 'read-only' : 'writable'} open`).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expectCorruptionNamingFile(outcome.error, offset);
    expect(outcome.error.details.file).toBe(file);
    expect(outcome.changed).toEqual([]);
  }
  expect(snapshotDir(dir)).toEqual(before);
}

describe('bitcask: the keydir image does not bypass FILESET', () => {
  it('the reference store has an image that a clean open uses for every data file', async () => {
    expect(fs.existsSync(path.join(ref.dir, IMAGE_FILE))).toBe(true);
    const files = dataFiles(ref.dir);
    expect(files.length).toBeGreaterThan(4);
    expect(await filesFromImage(freshCopy(ref, 'image-used'))).toBe(files.length);
  });

  it('a missing sealed file is CORRUPTION naming it, image present', async () => {
    const victim = dataFiles(ref.dir)[1]!;
    const dir = freshCopy(ref, 'image-missing-sealed');
    fs.rmSync(path.join(dir, victim));
    await expectRefused(dir, victim);
  });

  it('a missing active file is CORRUPTION naming it, image present', async () => {
    const active = dataFiles(ref.dir).at(-1)!;
    const dir = freshCopy(ref, 'image-missing-active');
    fs.rmSync(path.join(dir, active));
    await expectRefused(dir, active);
  });

  it('a sealed file cut on a record boundary is CORRUPTION naming it and the offset, image present', async () => {
    const victim = dataFiles(ref.dir)[2]!;
    const dir = freshCopy(ref, 'image-cut-boundary');
    const records = recordsIn(path.join(dir, victim));
    expect(records.length).toBeGreaterThan(2);
    fs.truncateSync(path.join(dir, victim), records.at(-1)!.offset);
    await expectRefused(dir, victim, true);
  });

  it('a sealed file cut inside a record is CORRUPTION naming it and the offset, image present', async () => {
    const victim = dataFiles(ref.dir)[0]!;
    const dir = freshCopy(ref, 'image-cut-inside');
    fs.truncateSync(path.join(dir, victim), fs.statSync(path.join(dir, victim)).size - 3);
    await expectRefused(dir, victim, true);
  });

  it('the active file cut below what the image and its hint cover is CORRUPTION naming it, not a torn tail', async () => {
    const active = dataFiles(ref.dir).at(-1)!;
    const dir = freshCopy(ref, 'image-cut-active');
    const records = recordsIn(path.join(dir, active));
    expect(records.length).toBeGreaterThan(2);
    fs.truncateSync(path.join(dir, active), records.at(-2)!.offset);
    await expectRefused(dir, active, true);
  });

  it('bytes added to a sealed file are CORRUPTION naming it, image present', async () => {
    const victim = dataFiles(ref.dir)[1]!;
    const dir = freshCopy(ref, 'image-grown');
    fs.appendFileSync(path.join(dir, victim), Buffer.alloc(40, 7));
    await expectRefused(dir, victim, true);
  });

  it('an unlisted data file beside a valid image goes to lost/, never loaded, and the data is right', async () => {
    const dir = freshCopy(ref, 'image-orphan');
    const newest = dataFiles(ref.dir).at(-1)!;
    const stray = '0000009999.data';
    fs.copyFileSync(path.join(dir, newest), path.join(dir, stray));
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind).toBe('served');
    expect(fs.existsSync(path.join(dir, 'lost', stray))).toBe(true);
    expect(fs.existsSync(path.join(dir, stray))).toBe(false);
  });

  it('a clean reopen rewrites nothing, the image included', async () => {
    const dir = freshCopy(ref, 'image-clean');
    const before = snapshotDir(dir);
    expectTrustworthy(await openAndRead(ref, dir, ref.model), ref.model);
    expect(snapshotDir(dir)).toEqual(before);
    expect(await filesFromImage(dir)).toBe(dataFiles(dir).length);
  });
});
