/**
 * Background work that must not starve (background-turns.ts, merge.ts): a loop of awaited
 * writes under sync 'never' resumes only on microtasks, yet sealed files get their hints and
 * the merge policy runs and keeps the disk bounded. And sealing builds a hint from what was
 * recorded at append time, never by reading the sealed file back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describe, it, expect } from 'vitest';
import { recordSize } from '../../../src/engines/bitcask/record-format.js';
import { contentsOf, dataFiles, directoryBytes, open, recordsIn, sorted, tempDir } from './store-dir.js';

const key = (i: number): string => `key-${String(i).padStart(4, '0')}`;

/** Polls (one event-loop turn at a time) until `done()` holds; fails after `turns` turns. */
async function until(done: () => Promise<boolean>, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await done()) return;
    await yieldToEventLoop();
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('background pacing', () => {
  it('a tight await-set loop under sync never (no yields) still merges, and the disk stays bounded', async () => {
    const dir = tempDir('tight-loop');
    const options = { maxFileSize: 64 * 1024 };
    const db = await open(dir, options);
    const model = new Map<string, string>();
    const value = (round: number, i: number): string => `round ${round} key ${i} `.padEnd(1000, '.');
    let peak = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 100; i++) {
        await db.set(key(i), value(round, i)); // never yields to the event loop by itself
        model.set(key(i), value(round, i));
      }
      peak = Math.max(peak, directoryBytes(dir));
    }
    const stats = await db.stats();
    await db.close();
    const live = [...model].reduce((s, [k, v]) => s + recordSize(k.length, v.length), 0);
    expect(stats.mergesSinceOpen as number).toBeGreaterThan(0);
    expect(stats.lastBackgroundError).toBeNull();
    // Written: 40x live. Bounded by the policy (sealed dead <= one file or half the sealed
    // bytes) plus the active file plus the merge's outputs: a few files beyond live.
    expect(peak).toBeLessThan(2 * live + 4 * options.maxFileSize);
    expect(await contentsOf(dir, options)).toEqual(sorted(model));
  });

  it('a tight await-batch loop under sync never merges too', async () => {
    const dir = tempDir('tight-batch');
    const options = { maxFileSize: 32 * 1024 };
    const db = await open(dir, options);
    for (let round = 0; round < 80; round++) {
      await db.batch(Array.from({ length: 20 }, (_, i) => ({ type: 'set' as const, key: key(i), value: `r${round}`.padEnd(500, '-') })));
    }
    const stats = await db.stats();
    await db.close();
    expect(stats.mergesSinceOpen as number).toBeGreaterThan(0);
    expect(dataFiles(dir).length).toBeLessThan(8);
  });

  it('a merge is considered without a rotation: overwrites that make sealed files dead trigger it', async () => {
    const dir = tempDir('no-rotation');
    const options = { maxFileSize: 4 * 1024 * 1024, mergeMinDeadBytes: 0 };
    const db = await open(dir, options);
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 4000; i++) await db.set(key(i), big); // ~4 MiB: one rotation, a sealed file all live
    expect((await db.stats()).mergesSinceOpen).toBe(0);
    // Overwrite every key once: the sealed file turns dead while the new active file stays
    // below maxFileSize, so no rotation happens; the periodic policy check starts the merge.
    for (let i = 0; i < 4000; i++) await db.set(key(i), 'small');
    await until(async () => ((await db.stats()).mergesSinceOpen as number) > 0, 'a merge without rotation');
    await db.close();
  });

  it('sealing writes the hint from the entries recorded at append time: the sealed file is not read back', async () => {
    const dir = tempDir('seal-no-read');
    const options = { maxFileSize: 16 * 1024, autoMerge: false };
    const db = await open(dir, options);
    for (let i = 0; i < 20; i++) await db.set(key(i), `value ${i}`.padEnd(200, '.'));
    const first = dataFiles(dir)[0]!;
    // Damage a record in the middle of the active file behind the engine's back. A seal that
    // re-read the file would meet it (CORRUPTION: damage followed by valid records) and write no
    // hint; one built from what the engine recorded never notices.
    const victim = recordsIn(path.join(dir, first))[5]!;
    const fd = fs.openSync(path.join(dir, first), 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, victim.offset + victim.size - 1);
    fs.closeSync(fd);
    for (let i = 20; i < 200; i++) await db.set(key(i), `value ${i}`.padEnd(200, '.')); // rotates
    await until(async () => {
      const files = (await db.stats()).files as { file: string; hinted: boolean }[];
      return files.find((f) => f.file === first)?.hinted === true;
    }, `the hint of ${first}`);
    const stats = await db.stats();
    expect(stats.lastBackgroundError).toBeNull();
    await db.close();
    expect(fs.statSync(path.join(dir, first.replace('.data', '.hint'))).size).toBeGreaterThan(20 * 17);
    // The damage is still found where it matters: reading that value.
    const again = await open(dir, options);
    await expect(again.get(key(5))).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect((await again.get(key(6)))?.toString()).toBe('value 6'.padEnd(200, '.'));
    await again.close();
  });

  it('a set under sync always costs one fsync, and close leaves a hint covering it (written without re-reading)', async () => {
    const dir = tempDir('one-fsync');
    const db = await open(dir, {}, { sync: 'always' });
    await db.set('a', '1');
    await db.close();
    const again = await open(dir, {}, { sync: 'always' });
    const before = (await again.stats()).fsyncsSinceOpen as number;
    await again.set('b', '2');
    const stats = await again.stats();
    await again.close();
    expect((stats.fsyncsSinceOpen as number) - before).toBe(1);
    // The close wrote a hint without an fsync of its own; the next open reads it and finds both.
    const third = await open(dir);
    expect((await third.get('b'))?.toString()).toBe('2');
    expect((await third.stats()).files).toMatchObject([{ hinted: true }]);
    await third.close();
  });
});
