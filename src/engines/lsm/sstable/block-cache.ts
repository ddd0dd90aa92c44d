/**
 * An LRU cache of parsed data blocks keyed by (table file number, block offset), bounded by the
 * bytes of the blocks it holds. One cache is shared by every table of an engine instance.
 * Single-threaded (the engine's reads are synchronous). Cached blocks are immutable, so an
 * iterator keeps using a block after the cache has evicted it.
 */
import type { Block } from './block-reader.js';

/** Default capacity: 8 MiB = 8 * 1024 * 1024 bytes of block contents, as LevelDB's default. */
export const DEFAULT_BLOCK_CACHE_BYTES = 8 * 1024 * 1024;

interface CacheEntry {
  fileNumber: number;
  block: Block;
}

export class BlockCache {
  /** Most bytes of block contents held at once. 0 disables caching. */
  readonly capacity: number;
  /** Lookups that found their block (cumulative). */
  hits = 0;
  /** Lookups that did not (cumulative). */
  misses = 0;
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<string, CacheEntry>();
  private used = 0;

  constructor(capacityBytes: number = DEFAULT_BLOCK_CACHE_BYTES) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0) throw new RangeError(`block cache capacity must be a non-negative integer; got ${capacityBytes}`);
    this.capacity = capacityBytes;
  }

  /** Bytes of block contents now held. */
  usedBytes(): number {
    return this.used;
  }

  /** Blocks now held. */
  count(): number {
    return this.entries.size;
  }

  /** The cached block at (fileNumber, offset), marked most recently used; counts a hit or a miss. */
  get(fileNumber: number, offset: number): Block | undefined {
    const id = cacheKey(fileNumber, offset);
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.block;
  }

  /** Caches `block`, evicting least recently used blocks to stay within capacity. A block larger than the capacity is not cached. */
  insert(fileNumber: number, offset: number, block: Block): void {
    const id = cacheKey(fileNumber, offset);
    const old = this.entries.get(id);
    if (old !== undefined) {
      this.entries.delete(id);
      this.used -= old.block.size;
    }
    if (block.size > this.capacity) return;
    this.entries.set(id, { fileNumber, block });
    this.used += block.size;
    for (const [lruId, lru] of this.entries) {
      if (this.used <= this.capacity) break;
      this.entries.delete(lruId);
      this.used -= lru.block.size;
    }
  }

  /** Drops every block of table `fileNumber` (its file is being deleted). */
  evictFile(fileNumber: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.fileNumber !== fileNumber) continue;
      this.entries.delete(id);
      this.used -= entry.block.size;
    }
  }
}

function cacheKey(fileNumber: number, offset: number): string {
  return `${fileNumber}:${offset}`;
}
