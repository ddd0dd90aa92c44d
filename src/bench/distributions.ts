/**
 * Key choosers: which record index an operation touches next. Uniform and sequential here; the
 * skewed YCSB distributions are in zipfian.ts. All implement `KeyChooser`.
 */
import { permutation, type Random } from './random.js';

/** Picks record indexes. `next()` is always within the chooser's current range. */
export interface KeyChooser {
  next(): number;
}

/** Every index in [0, n) equally likely, with repetition (db_bench `readrandom`, `overwrite`). */
export class UniformChooser implements KeyChooser {
  constructor(
    private readonly n: number,
    private readonly rng: Random,
  ) {}

  next(): number {
    return this.rng.int(this.n);
  }
}

/** start, start+1, ... wrapping after `n` indexes (db_bench `fillseq`, `readseq` order). */
export class SequentialChooser implements KeyChooser {
  #i = 0;

  constructor(
    private readonly n: number,
    private readonly start = 0,
  ) {}

  next(): number {
    const out = this.start + this.#i;
    this.#i = (this.#i + 1) % this.n;
    return out;
  }
}

/**
 * Each index in [0, n) once, in random order, then again in the same order: `fillrandom` leaves
 * exactly n keys, and `deleterandom` finds every key it deletes.
 */
export class ShuffledChooser implements KeyChooser {
  readonly #order: Uint32Array;
  #i = 0;

  constructor(n: number, rng: Random) {
    this.#order = permutation(n, rng);
  }

  next(): number {
    const out = this.#order[this.#i]!;
    this.#i = (this.#i + 1) % this.#order.length;
    return out;
  }
}
