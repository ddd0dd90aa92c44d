/**
 * The keydir image (keydir-image-*.ts): open uses it when it matches the directory, applies only
 * the records written after it, and falls back to the hints, with the right values, when it is
 * missing, truncated, fails its CRC, is older than the newest data, or a crash interrupted its
 * writing at any step. Encoded lengths match the grammar's constants.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { IMAGE_FILE, imageSize } from '../../../src/engines/bitcask/keydir-image-format.js';
import { decodeKeydirImage } from '../../../src/engines/bitcask/keydir-image-reader.js';
import { contents, copyStore, flipByte, open, sorted, tempDir } from './store-dir.js';

const key = (i: number): string => `key-${String(i).padStart(4, '0')}`;
const OPTIONS = { maxFileSize: 8 * 1024, autoMerge: false };

/** A closed store over several files with overwrites and deletes, and its model. */
async function closedStore(): Promise<{ dir: string; model: Map<string, string> }> {
  const dir = tempDir('image');
  const db = await open(dir, OPTIONS);
  const model = new Map<string, string>();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 120; i++) {
      const v = `round ${round} value ${i}`.padEnd(60, '.');
      await db.set(key(i), v);
      model.set(key(i), v);
    }
  }
  for (let i = 0; i < 120; i += 7) {
    await db.delete(key(i));
    model.delete(key(i));
  }
  for await (const _ of db.scan({ limit: 1 })); // builds the ordered index, so the image carries the key order
  await db.close();
  return { dir, model };
}

/** Opens `dir`, returns what it serves, which files came from the image, and the warnings. */
async function openAndRead(dir: string): Promise<{ got: Map<string, string>; fromImage: number; warnings: string[] }> {
  const warnings: string[] = [];
  const db = await open(dir, OPTIONS, { onWarning: (m) => warnings.push(m) });
  try {
    const fromImage = (await db.stats()).filesFromKeydirImage as number;
    return { got: await contents(db), fromImage, warnings };
  } finally {
    await db.close();
  }
}

