/**
 * YCSB's skewed key choosers: zipfian (Gray et al., "Quickly generating billion-record synthetic
 * databases", SIGMOD 1994), scrambled zipfian (popular keys spread over the key space by a hash)
 * and skewed-latest (recent inserts are the popular ones). θ = 0.99 as in YCSB.
 * Written from the algorithm's description; single-threaded.
 */
import type { KeyChooser } from './distributions.js';
import type { Random } from './random.js';

/** YCSB's zipfian constant. */
export const ZIPFIAN_THETA = 0.99;

/** ζ(n, θ) = Σ_{i=1..n} 1/i^θ, extended from ζ(from, θ) = `partial`. */
export function zeta(n: number, theta: number, from = 0, partial = 0): number {
  let sum = partial;
  for (let i = from + 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  return sum;
}

/**
 * Indexes in [0, n) where index i has probability (1/(i+1)^θ) / ζ(n, θ): index 0 is the most
 * popular. `next(itemCount)` may be called with a growing count (inserts); ζ is extended
 * incrementally rather than recomputed.
 */
export class ZipfianChooser implements KeyChooser {
  readonly #theta: number;
  readonly #alpha: number;
  readonly #zeta2: number;
  #items: number;
  #zetan: number;
  #eta: number;

  /** `zetan` may be given when precomputed (ζ of ten billion items takes minutes to sum). */
  constructor(
    items: number,
    private readonly rng: Random,
    theta = ZIPFIAN_THETA,
    zetan?: number,
  ) {
    this.#theta = theta;
    this.#alpha = 1 / (1 - theta);
    this.#zeta2 = zeta(2, theta);
    this.#items = items;
    this.#zetan = zetan ?? zeta(items, theta);
    this.#eta = this.#etaFor(items);
  }

  #etaFor(items: number): number {
    return (1 - Math.pow(2 / items, 1 - this.#theta)) / (1 - this.#zeta2 / this.#zetan);
  }

  /** The probability of index 0, 1/ζ(n, θ): what a sample's most popular index should approach. */
  get topShare(): number {
    return 1 / this.#zetan;
  }

  next(itemCount = this.#items): number {
    if (itemCount > this.#items) {
      this.#zetan = zeta(itemCount, this.#theta, this.#items, this.#zetan);
      this.#items = itemCount;
      this.#eta = this.#etaFor(itemCount);
    }
    const u = this.rng.next();
    const uz = u * this.#zetan;
    if (uz < 1) return 0;
    if (uz < 1 + Math.pow(0.5, this.#theta)) return 1;
    const i = Math.floor(this.#items * Math.pow(this.#eta * u - this.#eta + 1, this.#alpha));
    return Math.min(i, this.#items - 1);
  }
}

/** YCSB draws scrambled values from a zipfian over ten billion items, whose ζ it precomputes. */
const SCRAMBLE_ITEMS = 10_000_000_000;
const SCRAMBLE_ZETAN = 26.46902820178302;

const FNV_OFFSET_64 = 0xcbf29ce484222325n;
const FNV_PRIME_64 = 0x100000001b3n;

/** FNV-1a over the 8 little-endian bytes of `value`, as YCSB hashes key numbers (absolute value). */
export function fnv1a64(value: number): bigint {
  let v = BigInt(value);
  let hash = FNV_OFFSET_64;
  for (let i = 0; i < 8; i++) {
    hash ^= v & 0xffn;
    hash = BigInt.asUintN(64, hash * FNV_PRIME_64);
    v >>= 8n;
  }
  const signed = BigInt.asIntN(64, hash);
  return signed < 0n ? -signed : signed;
}

/**
 * YCSB's scrambled zipfian over [0, n): the popularity of a zipfian over ten billion items, with
 * each rank hashed to a place in the key space, so hot keys are not neighbours (which would
 * favour engines that cache by key range). The most popular key gets about 1/26.47 = 3.8%.
 */
export class ScrambledZipfianChooser implements KeyChooser {
  readonly #zipf: ZipfianChooser;
  readonly #n: bigint;

  constructor(n: number, rng: Random) {
    this.#zipf = new ZipfianChooser(SCRAMBLE_ITEMS, rng, ZIPFIAN_THETA, SCRAMBLE_ZETAN);
    this.#n = BigInt(n);
  }

  /** The probability of the most popular key (before hash collisions add to it). */
  get topShare(): number {
    return this.#zipf.topShare;
  }

  next(): number {
    return Number(fnv1a64(this.#zipf.next()) % this.#n);
  }
}

/**
 * YCSB's "latest" distribution (workload D): the newest record is the most popular, then the one
 * before it, zipfian by age. `next(count)` takes the current number of records.
 */
export class LatestChooser implements KeyChooser {
  readonly #zipf: ZipfianChooser;
  #count: number;

  constructor(count: number, rng: Random) {
    this.#zipf = new ZipfianChooser(count, rng);
    this.#count = count;
  }

  next(count = this.#count): number {
    this.#count = Math.max(count, this.#count);
    return this.#count - 1 - this.#zipf.next(this.#count);
  }
}
