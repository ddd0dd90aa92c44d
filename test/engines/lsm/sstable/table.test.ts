/** Table builder and reader: layouts from one entry to thousands of blocks, versions, deletions, the filter and cache counters. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { EntryKind } from '../../../../src/engines/lsm/entry.js';
import { BlockCache } from '../../../../src/engines/lsm/sstable/block-cache.js';
import { TableBuilder, DEFAULT_TABLE_OPTIONS } from '../../../../src/engines/lsm/sstable/table-builder.js';
import { FOOTER_SIZE, BLOCK_TRAILER_SIZE } from '../../../../src/engines/lsm/sstable/table-format.js';
import { TableReader, newReadCounters } from '../../../../src/engines/lsm/sstable/table-reader.js';
import { isKvsError } from '../../../../src/engine/errors.js';
import { b, backwardAll, buildTable, forwardAll, numberedEntries, plain, snap, sortInternal, tempDir, value } from './helpers.js';

describe('table', () => {
  it('footer is 40 bytes and block trailers 5 (encoded length check)', () => {
    expect(FOOTER_SIZE).toBe(8 + 4 + 8 + 4 + 4 + 4 + 8);
    expect(BLOCK_TRAILER_SIZE).toBe(1 + 4);
    const t = buildTable(tempDir(), [value('k', 1)], { bloomBitsPerKey: 0 });
    const dataBlock = 3 + 9 + 'v:k@1'.length + 4 + 4;
    const indexBlock = 3 + 9 + 2 + 4 + 4; // handle (0, size) is two one-byte varints
    expect(t.meta.fileSize).toBe(dataBlock + BLOCK_TRAILER_SIZE + indexBlock + BLOCK_TRAILER_SIZE + FOOTER_SIZE);
    expect(fs.statSync(t.file).size).toBe(t.meta.fileSize);
    t.reader.close();
  });

  it('SSTable with one entry: meta, get, iteration', () => {
    const t = buildTable(tempDir(), [value('solo', 42)]);
    expect(t.meta).toMatchObject({ entryCount: 1, smallest: b('solo'), largest: b('solo') });
    expect(t.reader.get(b('solo'), 100)).toEqual({ seq: 42, kind: EntryKind.VALUE, value: b('v:solo@42') });
    expect(t.reader.get(b('solo'), 41)).toBeUndefined();
    expect(t.reader.get(b('other'), 100)).toBeUndefined();
    expect(forwardAll(t.reader.iterator())).toEqual([plain(value('solo', 42))]);
    expect(backwardAll(t.reader.iterator())).toEqual([plain(value('solo', 42))]);
    t.reader.close();
  });

  it('SSTable with no entries opens and is empty', () => {
    const t = buildTable(tempDir(), []);
    expect(t.meta.entryCount).toBe(0);
    expect(t.meta.smallest.length).toBe(0);
    const it = t.reader.iterator();
    it.seekToFirst();
    expect(it.valid()).toBe(false);
    it.seekForPrev(b('z'));
    expect(it.valid()).toBe(false);
    expect(t.reader.get(b('a'), 10)).toBeUndefined();
    t.reader.close();
  });

  it('SSTable with many blocks (5000 entries, 256-byte blocks): forward, backward, get of every key', () => {
    const entries = numberedEntries(5000);
    const t = buildTable(tempDir(), entries, { blockSize: 256, restartInterval: 4 });
    expect(t.meta).toMatchObject({ entryCount: 5000, smallest: b('key000000'), largest: b('key004999') });
    const all = entries.map(plain);
    expect(forwardAll(t.reader.iterator())).toEqual(all);
    expect(backwardAll(t.reader.iterator())).toEqual([...all].reverse());
    for (const e of entries) {
      const before = t.counters.blockReads + t.counters.cacheHits;
      expect(t.reader.get(e.key, 1e9)).toEqual({ seq: e.seq, kind: e.kind, value: e.value });
      expect(t.counters.blockReads + t.counters.cacheHits - before).toBe(1); // exactly one data block per get
    }
    t.reader.close();
  });

  it('seek into every gap and block boundary matches the sorted entries', () => {
    const entries = numberedEntries(600, 2);
    const t = buildTable(tempDir(), entries, { blockSize: 200 });
    const it = t.reader.iterator();
    for (let i = 0; i < 600; i += 13) {
      const k = `key${String(i).padStart(6, '0')}`;
      it.seek(b(`${k}~`)); // between key i and key i+1
      const expected = entries.find((e) => e.key.toString() > `${k}~`);
      expect(it.valid()).toBe(expected !== undefined);
      if (expected) expect(snap(it)).toEqual(plain(expected));
      it.seekForPrev(b(`${k}~`));
      expect(snap(it)).toEqual(plain(entries[i * 2 + 1]!)); // the oldest version of key i
    }
    it.seek(b('a'));
    expect(snap(it)).toEqual(plain(entries[0]!));
    it.seekForPrev(b('a'));
    expect(it.valid()).toBe(false);
    it.seek(b('z'));
    expect(it.valid()).toBe(false);
    it.seekForPrev(b('z'));
    expect(snap(it)).toEqual(plain(entries.at(-1)!));
    t.reader.close();
  });

  it('get returns the newest version <= seq and skips newer ones, across block boundaries', () => {
    const entries: ReturnType<typeof value>[] = [];
    for (let s = 200; s >= 1; s--) entries.push(value('hot', s * 10));
    entries.push(value('next', 5));
    const t = buildTable(tempDir(), sortInternal(entries), { blockSize: 128 });
    expect(t.reader.get(b('hot'), 2000)?.seq).toBe(2000);
    expect(t.reader.get(b('hot'), 1999)?.seq).toBe(1990);
    expect(t.reader.get(b('hot'), 15)?.seq).toBe(10);
    expect(t.reader.get(b('hot'), 9)).toBeUndefined();
    expect(t.reader.get(b('next'), 9)?.value).toEqual(b('v:next@5'));
    t.reader.close();
  });

  it('deletion entries are returned as DELETION by get and iteration', () => {
    const t = buildTable(tempDir(), sortInternal([value('gone', 9, EntryKind.DELETION), value('gone', 3), value('kept', 4)]));
    expect(t.reader.get(b('gone'), 100)).toEqual({ seq: 9, kind: EntryKind.DELETION, value: Buffer.alloc(0) });
    expect(t.reader.get(b('gone'), 8)).toEqual({ seq: 3, kind: EntryKind.VALUE, value: b('v:gone@3') });
    const it = t.reader.iterator();
    it.seekToFirst();
    expect(it.kind()).toBe(EntryKind.DELETION);
    t.reader.close();
  });

  it('the bloom filter answers absent keys without a block read and counts its checks', () => {
    const t = buildTable(tempDir(), numberedEntries(1000), { blockSize: 512 });
    let negatives = 0;
    for (let i = 0; i < 1000; i++) if (!t.reader.mayContain(b(`missing${i}`))) negatives++;
    expect(t.counters.bloomChecks).toBe(1000);
    expect(t.counters.bloomNegatives).toBe(negatives);
    expect(negatives).toBeGreaterThan(950);
    const reads = t.counters.blockReads;
    for (let i = 0; i < 1000; i++) t.reader.get(b(`missing${i}`), 1e9);
    expect(t.counters.blockReads + t.counters.cacheHits - reads).toBeLessThan(50);
    t.reader.close();
  });

  it('bloomBitsPerKey 0 writes no filter: mayContain is always true and uncounted', () => {
    const t = buildTable(tempDir(), numberedEntries(10), { bloomBitsPerKey: 0 });
    expect(t.reader.mayContain(b('absent'))).toBe(true);
    expect(t.counters.bloomChecks).toBe(0);
    expect(t.reader.get(b('key000003'), 1e9)?.seq).toBe(4);
    t.reader.close();
  });

  it('repeated gets hit the block cache; two tables share it by file number', () => {
    const dir = tempDir();
    const t = buildTable(dir, numberedEntries(100));
    t.reader.get(b('key000010'), 1e9);
    t.reader.get(b('key000010'), 1e9);
    expect(t.counters).toMatchObject({ blockReads: 1, cacheHits: 1 });
    expect(t.cache.hits).toBe(1);
    const other = buildTable(dir, numberedEntries(100), {}, '000002.sst');
    const second = TableReader.open(other.file, 2, t.cache, t.counters);
    second.get(b('key000010'), 1e9);
    expect(t.counters.blockReads).toBe(2); // a different file number is a different cache entry
    t.cache.evictFile(1);
    t.reader.get(b('key000010'), 1e9);
    expect(t.counters.blockReads).toBe(3);
    t.reader.close();
    second.close();
    other.reader.close();
  });

  it('add out of internal order throws INVALID_ARGUMENT (same key, same or higher seq; smaller key)', () => {
    const dir = tempDir();
    const builder = new TableBuilder(path.join(dir, '000003.sst'), DEFAULT_TABLE_OPTIONS);
    builder.add(b('b'), 5, EntryKind.VALUE, b('x'));
    for (const [k, s] of [['b', 5], ['b', 6], ['a', 1]] as const) {
      let err: unknown;
      try {
        builder.add(b(k), s, EntryKind.VALUE, b('y'));
      } catch (e) {
        err = e;
      }
      expect(isKvsError(err, 'INVALID_ARGUMENT'), `${k}@${s}`).toBe(true);
    }
    builder.add(b('b'), 4, EntryKind.VALUE, b('older'));
    expect(builder.entryCount()).toBe(2);
    builder.abandon();
  });

  it('the builder creates its file exclusively: an existing file is IO_ERROR and left untouched', () => {
    const dir = tempDir();
    const file = path.join(dir, '000005.sst');
    fs.writeFileSync(file, 'precious');
    let err: unknown;
    try {
      new TableBuilder(file, DEFAULT_TABLE_OPTIONS);
    } catch (e) {
      err = e;
    }
    expect(isKvsError(err, 'IO_ERROR')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
  });

  it('abandon closes and deletes the partial file', () => {
    const dir = tempDir();
    const file = path.join(dir, '000006.sst');
    const builder = new TableBuilder(file, { ...DEFAULT_TABLE_OPTIONS, blockSize: 64 });
    for (const e of numberedEntries(2000)) builder.add(e.key, e.seq, e.kind, e.value);
    expect(fs.existsSync(file)).toBe(true);
    builder.abandon();
    expect(fs.existsSync(file)).toBe(false);
    expect(() => builder.finish()).toThrow(/already finished or abandoned/);
  });

  it('estimatedSize grows with the data and ends near the file size (uncompressed)', () => {
    const dir = tempDir();
    const builder = new TableBuilder(path.join(dir, '000007.sst'), { ...DEFAULT_TABLE_OPTIONS, compression: 'none' });
    let last = builder.estimatedSize();
    expect(last).toBe(0);
    for (const e of numberedEntries(3000)) {
      builder.add(e.key, e.seq, e.kind, e.value);
      expect(builder.estimatedSize()).toBeGreaterThanOrEqual(last);
      last = builder.estimatedSize();
    }
    const meta = builder.finish();
    expect(last).toBeLessThanOrEqual(meta.fileSize);
    expect(last).toBeGreaterThan(meta.fileSize * 0.9);
  });

  it('estimatedSize of a compressed table follows the stored bytes and ends near the file size', () => {
    const builder = new TableBuilder(path.join(tempDir(), '000017.sst'), DEFAULT_TABLE_OPTIONS);
    let last = 0;
    for (const e of numberedEntries(3000)) {
      builder.add(e.key, e.seq, e.kind, e.value);
      const now = builder.estimatedSize();
      expect(now).toBeGreaterThanOrEqual(last - DEFAULT_TABLE_OPTIONS.blockSize); // a dip of at most part of one block
      last = now;
    }
    const meta = builder.finish();
    expect(last).toBeLessThanOrEqual(meta.fileSize);
    expect(last).toBeGreaterThan(meta.fileSize * 0.8);
  });

  it('bad options are INVALID_ARGUMENT and create no file', () => {
    const dir = tempDir();
    const file = path.join(dir, '000008.sst');
    for (const bad of [{ blockSize: 0 }, { restartInterval: 0 }, { bloomBitsPerKey: -1 }, { blockSize: 1.5 }, { compression: 'snappy' as 'zlib' }]) {
      expect(() => new TableBuilder(file, { ...DEFAULT_TABLE_OPTIONS, ...bad })).toThrow(/table option/);
    }
    expect(fs.existsSync(file)).toBe(false);
  });

  it('keys and values passed to add may be reused by the caller afterwards', () => {
    const dir = tempDir();
    const file = path.join(dir, '000010.sst');
    const builder = new TableBuilder(file, DEFAULT_TABLE_OPTIONS);
    const key = Buffer.alloc(3);
    const val = Buffer.alloc(3);
    for (let i = 0; i < 26; i++) {
      key.write(`k${String.fromCharCode(97 + i)}x`.slice(0, 3));
      val.write(`v${i % 10}z`);
      builder.add(key, 1, EntryKind.VALUE, val);
    }
    builder.finish();
    const reader = TableReader.open(file, 10, new BlockCache(1 << 20), newReadCounters());
    expect(reader.get(b('kax'), 5)?.value).toEqual(b('v0z'));
    expect(reader.get(b('kzx'), 5)?.value).toEqual(b('v5z'));
    reader.close();
  });
});
