/**
 * The memtable's sorted structure: a skiplist (Pugh 1990) in internal order (user key
 * ascending, sequence descending), as in LevelDB, laid out in flat memory instead of objects.
 * Keys and values are copied into one arena buffer; a node is an integer, and its fields live in
 * typed arrays (arena offset, key and value lengths, kind, seq, bottom-level back link, and its
 * `height` forward links in one shared link array). An insert allocates nothing but arena space,
 * every comparison reads the arena in place, and the garbage collector sees a handful of
 * arrays instead of a node object and a `next` array per entry.
 *
 * Measured against the object skiplist it replaces and a sorted array (`node bench/lsm-memtable.mjs`,
 * 14-byte keys, 100-byte values, inserts/s, same run; figures in docs/formats/lsm.md):
 * see the table in bench/lsm-memtable.mjs's output quoted in the Memtable section.
 *
 * Growth doubles the arena or the arrays and copies; views handed out earlier (iterator keys,
 * values) keep pointing into the old arena, whose bytes never change, so they stay valid.
 * Single-threaded: inserts only ever link new nodes, so an iterator stays valid across inserts.
 */
import type { EntryKind } from '../entry.js';

const MAX_HEIGHT = 12;
/** Each level holds 1/BRANCHING of the nodes of the level below (LevelDB's choice). */
const BRANCHING = 4;
/** The head node: no key, MAX_HEIGHT links. */
export const HEAD = 0;
/** "No node" in a link. */
export const NIL = -1;

const INITIAL_NODES = 1024;
const INITIAL_ARENA = 256 * 1024;
/** Fixed bytes of one node's arrays: offset, key length, value length, link base, prev (5 x 4), seq (8), kind (1) = 29. */
export const NODE_BYTES = 5 * 4 + 8 + 1;
/** Bytes of one forward link. */
export const LINK_BYTES = 4;

export class SkipList {
  /** Keys and values: node n's key at arena[offset[n], + keyLen[n]), its value right after. */
  arena: Buffer = Buffer.allocUnsafe(INITIAL_ARENA);
  #arenaUsed = 0;
  offset = new Uint32Array(INITIAL_NODES);
  keyLen = new Uint32Array(INITIAL_NODES);
  valueLen = new Uint32Array(INITIAL_NODES);
  seq = new Float64Array(INITIAL_NODES);
  kind = new Uint8Array(INITIAL_NODES);
  /** Node n's link at level l is links[linkBase[n] + l]. */
  linkBase = new Int32Array(INITIAL_NODES);
  links = new Int32Array(INITIAL_NODES * 2);
  /** Previous node on the bottom level; HEAD for the first node. */
  prev = new Int32Array(INITIAL_NODES);
  #linksUsed = 0;
  #nodes = 0;
  #tail = NIL;
  #height = 1;
  /** Scratch for insert(): predecessors per level. */
  readonly #preds = new Int32Array(MAX_HEIGHT);

  constructor() {
    this.#newNode(MAX_HEIGHT, 0, 0);
  }

  /** Entries inserted (the head is not one). */
  get count(): number {
    return this.#nodes - 1;
  }

  /** Bytes of the arena and arrays used by entries (the head excluded): the memtable's memory estimate. */
  get bytesUsed(): number {
    return this.#arenaUsed + (this.#nodes - 1) * NODE_BYTES + (this.#linksUsed - MAX_HEIGHT) * LINK_BYTES;
  }

  /** The user key of node `n`, a view into the arena. REQUIRES: n is an entry (not HEAD). */
  keyOf(n: number): Buffer {
    const at = this.offset[n]!;
    return this.arena.subarray(at, at + this.keyLen[n]!);
  }

  /** The value of node `n`, a view into the arena. */
  valueOf(n: number): Buffer {
    const at = this.offset[n]! + this.keyLen[n]!;
    return this.arena.subarray(at, at + this.valueLen[n]!);
  }

  /** Arena offset of node `n`'s value. */
  valueStart(n: number): number {
    return this.offset[n]! + this.keyLen[n]!;
  }

  /** Next node on the bottom level, or NIL. */
  next(n: number): number {
    return this.links[this.linkBase[n]!]!;
  }

  /** True iff node `n`'s key equals `key`. */
  keyEquals(n: number, key: Uint8Array): boolean {
    const len = this.keyLen[n]!;
    if (len !== key.length) return false;
    const arena = this.arena;
    const at = this.offset[n]!;
    for (let i = 0; i < len; i++) if (arena[at + i] !== key[i]) return false;
    return true;
  }

