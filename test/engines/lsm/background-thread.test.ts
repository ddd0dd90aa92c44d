/**
 * The background thread (compaction/compaction-thread.ts): tables written off the event loop,
 * a thread that dies mid-compaction, close() while a compaction runs, and a flush that keeps
 * only the versions a reader can see. Randomized writes print their seed (KVS_TEST_SEED replays).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, isKvsError, type KvsEngine } from '../../../src/index.js';
import { contents, open, pad, tempDir } from './store-dir.js';

const SEED = Number(process.env.KVS_TEST_SEED ?? Date.now() % 1_000_000);
console.log(`background-thread.test.ts seed ${SEED} (replay with KVS_TEST_SEED=${SEED})`);

/** Small tables, so that every compaction writes several outputs. */
// Uncompressed blocks: the padded values would compress to a few tables, too few for the thread's exit hook to fire.
const SMALL = { memtableSize: 8192, blockSize: 512, targetFileSize: 2048, compactionSliceBytes: 1024, l0CompactionTrigger: 2, level1MaxBytes: 16384, compression: 'none' };
const EXIT_AFTER = 'KVS_LSM_TEST_THREAD_EXIT_AFTER_OUTPUTS';

const levelFiles = async (db: KvsEngine, level: number): Promise<number> => {
  const levels = (await db.stats()).levels as { level: number; files: number }[];
  return levels[level]!.files;
};

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('lsm background thread', () => {
  afterEach(() => {
    delete process.env[EXIT_AFTER];
  });

  it('a thread that dies mid-compaction loses nothing: writes stop with IO_ERROR, and the store reopens with every acknowledged write', async () => {
    const dir = tempDir('thread-dies');
    process.env[EXIT_AFTER] = '1'; // read by the thread when it starts: it exits on its second compaction output
    const db = await open(dir, SMALL);
    const model = new Map<string, string>();
    let x = SEED;
    let failure: unknown;
    for (let i = 0; i < 20_000 && failure === undefined; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const k = `k${pad(x % 600)}`;
      const v = `v${i}-`.padEnd(40, 'x');
      try {
        await db.set(k, v);
        model.set(k, v);
      } catch (err) {
        failure = err;
      }
      if (i % 50 === 0 && (await db.stats()).lastBackgroundError !== null) break;
    }
    delete process.env[EXIT_AFTER];
    const stats = await db.stats();
    expect(String(stats.lastBackgroundError)).toMatch(/background thread exited/);
    expect(stats.compactionsSinceOpen).toBe(0);
    const write = await db.set('after', 'x').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isKvsError(write, ErrorCodes.IO_ERROR)).toBe(true);
    // Reads go on, from the tables and memtables that were installed.
    for (const [k, v] of model) expect((await db.get(k))?.toString()).toBe(v);
    await db.close();

    const again = await open(dir, SMALL);
    expect(Object.fromEntries(await contents(again))).toEqual(Object.fromEntries([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    await again.set('after', 'reopen');
    await again.compact();
    expect(await again.count()).toBe(model.size + 1);
    await again.close();
  });

  it('close() while a compaction runs lets it finish: the reopened store keeps every key and does not compact level 0 again', async () => {
    const dir = tempDir('close-mid-compaction');
    const db = await open(dir, { ...SMALL, l0CompactionTrigger: 3, l0SlowdownTrigger: 50, l0StopTrigger: 60 });
    const model = new Map<string, string>();
    let i = 0;
    // Until a flush has brought level 0 to the trigger: its compaction is now due or running.
    while ((await levelFiles(db, 0)) < 3) {
      const k = `k${pad((i * 7919) % 900)}`;
      const v = `v${i++}-`.padEnd(60, 'y');
      await db.set(k, v);
      model.set(k, v);
    }
    await db.close();
    const again = await open(dir, { ...SMALL, autoCompact: false });
    expect(await levelFiles(again, 0)).toBeLessThan(3);
    expect(Object.fromEntries(await contents(again))).toEqual(Object.fromEntries([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    await again.close();
  });

  it('flush and compaction keep one version per key, plus the versions a pinned scan still reads; a reopen keeps one', async () => {
    const dir = tempDir('flush-dedup');
    const db = await open(dir, { ...SMALL, memtableSize: 1024 * 1024, autoCompact: false });
    for (let round = 0; round < 5; round++) for (let k = 0; k < 100; k++) await db.set(`k${pad(k)}`, `r${round}`);
    const scan = db.scan()[Symbol.asyncIterator]();
    expect((await scan.next()).value?.[1].toString()).toBe('r4'); // pins the sequence number it started at
    for (let k = 0; k < 100; k++) await db.set(`k${pad(k)}`, 'r5');
    await db.compact(); // flushes the memtable first: 600 versions of 100 keys, one scan open at r4
    const tables = (await db.stats()).tables as { entries: number }[];
    expect(tables.reduce((n, t) => n + t.entries, 0)).toBe(200); // r5 and r4 of each key
    let seen = 1;
    for (let r = await scan.next(); !r.done; r = await scan.next()) {
      expect(r.value[1].toString()).toBe('r5'); // the scan re-pins after writes: it sees them
      seen++;
    }
    expect(seen).toBe(100);
    await db.compact(); // no scan open now: one version per key
    expect(((await db.stats()).tables as { entries: number }[]).reduce((n, t) => n + t.entries, 0)).toBe(100);
    await db.close();
  });

  it('the tables the thread wrote read back byte for byte after a reopen', async () => {
    const dir = tempDir('thread-tables');
    const db = await open(dir, SMALL);
    const model = new Map<string, string>();
    let x = SEED ^ 0x5a5a;
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const k = `k${pad(x % 1000)}`;
      const v = `${i}:`.padEnd(20 + (x % 50), String.fromCharCode(97 + (x % 26)));
      await db.set(k, v);
      model.set(k, v);
    }
    await until('a compaction finished', async () => ((await db.stats()).compactionsSinceOpen as number) > 0);
    await db.close();
    const again = await open(dir, SMALL);
    expect(Object.fromEntries(await contents(again))).toEqual(Object.fromEntries([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    await again.close();
  });
});
