/** Data/index block encoding and its iterator: seeks, restart points, prefix compression, bad bytes. */
import { describe, it, expect } from 'vitest';
import { EntryKind, TRAILER_SIZE, encodeTrailer } from '../../../../src/engines/lsm/entry.js';
import { ArrayIterator, type Entry } from '../../../../src/engines/lsm/iterators/array-iterator.js';
import { BlockBuilder } from '../../../../src/engines/lsm/sstable/block-builder.js';
import { Block, DECODED_BYTES_PER_ENTRY } from '../../../../src/engines/lsm/sstable/block-reader.js';
import { isKvsError } from '../../../../src/engine/errors.js';
import { b, backwardAll, forwardAll, numberedEntries, plain, snap, sortInternal, value } from './helpers.js';

function internalKey(e: Entry): Buffer {
  const k = Buffer.alloc(e.key.length + TRAILER_SIZE);
  e.key.copy(k);
  encodeTrailer(k, e.key.length, e.seq, e.kind);
  return k;
}

function buildBlock(entries: readonly Entry[], restartInterval = 16): Block {
  const bb = new BlockBuilder(restartInterval);
  for (const e of entries) bb.add(internalKey(e), e.value);
  return new Block(bb.finish(), { file: '/tmp/x/000009.sst', offset: 1000 });
}

/** Every seek a model array iterator can do, compared against the block iterator. */
function expectSameAsModel(entries: Entry[], restartInterval: number, probes: string[]): void {
  const it = buildBlock(entries, restartInterval).iterator();
  const model = new ArrayIterator(entries);
  expect(forwardAll(it)).toEqual(entries.map(plain));
  expect(backwardAll(it)).toEqual(entries.map(plain).reverse());
  for (const p of probes) {
    for (const seq of [undefined, 0, 5, 1e6]) {
      it.seek(b(p), seq);
      model.seek(b(p), seq);
      expect(it.valid(), `seek ${p}@${seq}`).toBe(model.valid());
      if (model.valid()) expect(snap(it)).toEqual(snap(model));
    }
    it.seekForPrev(b(p));
    model.seekForPrev(b(p));
    expect(it.valid(), `seekForPrev ${p}`).toBe(model.valid());
    if (model.valid()) expect(snap(it)).toEqual(snap(model));
  }
}

