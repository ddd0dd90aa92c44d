/**
 * The keydir's key order: keydir handles sorted by key, so a scan from a key costs O(log n + k)
 * instead of a walk of the whole hash table. Single-threaded, synchronous; owned by the Keydir,
 * which calls insert/remove as keys come and go (a repointed key keeps its handle and place).
 *
 * Layout, and why: a list of leaves, each a Uint32Array of up to LEAF_MAX handles in key order,
 * plus one copied separator key per leaf. Two levels are enough at our sizes (1M keys are ~3,000
 * leaves: a binary search over separators, then one inside a leaf), an insert moves at most
 * LEAF_MAX handles, and the cost is 4 bytes per handle plus leaf slack (~5-8 B/key) and one small
 * Buffer per leaf. Keys are never copied per entry: comparisons read the keydir's arena.
 * Invariant: for every leaf i > 0, separator[i] <= each key in leaf i and > each key in leaf
 * i - 1 (separator[0] is unused). A separator stays valid when the key it was copied from goes.
 */
import { compareBytes } from '../../util/bytes.js';

/** What the index needs from the keydir: byte order of live handles' keys. */
export interface KeyOrder {
  compareHandles(a: number, b: number): number;
  /** <0 iff the handle's key sorts before `key`. */
  compareKey(handle: number, key: Uint8Array): number;
  keyView(handle: number): Buffer;
}

/** A leaf splits in two once it holds this many handles. */
const LEAF_MAX = 512;
/** Leaves are filled to this at build time, leaving room for inserts before the first split. */
const BUILD_FILL = 384;

/** A place in the index: leaf number and position inside it. */
export interface IndexPosition {
  leaf: number;
  at: number;
}

export class OrderedIndex {
  readonly #order: KeyOrder;
  #leaves: Uint32Array[] = [];
  #lengths: number[] = [];
  #separators: Buffer[] = [];
  #version = 0;

