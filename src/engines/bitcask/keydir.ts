/**
 * The Bitcask keydir: key bytes -> (fileId, offset, valueSize, timestamp), built for memory.
 * Single-threaded, synchronous; no method may be re-entered from a `forEach` callback except
 * the read accessors and `update`.
 *
 * Why not `Map<string, object>`: at 1M keys that costs ~170 bytes/key (a string header, an
 * object with four fields, a hash-table slot). Here every key costs 26 bytes of entry columns,
 * 4 bytes per index slot (at most 0.75 full) and its own bytes in one arena, and the GC sees a
 * handful of large typed arrays instead of millions of small objects.
 *
 * Layout, and why:
 * - Entries are struct-of-arrays columns indexed by a handle (fileId, offset, valueSize,
 *   timestamp, hash, keyOffset: u32 each; keyLength - 1: u16, since keys are 1..65536 bytes).
 *   Handles never move, so callers may hold them across inserts, growth and arena compaction.
 *   Removed handles go on a free list threaded through the keyOffset column.
 * - The index is a power-of-two Uint32Array of handle + 1 (0 = empty slot), linear probing,
 *   max load 0.75. Deletion shifts later members of the probe run back (no tombstones), so
 *   lookups never slow down under churn. Each entry's 32-bit hash is stored, so growth reinserts
 *   without touching key bytes and probing rejects most non-matches without reading them.
 * - Key bytes are appended to one arena Buffer; removed keys leave garbage, and the arena is
 *   compacted (copied, live keys only) once garbage exceeds half of the bytes written.
 */
import { MAX_KEY_BYTES } from '../../engine/limits.js';
import { murmur3 } from '../../util/murmur3.js';
import { OrderedIndex, sortHandles } from './ordered-index.js';

/** Width of the per-entry columns: five u32 columns, the arena offset (u32) and length (u16). */
export const ENTRY_BYTES = 4 + 4 + 4 + 4 + 4 + 4 + 2;

/** The index doubles before more than MAX_LOAD_NUM / MAX_LOAD_DEN of its slots are used. */
const MAX_LOAD_NUM = 3;
const MAX_LOAD_DEN = 4;

/** Keys at most this long are compared with a byte loop, which beats a native call for them. */
const SHORT_KEY_BYTES = 24;

/** Below this many written bytes compaction is not worth a copy. */
const MIN_COMPACT_BYTES = 4096;

const MIN_CAPACITY = 8;
/** Arena bytes presized per entry of initial capacity. */
const TYPICAL_KEY_BYTES = 16;
const NO_HANDLE = -1;
/** fileId column value of a handle that is not live (removed, or never handed out). */
export const NO_FILE = 0xffff_ffff;

/** The keydir's state as columns (keydir-image.ts writes and reads them); arrays are `handleLimit` long. */
export interface KeydirParts {
  size: number;
  freeHead: number;
  arenaGarbage: number;
  fileIds: Uint32Array;
  offsets: Uint32Array;
  valueSizes: Uint32Array;
  timestamps: Uint32Array;
  hashes: Uint32Array;
  keyOffsets: Uint32Array;
  keyLengthsMinus1: Uint16Array;
  index: Uint32Array;
  /** The arena's written bytes (live keys and garbage). */
  arena: Buffer;
  /** The ordered index's handles in key order, iff it was built. */
  ordered: Uint32Array | undefined;
}

export class Keydir {
  #capacity = 0;
  #fileIds!: Uint32Array;
  #offsets!: Uint32Array;
  #valueSizes!: Uint32Array;
  #timestamps!: Uint32Array;
  #hashes!: Uint32Array;
  /** Arena offset of a live entry's key; the next free handle for a freed one. */
  #keyOffsets!: Uint32Array;
  #keyLengthsMinus1!: Uint16Array;

  #index!: Uint32Array;
  #mask = 0;

