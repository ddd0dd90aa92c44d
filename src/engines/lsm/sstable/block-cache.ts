/**
 * A cache of decoded blocks (block-reader.ts) keyed by (table file number, block number within
 * the table), bounded by the bytes of the blocks it holds, shared by every table of an engine.
 * Eviction is CLOCK (second chance), not exact LRU: a hit only sets the entry's reference bit,
 * so the hot path is an array index and a store, with no Map delete + set and no string key;
 * the clock hand clears bits and evicts the first entry not referenced since its last pass.
 * Each table reader holds its file's slot array (slotsFor), indexed by block number.
 * Single-threaded. Cached blocks are immutable, so an iterator keeps using a block after the
 * cache has evicted it.
 */
import type { Block } from './block-reader.js';

/** Default capacity: 8 MiB = 8 * 1024 * 1024 bytes of blocks, as LevelDB's default. */
export const DEFAULT_BLOCK_CACHE_BYTES = 8 * 1024 * 1024;

export interface CacheEntry {
  readonly block: Block;
  /** Set by a hit, cleared by the clock hand. */
  referenced: boolean;
  readonly slots: FileSlots;
  readonly blockNumber: number;
  /** Where the entry sits in the clock ring. */
  ringAt: number;
}

/** One table's cached blocks, by block number (sparse array: undefined iff not cached). */
export interface FileSlots {
  readonly fileNumber: number;
  readonly entries: (CacheEntry | undefined)[];
}

export class BlockCache {
  /** Most bytes of blocks held at once. 0 disables caching. */
  readonly capacity: number;
  /** Lookups that found their block (cumulative). */
  hits = 0;
  /** Lookups that did not (cumulative). */
  misses = 0;
  readonly #files = new Map<number, FileSlots>();
  /** Every cached entry, in no particular order; the clock hand sweeps it. */
  readonly #ring: CacheEntry[] = [];
  #hand = 0;
  #used = 0;

  constructor(capacityBytes: number = DEFAULT_BLOCK_CACHE_BYTES) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0) throw new RangeError(`block cache capacity must be a non-negative integer; got ${capacityBytes}`);
    this.capacity = capacityBytes;
  }

  /** Bytes of blocks now held. */
  usedBytes(): number {
    return this.#used;
  }

  /** Blocks now held. */
  count(): number {
    return this.#ring.length;
  }

  /**
   * The slot array of table `fileNumber`, created on first use (with `blockCount` empty slots, so
   * that it stays a dense array); a reader keeps it for its hot path.
   */
  slotsFor(fileNumber: number, blockCount = 0): FileSlots {
    let slots = this.#files.get(fileNumber);
    if (slots === undefined) {
      slots = { fileNumber, entries: new Array<CacheEntry | undefined>(blockCount).fill(undefined) };
      this.#files.set(fileNumber, slots);
    }
    return slots;
  }

  /** The cached block `blockNumber` of `slots`, marked referenced; counts a hit or a miss. */
  lookup(slots: FileSlots, blockNumber: number): Block | undefined {
    const entry = slots.entries[blockNumber];
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    entry.referenced = true;
    return entry.block;
  }

  /** As lookup(), by file number. */
  get(fileNumber: number, blockNumber: number): Block | undefined {
    return this.lookup(this.slotsFor(fileNumber), blockNumber);
  }

  /** Caches `block`, evicting blocks to stay within capacity. A block larger than the capacity is not cached. */
  insert(fileNumber: number, blockNumber: number, block: Block): void {
    this.insertInto(this.slotsFor(fileNumber), blockNumber, block);
  }

  /** As insert(), into a reader's slot array. */
  insertInto(slots: FileSlots, blockNumber: number, block: Block): void {
    const old = slots.entries[blockNumber];
    if (old !== undefined) this.#remove(old);
    if (block.size > this.capacity) return;
    const entry: CacheEntry = { block, referenced: false, slots, blockNumber, ringAt: this.#ring.length };
    this.#ring.push(entry);
    slots.entries[blockNumber] = entry;
    this.#used += block.size;
    while (this.#used > this.capacity) this.#evictOne(entry);
  }

  /** Drops every block of table `fileNumber` (its file is being deleted). */
  evictFile(fileNumber: number): void {
    const slots = this.#files.get(fileNumber);
    if (slots === undefined) return;
    this.#files.delete(fileNumber);
    for (const entry of slots.entries) if (entry !== undefined) this.#remove(entry);
  }

  /** Advances the clock hand to an entry not referenced since the last pass (never `keep`) and evicts it. */
  #evictOne(keep: CacheEntry): void {
    const ring = this.#ring;
    for (;;) {
      if (this.#hand >= ring.length) this.#hand = 0;
      const entry = ring[this.#hand]!;
      if (entry !== keep && !entry.referenced) {
        this.#remove(entry);
        return;
      }
      entry.referenced = false;
      this.#hand++;
    }
  }

  /** Unlinks `entry` from its slot and the ring (the ring's last entry takes its place). */
  #remove(entry: CacheEntry): void {
    const ring = this.#ring;
    const last = ring.pop()!;
    if (last !== entry) {
      ring[entry.ringAt] = last;
      last.ringAt = entry.ringAt;
    }
    entry.slots.entries[entry.blockNumber] = undefined;
    this.#used -= entry.block.size;
  }
}