  /** Builds the index over `sorted`, handles already in key order. */
  constructor(order: KeyOrder, sorted: Uint32Array) {
    this.#order = order;
    for (let start = 0; start < sorted.length; start += BUILD_FILL) {
      const end = Math.min(sorted.length, start + BUILD_FILL);
      const leaf = new Uint32Array(LEAF_MAX);
      leaf.set(sorted.subarray(start, end));
      this.#leaves.push(leaf);
      this.#lengths.push(end - start);
      this.#separators.push(Buffer.from(order.keyView(sorted[start]!)));
    }
    if (this.#leaves.length === 0) this.#newLeafAt(0, Buffer.alloc(0));
  }

  /** Changes whenever a handle is inserted or removed: a scan holding a position re-seeks then. */
  get version(): number {
    return this.#version;
  }

  /** Bytes held by leaves and separators. */
  get memoryBytes(): number {
    let separatorBytes = 0;
    for (const s of this.#separators) separatorBytes += s.length;
    return this.#leaves.length * LEAF_MAX * 4 + separatorBytes;
  }

  /** Every handle in key order (for the keydir image). */
  sortedHandles(): Uint32Array {
    let total = 0;
    for (const n of this.#lengths) total += n;
    const out = new Uint32Array(total);
    let at = 0;
    this.#leaves.forEach((leaf, i) => {
      out.set(leaf.subarray(0, this.#lengths[i]!), at);
      at += this.#lengths[i]!;
    });
    return out;
  }

  /** Adds `handle` (REQUIRES: live in the keydir, not in the index). */
  insert(handle: number): void {
    const key = this.#order.keyView(handle);
    const leafNo = this.#leafFor(key);
    const leaf = this.#leaves[leafNo]!;
    const length = this.#lengths[leafNo]!;
    const at = this.#lowerBound(leafNo, key);
    leaf.copyWithin(at + 1, at, length);
    leaf[at] = handle;
    this.#lengths[leafNo] = length + 1;
    if (length + 1 === LEAF_MAX) this.#split(leafNo);
    this.#version++;
  }

  /** Removes `handle` (REQUIRES: in the index, its key still readable in the keydir). */
  remove(handle: number): void {
    const key = this.#order.keyView(handle);
    const leafNo = this.#leafFor(key);
    const leaf = this.#leaves[leafNo]!;
    const length = this.#lengths[leafNo]!;
    const at = this.#lowerBound(leafNo, key);
    if (at >= length || leaf[at] !== handle) throw new RangeError(`ordered index does not hold handle ${handle} (this is a bug)`);
    leaf.copyWithin(at, at + 1, length);
    this.#lengths[leafNo] = length - 1;
    if (length === 1 && this.#leaves.length > 1) {
      this.#leaves.splice(leafNo, 1);
      this.#lengths.splice(leafNo, 1);
      this.#separators.splice(leafNo, 1);
    }
    this.#version++;
  }

  /** The handle at `pos` (REQUIRES: a position returned by seek/step). */
  handleAt(pos: IndexPosition): number {
    return this.#leaves[pos.leaf]![pos.at]!;
  }

  /**
   * The first position at or after `key` (inclusive) or strictly after it, in forward order;
   * with `key` undefined the very first. Undefined iff there is none.
   */
  seekForward(key: Uint8Array | undefined, inclusive: boolean): IndexPosition | undefined {
    if (key === undefined) return this.#normalizeForward({ leaf: 0, at: 0 });
    const leaf = this.#leafFor(key);
    const at = inclusive ? this.#lowerBound(leaf, key) : this.#upperBound(leaf, key);
    return this.#normalizeForward({ leaf, at });
  }

  /** The last position at or before `key` (inclusive) or strictly before it; with `key` undefined the very last. */
  seekBackward(key: Uint8Array | undefined, inclusive: boolean): IndexPosition | undefined {
    if (key === undefined) {
      const leaf = this.#leaves.length - 1;
      return this.#normalizeBackward({ leaf, at: this.#lengths[leaf]! - 1 });
    }
    const leaf = this.#leafFor(key);
    const at = (inclusive ? this.#upperBound(leaf, key) : this.#lowerBound(leaf, key)) - 1;
    return this.#normalizeBackward({ leaf, at });
  }

  /** The next position in the direction, or undefined at the end (REQUIRES: no insert/remove since `pos`). */
  step(pos: IndexPosition, reverse: boolean): IndexPosition | undefined {
    return reverse ? this.#normalizeBackward({ leaf: pos.leaf, at: pos.at - 1 }) : this.#normalizeForward({ leaf: pos.leaf, at: pos.at + 1 });
  }

  #normalizeForward(pos: IndexPosition): IndexPosition | undefined {
    let { leaf, at } = pos;
    while (leaf < this.#leaves.length && at >= this.#lengths[leaf]!) {
      leaf++;
      at = 0;
    }
    return leaf < this.#leaves.length ? { leaf, at } : undefined;
  }

  #normalizeBackward(pos: IndexPosition): IndexPosition | undefined {
    let { leaf, at } = pos;
    while (leaf >= 0 && at < 0) {
      leaf--;
      if (leaf >= 0) at = this.#lengths[leaf]! - 1;
    }
    return leaf >= 0 ? { leaf, at } : undefined;
  }

  /** The last leaf whose separator is <= key (leaf 0 if none). */
  #leafFor(key: Uint8Array): number {
    const separators = this.#separators;
    let lo = 1;
    let hi = separators.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(separators[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** First position in leaf whose key is >= key. */
  #lowerBound(leafNo: number, key: Uint8Array): number {
    const leaf = this.#leaves[leafNo]!;
    let lo = 0;
    let hi = this.#lengths[leafNo]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#order.compareKey(leaf[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position in leaf whose key is > key. */
  #upperBound(leafNo: number, key: Uint8Array): number {
    const leaf = this.#leaves[leafNo]!;
    let lo = 0;
    let hi = this.#lengths[leafNo]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#order.compareKey(leaf[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Moves the upper half of a full leaf into a new leaf after it. */
  #split(leafNo: number): void {
    const leaf = this.#leaves[leafNo]!;
    const half = LEAF_MAX >>> 1;
    this.#newLeafAt(leafNo + 1, Buffer.from(this.#order.keyView(leaf[half]!)));
    this.#leaves[leafNo + 1]!.set(leaf.subarray(half, LEAF_MAX));
    this.#lengths[leafNo + 1] = LEAF_MAX - half;
    this.#lengths[leafNo] = half;
  }

  #newLeafAt(leafNo: number, separator: Buffer): void {
    this.#leaves.splice(leafNo, 0, new Uint32Array(LEAF_MAX));
    this.#lengths.splice(leafNo, 0, 0);
    this.#separators.splice(leafNo, 0, separator);
  }
}

/** Ranges at most this long are finished by insertion sort instead of another radix pass. */
const SMALL_RANGE = 24;

/**
 * Sorts `handles` by key, in place, and returns it: the index's build step. A comparison sort
 * calls back into JS ~20 times per key at 1M keys (about 1 s with a comparator); this is an MSD
 * radix sort on the key bytes, one counting pass per byte position over each range of keys that
 * share a prefix, with no callback per comparison. (Under the machine's load the two measured
 * alike at 200k keys; the radix sort's cost does not grow with log n.) `keyOffsets`/`keyLengthsMinus1` locate each handle's key in `arena`.
 */
export function sortHandles(handles: Uint32Array, arena: Uint8Array, keyOffsets: Uint32Array, keyLengthsMinus1: Uint16Array): Uint32Array {
  const n = handles.length;
  const scratch = new Uint32Array(n);
  const counts = new Uint32Array(257);
  const starts = new Uint32Array(257);
  const byteAt = (h: number, depth: number): number => (depth <= keyLengthsMinus1[h]! ? arena[keyOffsets[h]! + depth]! + 1 : 0); // 0: key ended
  const stack: number[] = [0, n, 0]; // lo, hi, depth
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= SMALL_RANGE) {
      insertionSort(handles, lo, hi, depth, arena, keyOffsets, keyLengthsMinus1);
      continue;
    }
    counts.fill(0);
    for (let i = lo; i < hi; i++) counts[byteAt(handles[i]!, depth)]!++;
    if (counts[0] === hi - lo) continue; // every key ended: all equal (cannot happen for unique keys)
    let at = lo;
    for (let b = 0; b < 257; b++) {
      starts[b] = at;
      at += counts[b]!;
    }
    for (let i = lo; i < hi; i++) {
      const h = handles[i]!;
      scratch[starts[byteAt(h, depth)]!++] = h;
    }
    handles.set(scratch.subarray(lo, hi), lo);
    // Bucket 0 (keys ending here) is sorted; each byte bucket with more than one key recurses.
    let start = lo + counts[0]!;
    for (let b = 1; b < 257; b++) {
      const c = counts[b]!;
      if (c > 1) stack.push(start, start + c, depth + 1);
      start += c;
    }
  }
  return handles;
}

/** Sorts handles[lo, hi), whose keys share their first `depth` bytes. */
function insertionSort(handles: Uint32Array, lo: number, hi: number, depth: number, arena: Uint8Array, keyOffsets: Uint32Array, keyLengthsMinus1: Uint16Array): void {
  for (let i = lo + 1; i < hi; i++) {
    const h = handles[i]!;
    let j = i - 1;
    while (j >= lo && compareFrom(handles[j]!, h, depth, arena, keyOffsets, keyLengthsMinus1) > 0) {
      handles[j + 1] = handles[j]!;
      j--;
    }
    handles[j + 1] = h;
  }
}

function compareFrom(a: number, b: number, depth: number, arena: Uint8Array, keyOffsets: Uint32Array, keyLengthsMinus1: Uint16Array): number {
  const la = keyLengthsMinus1[a]! + 1;
  const lb = keyLengthsMinus1[b]! + 1;
  const sa = keyOffsets[a]!;
  const sb = keyOffsets[b]!;
  const n = la < lb ? la : lb;
  for (let i = depth; i < n; i++) {
    const d = arena[sa + i]! - arena[sb + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}