  #arena!: Buffer;
  /** Arena bytes written (live keys plus garbage). */
  #arenaUsed = 0;
  #arenaGarbage = 0;

  /** Key order over the handles, built on first use and then kept up to date (ordered-index.ts). */
  #ordered: OrderedIndex | undefined;
  /** Handles in key order read from an image: used by the first ordered() once their order checks out. */
  #importedOrder: Uint32Array | undefined;

  #size = 0;
  /** Handles below this have been handed out at least once. */
  #highWater = 0;
  #freeHead = NO_HANDLE;

  readonly #initialCapacity: number;
  readonly #initialArenaBytes: number;

  /** `initialCapacity`: entries to hold before the first growth (presize when loading). */
  constructor(initialCapacity = 16) {
    if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 0) {
      throw new RangeError(`keydir capacity must be a non-negative integer, got ${initialCapacity}`);
    }
    this.#initialCapacity = Math.max(MIN_CAPACITY, initialCapacity);
    this.#initialArenaBytes = this.#initialCapacity * TYPICAL_KEY_BYTES;
    this.#reset();
  }

  /** Live entries. */
  get size(): number {
    return this.#size;
  }

  /** Every live handle is below this (handles are dense: a merge can walk them in slices). */
  get handleLimit(): number {
    return this.#highWater;
  }

  /** True iff `handle` is live (REQUIRES: handle < handleLimit). */
  isLive(handle: number): boolean {
    return this.#fileIds[handle] !== NO_FILE;
  }

  /** Bytes held by the typed arrays and the key arena (what the keydir costs in memory). */
  get memoryBytes(): number {
    return this.#capacity * ENTRY_BYTES + this.#index.byteLength + this.#arena.length + (this.#ordered?.memoryBytes ?? 0);
  }

  /**
   * The key order of the live handles. The first call sorts them (a radix sort); from then on
   * every insert and remove keeps it current, so scans never sort again.
   */
  ordered(): OrderedIndex {
    if (this.#ordered === undefined && this.#importedOrder !== undefined) {
      const order = this.#importedOrder;
      this.#importedOrder = undefined;
      let sorted = order.length === this.#size;
      for (let i = 1; sorted && i < order.length; i++) sorted = this.compareHandles(order[i - 1]!, order[i]!) < 0;
      if (sorted) this.#ordered = new OrderedIndex(this, order);
    }
    if (this.#ordered === undefined) {
      const handles = new Uint32Array(this.#size);
      let n = 0;
      this.forEach((h) => {
        handles[n++] = h;
      });
      this.#ordered = new OrderedIndex(this, sortHandles(handles, this.#arena, this.#keyOffsets, this.#keyLengthsMinus1));
    }
    return this.#ordered;
  }

  /** Entry handle of `key`, or -1 iff absent. */
  find(key: Uint8Array): number {
    const hash = hashBytes(key);
    const index = this.#index;
    const mask = this.#mask;
    const lengthMinus1 = key.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = index[slot]!;
      if (stored === 0) return NO_HANDLE;
      const handle = stored - 1;
      if (
        this.#hashes[handle] === hash &&
        this.#keyLengthsMinus1[handle] === lengthMinus1 &&
        this.#keyEquals(handle, key)
      ) {
        return handle;
      }
    }
  }

  /** Adds `key` (REQUIRES: absent, 1..65536 bytes); copies the key bytes; returns its handle. */
  insert(key: Uint8Array, fileId: number, offset: number, valueSize: number, timestamp: number): number {
    const length = key.length;
    if (length < 1 || length > MAX_KEY_BYTES) {
      throw new RangeError(`keydir key must be 1..${MAX_KEY_BYTES} bytes, got ${length}`);
    }
    checkFields(fileId, offset, valueSize, timestamp);
    if (this.#importedOrder !== undefined) this.ordered(); // keep the image's order (one O(n) check) rather than re-sort later
    if ((this.#size + 1) * MAX_LOAD_DEN > this.#index.length * MAX_LOAD_NUM) {
      this.#growIndex();
    }
    if (this.#arenaUsed + length > this.#arena.length) this.#makeArenaRoom(length);

    const handle = this.#allocateHandle();
    const hash = hashBytes(key);
    this.#hashes[handle] = hash;
    this.#keyOffsets[handle] = this.#arenaUsed;
    this.#keyLengthsMinus1[handle] = length - 1;
    this.#arena.set(key, this.#arenaUsed);
    this.#arenaUsed += length;
    this.#fileIds[handle] = fileId;
    this.#offsets[handle] = offset;
    this.#valueSizes[handle] = valueSize;
    this.#timestamps[handle] = timestamp;

    const index = this.#index;
    const mask = this.#mask;
    let slot = hash & mask;
    while (index[slot] !== 0) slot = (slot + 1) & mask;
    index[slot] = handle + 1;
    this.#size++;
    this.#ordered?.insert(handle);
    return handle;
  }

  /** Repoints an existing entry (REQUIRES: `handle` is live). */
  update(handle: number, fileId: number, offset: number, valueSize: number, timestamp: number): void {
    checkFields(fileId, offset, valueSize, timestamp);
    this.#fileIds[handle] = fileId;
    this.#offsets[handle] = offset;
    this.#valueSizes[handle] = valueSize;
    this.#timestamps[handle] = timestamp;
  }

  /** Removes the entry (REQUIRES: `handle` is live); its handle may be reused by a later insert. */
  remove(handle: number): void {
    if (this.#importedOrder !== undefined) this.ordered();
    this.#ordered?.remove(handle); // first: it finds the handle by its key
    const index = this.#index;
    const mask = this.#mask;
    const stored = handle + 1;
    let hole = this.#hashes[handle]! & mask;
    while (index[hole] !== stored) {
      if (index[hole] === 0) throw new RangeError(`keydir handle ${handle} is not live`);
      hole = (hole + 1) & mask;
    }
    // Backward-shift: walk the rest of the probe run and pull back every entry whose home slot
    // does not lie cyclically in (hole, slot], so no lookup ever crosses an empty slot early.
    for (let slot = (hole + 1) & mask; ; slot = (slot + 1) & mask) {
      const moving = index[slot]!;
      if (moving === 0) break;
      const home = this.#hashes[moving - 1]! & mask;
      const staysPut = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (staysPut) continue;
      index[hole] = moving;
      hole = slot;
    }
    index[hole] = 0;

    this.#arenaGarbage += this.#keyLengthsMinus1[handle]! + 1;
    this.#fileIds[handle] = NO_FILE;
    this.#keyOffsets[handle] = this.#freeHead;
    this.#freeHead = handle;
    this.#size--;
    if (this.#arenaUsed >= MIN_COMPACT_BYTES && this.#arenaGarbage * 2 > this.#arenaUsed) {
      // Shrink as well as compact, so a mass delete gives its key bytes back.
      const live = this.#arenaUsed - this.#arenaGarbage;
      this.#compactArena(Math.max(this.#initialArenaBytes, live + (live >>> 1)));
    }
  }

  /** Byte order of the keys of handles `a` and `b` (<0, 0, >0), both live. */
  compareHandles(a: number, b: number): number {
    const arena = this.#arena;
    const sa = this.#keyOffsets[a]!;
    const sb = this.#keyOffsets[b]!;
    const la = this.#keyLengthsMinus1[a]! + 1;
    const lb = this.#keyLengthsMinus1[b]! + 1;
    const n = la < lb ? la : lb;
    if (n > SHORT_KEY_BYTES) return arena.compare(arena, sb, sb + lb, sa, sa + la);
    for (let i = 0; i < n; i++) {
      const d = arena[sa + i]! - arena[sb + i]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** Byte order of the key of live `handle` against `key` (<0 iff the handle's key sorts first). */
  compareKey(handle: number, key: Uint8Array): number {
    const arena = this.#arena;
    const s = this.#keyOffsets[handle]!;
    const l = this.#keyLengthsMinus1[handle]! + 1;
    const n = l < key.length ? l : key.length;
    if (n > SHORT_KEY_BYTES) return arena.compare(key, 0, key.length, s, s + l);
    for (let i = 0; i < n; i++) {
      const d = arena[s + i]! - key[i]!;
      if (d !== 0) return d;
    }
    return l - key.length;
  }

  fileId(handle: number): number {
    return this.#fileIds[handle]!;
  }

  offset(handle: number): number {
    return this.#offsets[handle]!;
  }

  valueSize(handle: number): number {
    return this.#valueSizes[handle]!;
  }

  timestamp(handle: number): number {
    return this.#timestamps[handle]!;
  }

  /** A view of the key bytes; valid only until the next insert/remove (no copy). */
  keyView(handle: number): Buffer {
    const start = this.#keyOffsets[handle]!;
    return this.#arena.subarray(start, start + this.#keyLengthsMinus1[handle]! + 1);
  }

  /** Calls fn for every live handle (order unspecified). fn must not insert/remove. */
  forEach(fn: (handle: number) => void): void {
    const index = this.#index;
    for (let slot = 0; slot < index.length; slot++) {
      const stored = index[slot]!;
      if (stored !== 0) fn(stored - 1);
    }
  }

  /** Views of the current state (no copy; valid until the next insert/remove). */
  toParts(): KeydirParts {
    const n = this.#highWater;
    return {
      size: this.#size,
      freeHead: this.#freeHead,
      arenaGarbage: this.#arenaGarbage,
      fileIds: this.#fileIds.subarray(0, n),
      offsets: this.#offsets.subarray(0, n),
      valueSizes: this.#valueSizes.subarray(0, n),
      timestamps: this.#timestamps.subarray(0, n),
      hashes: this.#hashes.subarray(0, n),
      keyOffsets: this.#keyOffsets.subarray(0, n),
      keyLengthsMinus1: this.#keyLengthsMinus1.subarray(0, n),
      index: this.#index,
      arena: this.#arena.subarray(0, this.#arenaUsed),
      ordered: this.#ordered?.sortedHandles() ?? this.#importedOrder,
    };
  }

  /**
   * A keydir over `parts` (adopted, not copied), or a reason it is inconsistent. Checks what a
   * lookup relies on, so even a checksummed image written by a buggy build cannot send a read
   * out of bounds: every index slot names a live handle whose home is consistent, every live
   * key lies inside the arena, and the counts agree. `fileCount` bounds the file ids.
   */
  static fromParts(parts: KeydirParts, fileCount: number): Keydir | string {
    // Locals, not property reads per iteration: these loops run over every handle and slot.
    const { fileIds, keyOffsets, keyLengthsMinus1, index, ordered, size } = parts;
    const n = fileIds.length;
    const slots = index.length;
    const arenaBytes = parts.arena.length;
    if (slots < MIN_CAPACITY || (slots & (slots - 1)) !== 0) return `index of ${slots} slots is not a power of two`;
    if (size * MAX_LOAD_DEN > slots * MAX_LOAD_NUM || size > n) return `${size} entries do not fit ${slots} slots and ${n} handles`;
    if (keyOffsets.length !== n || keyLengthsMinus1.length !== n) return 'columns of different lengths';
    let live = 0;
    for (let h = 0; h < n; h++) {
      const f = fileIds[h]!;
      if (f === NO_FILE) continue;
      live++;
      if (f >= fileCount) return `handle ${h} names file ${f} of ${fileCount}`;
      if (keyOffsets[h]! + keyLengthsMinus1[h]! + 1 > arenaBytes) return `key of handle ${h} runs past the arena`;
    }
    if (live !== size) return `${live} live handles but ${size} entries`;
    let used = 0;
    for (let slot = 0; slot < slots; slot++) {
      const stored = index[slot]!;
      if (stored === 0) continue;
      used++;
      if (stored > n || fileIds[stored - 1] === NO_FILE) return `index slot ${slot} names a handle that is not live`;
    }
    if (used !== size) return `${used} index slots used but ${size} entries`;
    // Every handle that is not live is on the free list, once: a bad chain would hand out a live handle.
    const seen = new Uint8Array(n);
    let free = 0;
    for (let h = parts.freeHead; h !== NO_HANDLE; h = keyOffsets[h]! | 0) {
      if (h < 0 || h >= n || fileIds[h] !== NO_FILE || seen[h] === 1) return `free list is broken at handle ${h}`;
      seen[h] = 1;
      free++;
    }
    if (free !== n - live) return `free list holds ${free} of ${n - live} free handles`;
    if (ordered !== undefined) {
      if (ordered.length !== size) return `ordered index of ${ordered.length} handles for ${size} entries`;
      for (let i = 0; i < ordered.length; i++) {
        const h = ordered[i]!;
        if (h >= n || fileIds[h] === NO_FILE || seen[h] === 2) return `ordered index names handle ${h} twice or not live`;
        seen[h] = 2;
      }
    }
    const kd = new Keydir(0);
    kd.#adopt(parts);
    return kd;
  }

  #adopt(p: KeydirParts): void {
    const n = p.fileIds.length;
    this.#capacity = n;
    this.#highWater = n;
    this.#fileIds = p.fileIds;
    this.#offsets = p.offsets;
    this.#valueSizes = p.valueSizes;
    this.#timestamps = p.timestamps;
    this.#hashes = p.hashes;
    this.#keyOffsets = p.keyOffsets;
    this.#keyLengthsMinus1 = p.keyLengthsMinus1;
    this.#index = p.index;
    this.#mask = p.index.length - 1;
    this.#arena = p.arena;
    this.#arenaUsed = p.arena.length;
    this.#arenaGarbage = p.arenaGarbage;
    this.#size = p.size;
    this.#freeHead = p.freeHead;
    this.#importedOrder = p.ordered;
  }

  /** Removes everything and returns to the initial capacity (releasing the large arrays). */
  clear(): void {
    this.#reset();
  }

  #reset(): void {
    this.#ordered = undefined;
    this.#importedOrder = undefined;
    this.#highWater = 0;
    this.#allocateEntries(this.#initialCapacity);
    const slots = nextPowerOfTwo(Math.ceil((this.#initialCapacity * MAX_LOAD_DEN) / MAX_LOAD_NUM));
    this.#index = new Uint32Array(slots);
    this.#mask = slots - 1;
    this.#arena = Buffer.allocUnsafeSlow(this.#initialArenaBytes);
    this.#arenaUsed = 0;
    this.#arenaGarbage = 0;
    this.#size = 0;
    this.#freeHead = NO_HANDLE;
  }

  #keyEquals(handle: number, key: Uint8Array): boolean {
    const start = this.#keyOffsets[handle]!;
    const length = key.length;
    if (length > SHORT_KEY_BYTES) {
      return this.#arena.compare(key, 0, length, start, start + length) === 0;
    }
    const arena = this.#arena;
    for (let i = 0; i < length; i++) {
      if (arena[start + i] !== key[i]) return false;
    }
    return true;
  }

  #allocateHandle(): number {
    if (this.#freeHead !== NO_HANDLE) {
      const handle = this.#freeHead;
      this.#freeHead = this.#keyOffsets[handle]! | 0;
      return handle;
    }
    if (this.#highWater === this.#capacity) this.#allocateEntries(Math.max(MIN_CAPACITY, this.#capacity * 2)) // an adopted image may hold 0 rows;
    return this.#highWater++;
  }

  /** Sets the entry columns to `capacity` rows, keeping the rows already handed out. */
  #allocateEntries(capacity: number): void {
    const keep = this.#highWater;
    this.#fileIds = resized(this.#fileIds, new Uint32Array(capacity), keep);
    this.#offsets = resized(this.#offsets, new Uint32Array(capacity), keep);
    this.#valueSizes = resized(this.#valueSizes, new Uint32Array(capacity), keep);
    this.#timestamps = resized(this.#timestamps, new Uint32Array(capacity), keep);
    this.#hashes = resized(this.#hashes, new Uint32Array(capacity), keep);
    this.#keyOffsets = resized(this.#keyOffsets, new Uint32Array(capacity), keep);
    this.#keyLengthsMinus1 = resized(this.#keyLengthsMinus1, new Uint16Array(capacity), keep);
    this.#capacity = capacity;
  }

  #growIndex(): void {
    const old = this.#index;
    const index = new Uint32Array(old.length * 2);
    const mask = index.length - 1;
    const hashes = this.#hashes;
    for (let i = 0; i < old.length; i++) {
      const stored = old[i]!;
      if (stored === 0) continue;
      let slot = hashes[stored - 1]! & mask;
      while (index[slot] !== 0) slot = (slot + 1) & mask;
      index[slot] = stored;
    }
    this.#index = index;
    this.#mask = mask;
  }

  /**
   * Makes room for `length` more arena bytes: compacts if that frees enough, else grows by
   * 1.5x rather than 2x, because the arena is the one structure whose slack scales with key
   * length, and a copy per growth is cheap next to hashing every key that filled it.
   */
  #makeArenaRoom(length: number): void {
    const live = this.#arenaUsed - this.#arenaGarbage;
    let size = this.#arena.length;
    if (live + length > size - (size >>> 2)) {
      size = Math.max(size + (size >>> 1), live + length);
    }
    if (size > 0xffff_ffff) throw new RangeError('keydir key arena would exceed 4 GiB');
    this.#compactArena(size);
  }

  /** Copies the live keys into a fresh arena of `size` bytes; handles stay, key offsets move. */
  #compactArena(size: number): void {
    const from = this.#arena;
    const to = Buffer.allocUnsafeSlow(size);
    const offsets = this.#keyOffsets;
    const lengthsMinus1 = this.#keyLengthsMinus1;
    const index = this.#index;
    let used = 0;
    for (let slot = 0; slot < index.length; slot++) {
      const stored = index[slot]!;
      if (stored === 0) continue;
      const handle = stored - 1;
      const start = offsets[handle]!;
      const length = lengthsMinus1[handle]! + 1;
      from.copy(to, used, start, start + length);
      offsets[handle] = used;
      used += length;
    }
    this.#arena = to;
    this.#arenaUsed = used;
    this.#arenaGarbage = 0;
  }
}

/** `to` with the first `keep` elements of `from` (if any) copied in. */
function resized<T extends Uint32Array | Uint16Array>(from: T | undefined, to: T, keep: number): T {
  if (from !== undefined && keep > 0) to.set(from.subarray(0, keep));
  return to;
}

function checkFields(fileId: number, offset: number, valueSize: number, timestamp: number): void {
  // The columns are Uint32Array, which would silently wrap an out-of-range value into a wrong
  // but plausible location on disk; one comparison per field is cheap insurance.
  if (fileId >>> 0 !== fileId || offset >>> 0 !== offset || valueSize >>> 0 !== valueSize || timestamp >>> 0 !== timestamp) {
    throw new RangeError(
      `keydir fields must be u32: fileId=${fileId} offset=${offset} valueSize=${valueSize} timestamp=${timestamp}`,
    );
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The keydir's hash: MurmurHash3 x86_32 with seed 0. Its finalizer avalanches, so keys differing
 * only in their last digit ("key000001", "key000002") land in unrelated index slots (FNV-1a alone
 * clusters them).
 */
export function hashBytes(bytes: Uint8Array): number {
  return murmur3(bytes, 0);
}