describe('block', () => {
  it('block with one entry: first, last, seek and both directions', () => {
    const it = buildBlock([value('only', 7)]).iterator();
    it.seekToFirst();
    expect(snap(it)).toEqual({ key: 'only', seq: 7, kind: EntryKind.VALUE, value: 'v:only@7' });
    it.next();
    expect(it.valid()).toBe(false);
    it.seekToLast();
    expect(it.key().toString()).toBe('only');
    it.prev();
    expect(it.valid()).toBe(false);
    it.seek(b('a'));
    expect(it.key().toString()).toBe('only');
    it.seek(b('p'));
    expect(it.valid()).toBe(false);
  });

  it('empty block (an empty table\'s index) is never valid', () => {
    const block = new BlockBuilder(16).finish();
    expect(block.length).toBe(8); // one restart (u32) + the count (u32)
    const it = new Block(block, { file: 'f.sst', offset: 0 }).iterator();
    it.seekToFirst();
    expect(it.valid()).toBe(false);
    it.seekToLast();
    expect(it.valid()).toBe(false);
    it.seek(b('x'));
    expect(it.valid()).toBe(false);
  });

  it('seek to missing keys: before the first, between two, after the last', () => {
    const it = buildBlock([value('b', 1), value('d', 2), value('f', 3)]).iterator();
    it.seek(b('a'));
    expect(it.key().toString()).toBe('b');
    it.seek(b('c'));
    expect(it.key().toString()).toBe('d');
    it.seek(b('g'));
    expect(it.valid()).toBe(false);
    it.seekForPrev(b('a'));
    expect(it.valid()).toBe(false);
    it.seekForPrev(b('e'));
    expect(it.key().toString()).toBe('d');
    it.seekForPrev(b('z'));
    expect(it.key().toString()).toBe('f');
  });

  it('seek with a sequence number lands on the newest version <= seq', () => {
    const entries = sortInternal([value('k', 9), value('k', 5), value('k', 2), value('m', 4)]);
    const it = buildBlock(entries, 2).iterator();
    it.seek(b('k'), 6);
    expect([it.key().toString(), it.seq()]).toEqual(['k', 5]);
    it.seek(b('k'), 1);
    expect([it.key().toString(), it.seq()]).toEqual(['m', 4]);
    it.seekForPrev(b('k'));
    expect([it.key().toString(), it.seq()]).toEqual(['k', 2]); // the oldest version of the last key <= k
  });

  it('prefix compression: an entry stores only the bytes after the shared prefix (encoded length check)', () => {
    const entries = [value('abcdef', 1), value('abcdeg', 2)].map((e) => ({ ...e, value: b('V') }));
    const bb = new BlockBuilder(16);
    for (const e of entries) bb.add(internalKey(e), e.value);
    const out = bb.finish();
    // entry 1: 3 varint bytes + 14-byte key + 1-byte value; entry 2 shares "abcde": 3 + (1 + 8) + 1;
    // then one restart u32 and the count u32.
    expect(out.length).toBe(3 + 14 + 1 + (3 + 9 + 1) + 4 + 4);
    expect(out[18]).toBe(5); // shared bytes of the second entry
    expect(bb.estimatedSize()).toBe(out.length);
  });

  it('restart-point boundaries: keys sharing prefixes across restarts, interval 1, 2, 16 and larger than the block', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 100; i++) entries.push(value(`prefix/shared/${String(i).padStart(3, '0')}`, 1000 - i));
    const probes = ['', 'prefix', 'prefix/shared/000', 'prefix/shared/0155', 'prefix/shared/015', 'prefix/shared/099', 'prefix/shared/0999', 'q'];
    for (const interval of [1, 2, 16, 1000]) expectSameAsModel(entries, interval, probes);
  });

  it('many versions of each key across restart points, both directions and with seq', () => {
    const entries = numberedEntries(40, 3);
    const probes = entries.filter((_, i) => i % 7 === 0).map((e) => e.key.toString('latin1'));
    for (const interval of [1, 3, 16]) expectSameAsModel(entries, interval, [...probes, 'a', 'zzz']);
  });

  it('prev then next across a restart point returns to the same entries', () => {
    const entries = numberedEntries(50);
    const it = buildBlock(entries, 4).iterator();
    it.seek(b('key000016')); // first entry of the fifth restart interval
    it.prev();
    expect(it.key().toString()).toBe('key000015');
    it.prev();
    expect(it.key().toString()).toBe('key000014');
    it.next();
    it.next();
    it.next();
    expect(it.key().toString()).toBe('key000017');
  });

  it('deletion entries keep their kind and an empty value', () => {
    const it = buildBlock([value('a', 3, EntryKind.DELETION), value('b', 2)]).iterator();
    it.seekToFirst();
    expect(it.kind()).toBe(EntryKind.DELETION);
    expect(it.value().length).toBe(0);
  });

  it('a restart count larger than the block is CORRUPTION naming the file and offset', () => {
    const contents = new BlockBuilder(16);
    contents.add(internalKey(value('a', 1)), b('x'));
    const bytes = contents.finish();
    bytes.writeUInt32LE(1000, bytes.length - 4);
    let err: unknown;
    try {
      new Block(bytes, { file: '/d/000009.sst', offset: 1000 });
    } catch (e) {
      err = e;
    }
    expect(isKvsError(err, 'CORRUPTION')).toBe(true);
    expect((err as Error).message).toContain('000009.sst');
    expect((err as Error).message).toContain(`byte offset ${1000 + bytes.length - 4}`);
  });

  it('an entry whose value length runs past the entries is CORRUPTION at that entry, when the block is loaded', () => {
    const bb = new BlockBuilder(16);
    bb.add(internalKey(value('a', 1)), b('x'));
    bb.add(internalKey(value('b', 1)), b('y'));
    const bytes = bb.finish();
    const second = 3 + 9 + 1; // first entry: three one-byte varints, 9-byte key, 1-byte value
    bytes[second + 2] = 120; // second entry's value length
    // Blocks are decoded whole when loaded, so the damage is found before any entry is served.
    expect(() => new Block(bytes, { file: 'f.sst', offset: 50 })).toThrow(/f\.sst is corrupt at byte offset 63: value of 120 bytes/);
  });

  it('an unknown entry kind is CORRUPTION', () => {
    const bb = new BlockBuilder(16);
    bb.add(internalKey(value('a', 1)), b('x'));
    const bytes = bb.finish();
    bytes[3 + 1] = 7; // kind byte: first trailer byte after the 1-byte user key
    expect(() => new Block(bytes, { file: 'f.sst', offset: 0 })).toThrow(/f\.sst is corrupt at byte offset 0: unknown entry kind 7/);
  });

  it('versions of one key whose internal keys share bytes of the trailer decode to their own seqs and kinds', () => {
    // 'k'@258 then 'k'@257 then 'k'@1 (a deletion): the trailers differ only in their low bytes,
    // so the later keys share the user key and part of the previous trailer.
    const entries = [value('k', 258), value('k', 257), { key: b('k'), seq: 1, kind: EntryKind.DELETION, value: Buffer.alloc(0) }];
    const bb = new BlockBuilder(16);
    for (const e of entries) bb.add(internalKey(e), e.value);
    const contents = bb.finish();
    expect(contents[3 + 9 + 7]).toBe(2); // after a 19-byte first entry (value "v:k@258"), the second shares the user key and one trailer byte
    const block = new Block(contents, { file: 'f.sst', offset: 0 });
    expect(Array.from(block.seqs)).toEqual([258, 257, 1]);
    expect(Array.from(block.kinds)).toEqual([EntryKind.VALUE, EntryKind.VALUE, EntryKind.DELETION]);
    expect([0, 1, 2].map((i) => block.keyAt(i).toString())).toEqual(['k', 'k', 'k']);
    expect(block.lowerBound(b('k'), 257)).toBe(1);
    expect(block.lowerBound(b('k'), 100)).toBe(2);
    expect(block.lowerBound(b('l'), 1e6)).toBe(3);
  });

  it('a restart point that falls inside an entry is CORRUPTION at that restart slot, when the block is loaded', () => {
    const bb = new BlockBuilder(1);
    bb.add(internalKey(value('a', 1)), b('x'));
    bb.add(internalKey(value('b', 1)), b('y'));
    const bytes = bb.finish();
    const restarts = bytes.length - 4 - 2 * 4;
    bytes.writeUInt32LE(5, restarts + 4); // restart 1 points into the first entry's key
    expect(() => new Block(bytes, { file: 'f.sst', offset: 100 })).toThrow(new RegExp(`byte offset ${100 + restarts + 4}: restart point 1 \\(5\\) does not start an entry`));
  });

  it('decoded arrays are counted apart from the contents: size is the cache charge, decodedBytes the extra memory', () => {
    const block = buildBlock(Array.from({ length: 20 }, (_, i) => value(`key${String(i).padStart(4, '0')}`, i + 1)));
    expect(block.size).toBe(block.data.length);
    expect(block.count).toBe(20);
    expect(block.decodedBytes).toBe(20 * 7 + 20 * DECODED_BYTES_PER_ENTRY + 4);
  });
});
