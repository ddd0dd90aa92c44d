/**
 * The table's Bloom filter over user keys (grammar in table-format.ts: bits then k). One 32-bit
 * hash per key; the k probe positions come from it by double hashing (h, h + d, h + 2d, ...,
 * d = h rotated right by 17), as LevelDB's bloom does, so a lookup hashes the key once.
 * Immutable once built; safe to share.
 */
import { murmur3 } from '../../../util/murmur3.js';
import { tableCorruption, type BlockSource } from './corruption.js';

/** Fewest filter bits, so that a table of very few keys still gets a useful filter: 64. */
export const MIN_FILTER_BITS = 64;
/** Most probes per key (the k byte); more only costs time. */
export const MAX_PROBES = 30;

/** Seed of the filter's hash (LevelDB's bloom seed); the filter format depends on it. */
const BLOOM_SEED = 0xbc9f1d34;

/** The filter's hash of `key`: MurmurHash3 x86_32 with the bloom seed. */
export function bloomHash(key: Uint8Array): number {
  return murmur3(key, BLOOM_SEED);
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
      out[pos >>> 3] = out[pos >>> 3]! | (1 << (pos & 7));
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
    return this.mayContainHash(bloomHash(userKey));
  }

  /** As mayContain(), given bloomHash(userKey): a lookup hashes the key once for every table it probes. */
  mayContainHash(hash: number): boolean {
    let h = hash;
    const delta = ((h >>> 17) | (h << 15)) >>> 0;
    const bits = this.bits;
    for (let j = 0; j < this.k; j++) {
      // h mod bits without a float modulo (h is a uint32, not a small integer, so `%` calls fmod);
      // exact: both are integers below 2^32, so the quotient's floor is exact in a double.
      const pos = h - Math.floor(h / bits) * bits;
      if ((this.contents[pos >>> 3]! & (1 << (pos & 7))) === 0) return false;
      h = (h + delta) >>> 0;
    }
    return true;
  }
}
