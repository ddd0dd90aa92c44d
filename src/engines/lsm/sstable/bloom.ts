/**
 * The table's Bloom filter over user keys (grammar in table-format.ts: bits then k). One 32-bit
 * hash per key; the k probe positions come from it by double hashing (h, h + d, h + 2d, ...,
 * d = h rotated right by 17), as LevelDB's bloom does, so a lookup hashes the key once.
 * Immutable once built; safe to share.
 */
import { tableCorruption, type BlockSource } from './corruption.js';

/** Fewest filter bits, so that a table of very few keys still gets a useful filter: 64. */
export const MIN_FILTER_BITS = 64;
/** Most probes per key (the k byte); more only costs time. */
export const MAX_PROBES = 30;

/**
 * MurmurHash3 (x86, 32-bit) of `key`. Written here rather than taken from a package because the
 * filter format depends on the exact function and it is 25 lines.
 */
export function bloomHash(key: Uint8Array, seed = 0xbc9f1d34): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const len = key.length;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest > 0) {
    let k = key[blocks]!;
    if (rest > 1) k |= key[blocks + 1]! << 8;
    if (rest > 2) k |= key[blocks + 2]! << 16;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Probes per key for `bitsPerKey`: round(bitsPerKey * ln 2), the optimum, clamped to 1..30. */
export function probesFor(bitsPerKey: number): number {
  return Math.min(MAX_PROBES, Math.max(1, Math.round(bitsPerKey * Math.LN2)));
}

/** Filter contents for the keys whose bloomHash values are `hashes[0, count)`. REQUIRES: bitsPerKey >= 1. */
export function buildBloomFilter(hashes: Uint32Array, count: number, bitsPerKey: number): Buffer {
  const k = probesFor(bitsPerKey);
  const bytes = Math.ceil(Math.max(MIN_FILTER_BITS, count * bitsPerKey) / 8);
  const bits = bytes * 8;
  const out = Buffer.alloc(bytes + 1);
  for (let i = 0; i < count; i++) {
    let h = hashes[i]!;
    const delta = ((h >>> 17) | (h << 15)) >>> 0;
    for (let j = 0; j < k; j++) {
      const pos = h % bits;
      out[pos >>> 3] |= 1 << (pos & 7);
      h = (h + delta) >>> 0;
    }
  }
  out[bytes] = k;
  return out;
}

export class BloomFilter {
  private readonly bits: number;
  private readonly k: number;

  /** Parses filter contents. Throws CORRUPTION iff the probe count or size is impossible. */
  constructor(private readonly contents: Buffer, source: BlockSource) {
    if (contents.length < 2) throw tableCorruption(source.file, source.offset, `filter block of ${contents.length} bytes has no bits`);
    this.k = contents[contents.length - 1]!;
    if (this.k < 1 || this.k > MAX_PROBES) throw tableCorruption(source.file, source.offset + contents.length - 1, `filter probe count ${this.k} is not 1..${MAX_PROBES}`);
    this.bits = (contents.length - 1) * 8;
  }

  /** False iff `userKey` is certainly not in the table. */
  mayContain(userKey: Uint8Array): boolean {
    let h = bloomHash(userKey);
    const delta = ((h >>> 17) | (h << 15)) >>> 0;
    for (let j = 0; j < this.k; j++) {
      const pos = h % this.bits;
      if ((this.contents[pos >>> 3]! & (1 << (pos & 7))) === 0) return false;
      h = (h + delta) >>> 0;
    }
    return true;
  }
}