  /**
   * Inserts (key, seq, kind, value), copying key and value into the arena.
   * REQUIRES: no entry with the same key and seq is present. Returns the node.
   */
  insert(key: Uint8Array, seq: number, kind: EntryKind, value: Uint8Array): number {
    const preds = this.#preds;
    let x = HEAD;
    for (let level = this.#height - 1; level >= 0; level--) {
      for (let n = this.links[this.linkBase[x]! + level]!; n !== NIL && this.#compare(n, key, seq) < 0; n = this.links[this.linkBase[x]! + level]!) x = n;
      preds[level] = x;
    }
    const height = randomHeight();
    for (let level = this.#height; level < height; level++) preds[level] = HEAD;
    if (height > this.#height) this.#height = height;
    const node = this.#newNode(height, key.length, value.length);
    const arena = this.arena;
    const at = this.offset[node]!;
    copyInto(arena, at, key);
    copyInto(arena, at + key.length, value);
    this.seq[node] = seq;
    this.kind[node] = kind;
    const links = this.links;
    const base = this.linkBase[node]!;
    for (let level = 0; level < height; level++) {
      const predLink = this.linkBase[preds[level]!]! + level;
      links[base + level] = links[predLink]!;
      links[predLink] = node;
    }
    this.prev[node] = preds[0]!;
    const after = links[base]!;
    if (after === NIL) this.#tail = node;
    else this.prev[after] = node;
    return node;
  }

  /** First node at or after (key, seq) in internal order, or NIL. */
  seek(key: Uint8Array, seq: number): number {
    let x = HEAD;
    const links = this.links;
    for (let level = this.#height - 1; level >= 0; level--) {
      for (let n = links[this.linkBase[x]! + level]!; n !== NIL && this.#compare(n, key, seq) < 0; n = links[this.linkBase[x]! + level]!) x = n;
    }
    return links[this.linkBase[x]!]!;
  }

  /** First entry, or NIL iff empty. */
  first(): number {
    return this.next(HEAD);
  }

  /** Last entry, or NIL iff empty. */
  last(): number {
    return this.#tail;
  }

  /** Negative iff node `n` sorts before (key, seq) in internal order; compares in the arena. */
  #compare(n: number, key: Uint8Array, seq: number): number {
    const arena = this.arena;
    const at = this.offset[n]!;
    const len = this.keyLen[n]!;
    const m = len < key.length ? len : key.length;
    for (let i = 0; i < m; i++) {
      const d = arena[at + i]! - key[i]!;
      if (d !== 0) return d;
    }
    return len - key.length || seq - this.seq[n]!;
  }

  /** Allocates a node with `height` links (all NIL) and arena room for its key and value. */
  #newNode(height: number, keyLength: number, valueLength: number): number {
    const n = this.#nodes;
    if (n === this.offset.length) this.#growNodes();
    if (this.#linksUsed + height > this.links.length) this.links = grow(this.links, this.#linksUsed + height);
    const bytes = keyLength + valueLength;
    if (this.#arenaUsed + bytes > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.#arenaUsed + bytes));
      this.arena.copy(bigger, 0, 0, this.#arenaUsed);
      this.arena = bigger;
    }
    this.offset[n] = this.#arenaUsed;
    this.keyLen[n] = keyLength;
    this.valueLen[n] = valueLength;
    this.linkBase[n] = this.#linksUsed;
    this.links.fill(NIL, this.#linksUsed, this.#linksUsed + height);
    this.#linksUsed += height;
    this.#arenaUsed += bytes;
    this.#nodes = n + 1;
    return n;
  }

  #growNodes(): void {
    const size = this.offset.length * 2;
    this.offset = grow(this.offset, size);
    this.keyLen = grow(this.keyLen, size);
    this.valueLen = grow(this.valueLen, size);
    this.seq = grow(this.seq, size);
    this.kind = grow(this.kind, size);
    this.linkBase = grow(this.linkBase, size);
    this.prev = grow(this.prev, size);
  }
}

type Grown = Uint32Array | Int32Array | Float64Array | Uint8Array;

/** A copy of `a` with room for at least `size` elements (doubling). */
function grow<T extends Grown>(a: T, size: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2));
  bigger.set(a);
  return bigger;
}

/** Copies `src` into `dst` at `at`: a loop for short keys (cheaper than a native call), TypedArray#set otherwise. */
function copyInto(dst: Buffer, at: number, src: Uint8Array): void {
  const n = src.length;
  if (n <= 32) {
    for (let i = 0; i < n; i++) dst[at + i] = src[i]!;
    return;
  }
  dst.set(src, at);
}

function randomHeight(): number {
  let h = 1;
  while (h < MAX_HEIGHT && Math.random() * BRANCHING < 1) h++;
  return h;
}
