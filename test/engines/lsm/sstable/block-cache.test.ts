/** Block cache: CLOCK eviction by bytes, hit/miss counting, per-file eviction, degenerate capacities. */
import { describe, it, expect } from 'vitest';
import { EntryKind, TRAILER_SIZE, encodeTrailer } from '../../../../src/engines/lsm/entry.js';
import { BlockCache, DEFAULT_BLOCK_CACHE_BYTES } from '../../../../src/engines/lsm/sstable/block-cache.js';
import { Block } from '../../../../src/engines/lsm/sstable/block-reader.js';
import { BlockBuilder } from '../../../../src/engines/lsm/sstable/block-builder.js';

/** A one-entry block whose charge (Block.size) is exactly `size` bytes. */
function blockOfSize(size: number): Block {
  const make = (valueBytes: number): Block => {
    const key = Buffer.alloc(1 + TRAILER_SIZE, 0x61);
    encodeTrailer(key, 1, 1, EntryKind.VALUE);
    const bb = new BlockBuilder(16);
    bb.add(key, Buffer.alloc(valueBytes));
    return new Block(bb.finish(), { file: 'f.sst', offset: 0 });
  };
  const overhead = make(0).size;
  const block = make(size - overhead - (size - overhead >= 128 ? 1 : 0)); // a value of 128+ bytes takes a 2-byte length
  expect(block.size).toBe(size);
  return block;
}

describe('block cache', () => {
  it('default capacity is 8 MiB', () => {
    expect(new BlockCache().capacity).toBe(8 * 1024 * 1024);
    expect(DEFAULT_BLOCK_CACHE_BYTES).toBe(8388608);
  });

  it('evicts a block not referenced since the clock last passed once the bytes exceed capacity', () => {
    const cache = new BlockCache(1000);
    cache.insert(1, 0, blockOfSize(400));
    cache.insert(1, 1, blockOfSize(400));
    expect(cache.usedBytes()).toBe(800);
    expect(cache.get(1, 0)).toBeDefined(); // block (1, 0) is referenced: it gets a second chance
    cache.insert(2, 0, blockOfSize(400)); // 1200 > 1000: evicts (1, 1)
    expect(cache.usedBytes()).toBe(800);
    expect(cache.get(1, 1)).toBeUndefined();
    expect(cache.get(1, 0)).toBeDefined();
    expect(cache.get(2, 0)).toBeDefined();
    expect(cache.count()).toBe(2);
  });

  it('when every block was referenced, the clock clears the bits and evicts the oldest pass first', () => {
    const cache = new BlockCache(1000);
    cache.insert(1, 0, blockOfSize(300));
    cache.insert(1, 1, blockOfSize(300));
    cache.insert(1, 2, blockOfSize(300));
    for (let i = 0; i < 3; i++) cache.get(1, i);
    cache.insert(1, 3, blockOfSize(300)); // every bit is cleared in one sweep, then (1, 0) goes
    expect(cache.get(1, 0)).toBeUndefined();
    expect([1, 2, 3].map((i) => cache.get(1, i) !== undefined)).toEqual([true, true, true]);
    expect(cache.usedBytes()).toBe(900);
  });

  it('never evicts the block being inserted, and a reader\'s slot array sees inserts and evictions', () => {
    const cache = new BlockCache(1000);
    const slots = cache.slotsFor(5, 3);
    expect(slots.entries).toHaveLength(3);
    cache.insertInto(slots, 0, blockOfSize(600));
    cache.insertInto(slots, 1, blockOfSize(600));
    expect(slots.entries[0]).toBeUndefined();
    expect(cache.lookup(slots, 1)).toBeDefined();
    expect(cache.get(5, 1)).toBe(slots.entries[1]!.block);
  });

  it('counts hits and misses', () => {
    const cache = new BlockCache(1 << 20);
    expect(cache.get(1, 0)).toBeUndefined();
    cache.insert(1, 0, blockOfSize(100));
    cache.get(1, 0);
    cache.get(1, 0);
    cache.get(1, 1);
    expect([cache.hits, cache.misses]).toEqual([2, 2]);
  });

  it('evictFile drops only that file\'s blocks and their bytes', () => {
    const cache = new BlockCache(1 << 20);
    cache.insert(7, 0, blockOfSize(100));
    cache.insert(7, 1, blockOfSize(100));
    cache.insert(8, 0, blockOfSize(50));
    cache.evictFile(7);
    expect(cache.usedBytes()).toBe(50);
    expect(cache.count()).toBe(1);
    expect(cache.get(7, 0)).toBeUndefined();
    expect(cache.get(8, 0)).toBeDefined();
  });

  it('re-inserting the same block replaces it without double-counting bytes', () => {
    const cache = new BlockCache(1000);
    cache.insert(1, 0, blockOfSize(300));
    cache.insert(1, 0, blockOfSize(200));
    expect(cache.usedBytes()).toBe(200);
    expect(cache.count()).toBe(1);
  });

  it('a block larger than the capacity, or any block at capacity 0, is not cached', () => {
    const small = new BlockCache(100);
    small.insert(1, 0, blockOfSize(101));
    expect(small.usedBytes()).toBe(0);
    const none = new BlockCache(0);
    none.insert(1, 0, blockOfSize(60));
    expect(none.get(1, 0)).toBeUndefined();
    expect(() => new BlockCache(-1)).toThrow(RangeError);
  });
});
