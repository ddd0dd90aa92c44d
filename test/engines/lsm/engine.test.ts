/**
 * The engine across flushes and compactions: deletion markers over deeper levels, what
 * compaction drops, scans that keep their snapshot while compaction deletes their tables,
 * automatic compaction and write stalls, options, the lock and stats.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, type KvsEngine } from '../../../src/index.js';
import { SMALL, contents, filesOf, open, pad, tempDir } from './store-dir.js';

interface LevelStat {
  level: number;
  files: number;
  bytes: number;
}
interface TableStat {
  level: number;
  file: string;
  entries: number;
  smallest: string;
  largest: string;
}

async function tables(db: KvsEngine): Promise<TableStat[]> {
  return (await db.stats()).tables as unknown as TableStat[];
}
const entriesIn = (ts: TableStat[]): number => ts.reduce((s, t) => s + t.entries, 0);

describe('lsm engine', () => {
  it('deletion markers in a table above the values hide them in deeper levels, also after reopen', async () => {
    const dir = tempDir('tombstones');
    let db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `value-${i}`);
    await db.compact(); // everything out of level 0, into one deeper level
    expect(new Set((await tables(db)).map((t) => t.level)).size).toBe(1);
    const valuesLevel = (await tables(db))[0]!.level;
    expect(valuesLevel).toBeGreaterThan(0);
    for (let i = 0; i < 200; i += 2) await db.delete(`k${pad(i)}`);
    for (let i = 0; i < 100; i++) await db.set(`filler${pad(i)}`, 'x'.repeat(60)); // fills memtables: the markers reach a table
    const ts = await tables(db);
    // The markers are flushed to a level above the values (level 0, or the first level they do not overlap).
    expect(ts.some((t) => t.level < valuesLevel && t.smallest <= 'k00198' && t.largest >= 'k00000')).toBe(true);
    const check = async (store: KvsEngine): Promise<void> => {
      expect(await store.get(`k${pad(0)}`)).toBeUndefined();
      expect((await store.get(`k${pad(1)}`))?.toString()).toBe('value-1');
      const keys = [...(await contents(store)).keys()].filter((k) => k.startsWith('k'));
      expect(keys).toHaveLength(100);
      expect(keys.every((k) => Number(k.slice(1)) % 2 === 1)).toBe(true);
    };
    await check(db);
    await db.close();
    db = await open(dir);
    await check(db);
    await db.close();
  });

  it('values hidden by newer writes and deleted keys are removed by compaction', async () => {
    const db = await open(tempDir('shadowed'));
    for (let round = 0; round < 5; round++) for (let i = 0; i < 100; i++) await db.set(`k${pad(i)}`, `round-${round}-${'v'.repeat(40)}`);
    for (let i = 0; i < 100; i += 4) await db.delete(`k${pad(i)}`);
    await db.compact();
    const first = await tables(db);
    expect(entriesIn(first)).toBe(75); // one version per live key, no deletion markers
    const result = await db.compact(); // nothing left to drop
    expect(result.details.entriesDropped).toBe(0);
    expect(entriesIn(await tables(db))).toBe(75);
    expect((await db.get(`k${pad(1)}`))?.toString()).toMatch(/^round-4-/);
    await db.close();
  });

  it('a scan keeps its snapshot while a compaction runs and deletes its inputs; the files go once the scan ends', async () => {
    const dir = tempDir('snapshot');
    const writer = await open(dir);
    for (let i = 0; i < 300; i++) await writer.set(`k${pad(i)}`, `v${i}`);
    await writer.close();
    const db = await open(dir); // no flush in flight: every table on disk is in the version the scan pins
    const scan = db.scan()[Symbol.asyncIterator]();
    const firstEntry = await scan.next();
    expect(firstEntry.value[0].toString()).toBe('k00000');
    const before = filesOf(dir, 'table');
    expect(before.length).toBeGreaterThan(1);
    const result = await db.compact(); // merges every table the scan reads into new ones
    expect(result.details.filesCompacted).toBeGreaterThan(0);
    expect(before.every((f) => fs.existsSync(path.join(dir, f)))).toBe(true); // pinned by the scan's version
    const seen = [firstEntry.value[0].toString()];
    for (let r = await scan.next(); !r.done; r = await scan.next()) seen.push(r.value[0].toString());
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => `k${pad(i)}`));
    expect(before.filter((f) => fs.existsSync(path.join(dir, f)))).toEqual([]); // released with the scan
    await db.close();
  });

  it('automatic compaction keeps level 0 small, deeper levels disjoint, and every value right', async () => {
    const db = await open(tempDir('auto'), { memtableSize: 2048, blockSize: 512, targetFileSize: 4096, level1MaxBytes: 8192, l0CompactionTrigger: 2, compactionSliceBytes: 1024 });
    const model = new Map<string, string>();
    let x = 7;
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const k = `k${pad(x % 700)}`;
      if (x % 11 === 0) {
        await db.delete(k);
        model.delete(k);
      } else {
        await db.set(k, `${i}`.repeat(1 + (x % 7)));
        model.set(k, `${i}`.repeat(1 + (x % 7)));
      }
    }
    const stats = await db.stats();
    expect(stats.compactionsSinceOpen as number).toBeGreaterThan(0);
    expect(stats.flushesSinceOpen as number).toBeGreaterThan(10);
    const ts = stats.tables as unknown as TableStat[];
    for (let level = 1; level < 7; level++) {
      const files = ts.filter((t) => t.level === level);
      for (let i = 1; i < files.length; i++) expect(files[i - 1]!.largest < files[i]!.smallest).toBe(true);
    }
    expect(Object.fromEntries(await contents(db))).toEqual(Object.fromEntries([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(await db.count()).toBe(model.size);
    await db.close();
  });

  it('writes past the L0 slowdown and stop triggers are delayed or wait for compaction, and all land', async () => {
    const db = await open(tempDir('stall'), { memtableSize: 1024, blockSize: 256, targetFileSize: 2048, l0CompactionTrigger: 1, l0SlowdownTrigger: 1, l0StopTrigger: 2, compactionSliceBytes: 1024 });
    const writes: Promise<void>[] = [];
    // Keys in every memtable span the whole range, so each flush overlaps the last and stays in level 0.
    for (let i = 0; i < 400; i++) writes.push(db.set(`k${pad((i * 37) % 400)}`, `v${i}`.repeat(10)));
    const got = db.get(`k${pad((399 * 37) % 400)}`); // issued after every write: sees them all
    await Promise.all(writes);
    expect((await got)?.toString()).toBe('v399'.repeat(10));
    const stats = await db.stats();
    expect((stats.writeSlowdownsSinceOpen as number) + (stats.writeStallsSinceOpen as number)).toBeGreaterThan(0);
    expect(await db.count()).toBe(400);
    await db.close();
  });

  it('unknown options and inconsistent triggers are INVALID_ARGUMENT; nothing is created', async () => {
    const dir = tempDir('options');
    await expect(open(path.join(dir, 'a'), { memtablesize: 1 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT, message: expect.stringContaining('memtablesize') });
    await expect(open(path.join(dir, 'b'), { l0CompactionTrigger: 8, l0SlowdownTrigger: 4 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(open(path.join(dir, 'c'), { blockSize: 'big' })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect(filesOf(path.join(dir, 'a'), 'manifest')).toEqual([]);
  });

  it('a second writable open of the directory is LOCKED; a read-only open is not', async () => {
    const dir = tempDir('lock');
    const db = await open(dir);
    await db.set('k', 'v');
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.LOCKED });
    const ro = await open(dir, SMALL, { readOnly: true });
    await ro.close();
    await db.close();
  });

  it('stats show levels, tables with key ranges, memtable, bloom and cache counters, and write amplification', async () => {
    const db = await open(tempDir('stats'));
    for (let i = 0; i < 300; i++) await db.set(`k${pad(i)}`, 'v'.repeat(30));
    await db.compact();
    for (let i = 0; i < 50; i++) await db.get(`k${pad(i)}-missing`); // inside the tables' key ranges: the bloom filters answer
    await db.get(`k${pad(7)}`);
    const s = await db.stats();
    expect(s.keys).toBe(300);
    expect((s.levels as unknown as LevelStat[]).map((l) => l.level)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const ts = s.tables as unknown as TableStat[];
    expect(ts[0]).toMatchObject({ smallest: 'k00000' });
    expect(ts.every((t) => t.level === ts[0]!.level && t.level > 0)).toBe(true);
    expect(ts.at(-1)!.largest).toBe('k00299');
    expect(s.bloomChecks as number).toBeGreaterThan(0);
    expect(s.bloomNegatives as number).toBeGreaterThan(0);
    expect(s.writeAmplification as number).toBeGreaterThan(0);
    expect(s.flushBytesWrittenSinceOpen as number).toBeGreaterThan(0);
    expect(s.compactionBytesWrittenSinceOpen as number).toBeGreaterThan(0);
    expect(typeof s.memtableBytes).toBe('number');
    await db.close();
  });
});
