/**
 * Seeded pseudo-random numbers for the benchmark. The same seed gives the same operation stream
 * on every engine, so engines are compared on identical keys in an identical order. Not for
 * cryptography. Single-threaded: one generator per stream.
 */

/** A mulberry32 generator: 32 bits of state, fast, and good enough to pick keys. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). REQUIRES: n >= 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi], both inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** Fills `buf` with random bytes. */
  fill(buf: Uint8Array): void {
    for (let i = 0; i < buf.length; i++) buf[i] = this.int(256);
  }
}

/** The integers 0 .. n-1 in a random order (Fisher–Yates): each appears exactly once. */
export function permutation(n: number, rng: Random): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
