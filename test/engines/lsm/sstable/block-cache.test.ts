/** Block cache: LRU eviction by bytes, hit/miss counting, per-file eviction, degenerate capacities. */
import { describe, it, expect } from 'vitest';
import { BlockCache, DEFAULT_BLOCK_CACHE_BYTES } from '../../../../src/engines/lsm/sstable/block-cache.js';
import { Block } from '../../../../src/engines/lsm/sstable/block-reader.js';
import { BlockBuilder } from '../../../../src/engines/lsm/sstable/block-builder.js';

/** An empty-but-valid block padded to `size` bytes of contents (its cache charge). */
function blockOfSize(size: number): Block {
  const contents = Buffer.alloc(size);
  new BlockBuilder(16).finish().copy(contents, size - 8); // restart array (one restart at 0) at the end
  return new Block(contents, { file: 'f.sst', offset: 0 });
}

describe('block cache', () => {
  it('default capacity is 8 MiB', () => {
    expect(new BlockCache().capacity).toBe(8 * 1024 * 1024);
    expect(DEFAULT_BLOCK_CACHE_BYTES).toBe(8388608);
  });

  it('evicts least recently used blocks once the bytes exceed capacity', () => {
    const cache = new BlockCache(1000);
    cache.insert(1, 0, blockOfSize(400));
    cache.insert(1, 400, blockOfSize(400));
    expect(cache.usedBytes()).toBe(800);
    expect(cache.get(1, 0)).toBeDefined(); // block 0 is now the most recently used
    cache.insert(2, 0, blockOfSize(400)); // 1200 > 1000: evicts (1, 400)
    expect(cache.usedBytes()).toBe(800);
    expect(cache.get(1, 400)).toBeUndefined();
    expect(cache.get(1, 0)).toBeDefined();
    expect(cache.get(2, 0)).toBeDefined();
    expect(cache.count()).toBe(2);
  });

  it('counts hits and misses', () => {
    const cache = new BlockCache(1 << 20);
    expect(cache.get(1, 0)).toBeUndefined();
    cache.insert(1, 0, blockOfSize(100));
    cache.get(1, 0);
    cache.get(1, 0);
    cache.get(1, 100);
    expect([cache.hits, cache.misses]).toEqual([2, 2]);
  });

  it('evictFile drops only that file\'s blocks and their bytes', () => {
    const cache = new BlockCache(1 << 20);
    cache.insert(7, 0, blockOfSize(100));
    cache.insert(7, 100, blockOfSize(100));
    cache.insert(8, 0, blockOfSize(50));
    cache.evictFile(7);
    expect(cache.usedBytes()).toBe(50);
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
    none.insert(1, 0, blockOfSize(8));
    expect(none.get(1, 0)).toBeUndefined();
    expect(() => new BlockCache(-1)).toThrow(RangeError);
  });
});