describe('keydir image', () => {
  it('a clean close writes an image that the next open uses for every file, serving the same data', async () => {
    const { dir, model } = await closedStore();
    const { got, fromImage, warnings } = await openAndRead(dir);
    expect(fromImage).toBeGreaterThan(3);
    expect(warnings).toEqual([]);
    expect(got).toEqual(sorted(model));
  });

  it('encoded length matches the grammar: header, files, columns, index, order and arena', async () => {
    const { dir } = await closedStore();
    const buf = fs.readFileSync(path.join(dir, IMAGE_FILE));
    const decoded = decodeKeydirImage(buf);
    if (typeof decoded === 'string') throw new Error(decoded);
    const p = decoded.parts;
    expect(p.ordered?.length).toBe(p.size);
    expect(buf.length).toBe(imageSize(decoded.files.length, p.fileIds.length, p.index.length, p.ordered!.length, p.arena.length));
  });

  it('image missing: falls back to the hints, no warning, same data', async () => {
    const { dir, model } = await closedStore();
    fs.rmSync(path.join(dir, IMAGE_FILE));
    const { got, fromImage, warnings } = await openAndRead(dir);
    expect([fromImage, warnings]).toEqual([0, []]);
    expect(got).toEqual(sorted(model));
  });

  it('image truncated (at every 97th byte): falls back with a warning, same data', async () => {
    const { dir: base, model } = await closedStore();
    const size = fs.statSync(path.join(base, IMAGE_FILE)).size;
    for (let cut = 0; cut < size; cut += 97) {
      const dir = copyStore(base, 'image-cut');
      fs.truncateSync(path.join(dir, IMAGE_FILE), cut);
      const { got, fromImage, warnings } = await openAndRead(dir);
      expect(fromImage, `cut at ${cut}`).toBe(0);
      expect(warnings, `cut at ${cut}`).toEqual([expect.stringContaining(`${IMAGE_FILE} is damaged`)]);
      expect(got, `cut at ${cut}`).toEqual(sorted(model));
    }
  });

  it('image CRC mismatch (a flipped byte anywhere): falls back with a warning, same data', async () => {
    const { dir: base, model } = await closedStore();
    const size = fs.statSync(path.join(base, IMAGE_FILE)).size;
    for (const at of [0, 4, 8, 12, 16, 20, 28, 44, 48, 60, Math.floor(size / 2), size - 1]) {
      const dir = copyStore(base, 'image-flip');
      flipByte(path.join(dir, IMAGE_FILE), at);
      const { got, fromImage, warnings } = await openAndRead(dir);
      expect(fromImage, `byte ${at}`).toBe(0);
      expect(warnings.length, `byte ${at}`).toBe(1);
      expect(got, `byte ${at}`).toEqual(sorted(model));
    }
  });

  it('image older than the newest data (writes after it, no clean close): only the newer records are applied', async () => {
    const { dir: base, model } = await closedStore();
    const saved = fs.readFileSync(path.join(base, IMAGE_FILE));
    // Appends to the active file only (no rotation), then the old image is put back: as after a crash.
    const dir = copyStore(base, 'image-older');
    const db = await open(dir, OPTIONS);
    await db.set(key(1), 'after the image');
    await db.delete(key(2));
    await db.set('new-key', 'also after');
    await db.close();
    fs.writeFileSync(path.join(dir, IMAGE_FILE), saved);
    model.set(key(1), 'after the image');
    model.delete(key(2));
    model.set('new-key', 'also after');
    const { got, fromImage } = await openAndRead(dir);
    expect(fromImage).toBeGreaterThan(0);
    expect(got).toEqual(sorted(model));
  });

  it('image older than a rotation or a merge (files it does not list, or lists files now gone): stale, hints used', async () => {
    const { dir: base, model } = await closedStore();
    const saved = fs.readFileSync(path.join(base, IMAGE_FILE));
    for (const how of ['rotation', 'merge'] as const) {
      const dir = copyStore(base, `image-${how}`);
      const db = await open(dir, OPTIONS);
      for (let i = 0; i < 200; i++) {
        const v = `${how} ${i}`.padEnd(80, '-');
        await db.set(key(i % 120), v);
        if (how === 'rotation') model.set(key(i % 120), v);
      }
      if (how === 'merge') await db.compact();
      const expected = await contents(db);
      await db.close();
      fs.writeFileSync(path.join(dir, IMAGE_FILE), saved);
      const { got, warnings } = await openAndRead(dir);
      expect(warnings, how).toEqual([]);
      expect(got, how).toEqual(expected);
    }
  });

  it('a crash at every step of writing the image leaves a store that opens to the same data', async () => {
    const { dir: base, model } = await closedStore();
    const image = fs.readFileSync(path.join(base, IMAGE_FILE));
    // Steps: (1) temporary file partly written, (2) written, not renamed, (3) renamed: the old image
    // (here: none, or a stale one) is what open sees in (1) and (2).
    for (const old of ['none', 'stale'] as const) {
      for (const written of [0, 1, 48, Math.floor(image.length / 2), image.length]) {
        const dir = copyStore(base, 'image-crash');
        fs.rmSync(path.join(dir, IMAGE_FILE));
        if (old === 'stale') fs.writeFileSync(path.join(dir, IMAGE_FILE), image.subarray(0, 60)); // damaged leftover
        fs.writeFileSync(path.join(dir, `${IMAGE_FILE}.tmp-12345`), image.subarray(0, written));
        const { got } = await openAndRead(dir);
        expect(got, `old ${old}, ${written} bytes of the temporary written`).toEqual(sorted(model));
        expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]); // the writable open removed it
      }
    }
    const renamed = copyStore(base, 'image-renamed');
    expect((await openAndRead(renamed)).got).toEqual(sorted(model));
  });
});
