/**
 * The background worker under a busy event loop: a loop of awaited writes under sync 'never'
 * resumes on the microtask queue and would never reach a flush's or compaction's next slice
 * (setImmediate) without BackgroundWorker.shareTurn; these tests count stalls and flushes, so
 * they fail when background work only gets to run while writes stall.
 */
import { describe, expect, it } from 'vitest';
import { contents, open, pad, tempDir } from './store-dir.js';

/**
 * 16 KiB memtables flushed in 1 KiB slices: each flush needs about fifteen turns of the event loop.
 * On the event loop (backgroundThread false): with the thread, a table's fsync no longer blocks
 * the writes, so a write loop this fast outruns the flush and waits for room by design.
 */
const BUSY = { memtableSize: 16384, blockSize: 512, targetFileSize: 8192, compactionSliceBytes: 1024, backgroundThread: false };
const value = (i: number): string => `value-${i}-`.padEnd(50, 'x');

describe('lsm background work under a write loop', () => {
  it('a loop of awaited writes under sync never finishes every flush in the background, with no write stall', async () => {
    const db = await open(tempDir('flush-loop'), { ...BUSY, autoCompact: false });
    for (let i = 0; i < 3000; i++) await db.set(`k${pad(i)}`, value(i));
    const stats = await db.stats();
    expect(stats.flushesSinceOpen as number).toBeGreaterThanOrEqual(5);
    expect(stats.writeStallsSinceOpen).toBe(0);
    expect(await db.count()).toBe(3000);
    await db.close();
  });

  it('with automatic compaction, a write loop keeps level 0 below the slowdown trigger: compactions finish, no write is delayed', async () => {
    const db = await open(tempDir('compact-loop'), { ...BUSY, level1MaxBytes: 32768, l0CompactionTrigger: 2, l0SlowdownTrigger: 4, l0StopTrigger: 6 });
    const model = new Map<string, string>();
    let x = 11;
    for (let i = 0; i < 4000; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const k = `k${pad(x % 1500)}`; // every memtable spans the key space, so flushes land in level 0
      await db.set(k, value(i));
      model.set(k, value(i));
    }
    const stats = await db.stats();
    expect(stats.compactionsSinceOpen as number).toBeGreaterThan(0);
    expect(stats.writeSlowdownsSinceOpen).toBe(0);
    expect(stats.writeStallsSinceOpen).toBe(0);
    expect(Object.fromEntries(await contents(db))).toEqual(Object.fromEntries([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    await db.close();
  });

  it('writes issued together settle in issue order while some wait for the background turn and some for room', async () => {
    const db = await open(tempDir('order'), { ...BUSY, memtableSize: 4096, autoCompact: false });
    let n = 0;
    // Until a flush has begun: it now waits for its next slice, which the writes below must share turns with.
    while ((await db.stats()).immutableMemtableBytes === 0) await db.set(`k${pad(n)}`, value(n++));
    const first = n;
    const settled: number[] = [];
    const writes = Array.from({ length: 500 }, () => {
      const i = n++;
      return db.set(`k${pad(i)}`, value(i)).then(() => settled.push(i));
    });
    await Promise.all(writes);
    expect(settled).toEqual(Array.from({ length: 500 }, (_, j) => first + j));
    expect(await db.count()).toBe(n);
    await db.close();
  });

  it('a store closed while a flush waits for its turn closes cleanly and reopens with every write', async () => {
    const dir = tempDir('close-mid-flush');
    const db = await open(dir, { ...BUSY, autoCompact: false });
    for (let i = 0; i < 700; i++) await db.set(`k${pad(i)}`, value(i)); // ends with a flush in progress, most likely
    await db.close();
    const again = await open(dir, { ...BUSY, autoCompact: false });
    expect(await again.count()).toBe(700);
    expect((await again.get(`k${pad(699)}`))?.toString()).toBe(value(699));
    await again.close();
  });
});
