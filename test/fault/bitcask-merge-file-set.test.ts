/**
 * FILESET stays true while merges run beside writes: the merge yields between its steps (slices,
 * fsyncs, and the microtask turns between them), and a rotation in any of those gaps rewrites
 * FILESET too. After every write of a tight await-set loop that rotates every few records while
 * merges run (automatic ones and compact() calls not awaited), every file that FILESET lists as
 * not MERGED must exist: a crash at that moment would otherwise find a listed file missing and
 * refuse the store. At the end, a reopen serves the model. The key order is seeded: the seed is
 * printed and taken from KVS_FAULT_SEED.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../support/fault-store.js';
import { contentsOf, open, sorted, tempDir } from '../engines/bitcask/store-dir.js';
import { dataFileName } from '../../src/engines/bitcask/file-names.js';
import { decodeFileSet, FILE_SET } from '../../src/engines/bitcask/file-set.js';

const SEED = Number(process.env.KVS_FAULT_SEED ?? Date.now() % 1_000_000);
const OPTIONS = { mergeMinDeadBytes: 0, mergeDeadRatio: 0.3 };
const KEYS = 40;
const WRITES = 4_000;

/** Files FILESET lists as SEALED or ACTIVE that the directory lacks. */
function listedButMissing(dir: string): string[] {
  const set = decodeFileSet(fs.readFileSync(path.join(dir, FILE_SET)));
  const present = new Set(fs.readdirSync(dir));
  return set.entries.filter((e) => e.state !== 'merged' && !present.has(dataFileName(e.id))).map((e) => dataFileName(e.id));
}

/** The loop; `yieldEvery` 0: never a turn of the event loop from the loop itself (merges then advance on the engine's stalls). */
async function run(label: string, maxFileSize: number, yieldEvery: number, minMerges: number): Promise<void> {
  const options = { ...OPTIONS, maxFileSize };
  const dir = path.join(tempDir(`merge-file-set-${label}`), 'store');
  const random = seededRandom(SEED);
  const db = await open(dir, options);
  const model = new Map<string, string>();
  const compactions: Promise<unknown>[] = [];
  const broken: string[] = [];
  try {
    for (let i = 0; i < WRITES; i++) {
      const key = `key-${Math.floor(random() * KEYS)}`;
      const value = `value-${i}-`.padEnd(90, 'x');
      await db.set(key, value);
      model.set(key, value);
      if (i % 100 === 0) compactions.push(db.compact());
      if (yieldEvery > 0 && i % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
      const missing = listedButMissing(dir);
      if (missing.length > 0 && broken.length < 5) broken.push(`after write ${i}: ${missing.join(', ')}`);
    }
    await Promise.all(compactions);
    expect((await db.stats()).mergesSinceOpen as number, 'merges ran while the loop wrote').toBeGreaterThanOrEqual(minMerges);
  } finally {
    await db.close();
  }
  expect(broken, `seed ${SEED}`).toEqual([]);
  expect(await contentsOf(dir, options)).toEqual(sorted(model));
}

describe(`bitcask: FILESET beside running merges (seed ${SEED}, KVS_FAULT_SEED)`, () => {
  it('a loop that never yields (merges advance when writes stall on their fsyncs): FILESET never lists a missing file', async () => {
    await run('stalls', 1024, 0, 2);
  });

  it('a loop that yields every 10 writes (many merges): FILESET never lists a missing file', async () => {
    await run('turns', 2048, 10, 10);
  });
});
