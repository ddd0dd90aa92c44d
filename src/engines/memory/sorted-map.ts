/**
 * A byte-ordered map for the memory engine. Keys are held as latin1 strings, whose UTF-16
 * code units are exactly the key bytes, so JavaScript string comparison is byte order.
 * Inserting a new key is O(n) (array splice): this engine is a reference model, not a
 * production store.
 */
export class SortedMap {
  readonly #values = new Map<string, Buffer>();
  readonly #keys: string[] = [];

  get size(): number {
    return this.#keys.length;
  }

  get(key: string): Buffer | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: Buffer): void {
    if (!this.#values.has(key)) this.#keys.splice(this.lowerBound(key), 0, key);
    this.#values.set(key, value);
  }

  /** True iff the key was present. */
  delete(key: string): boolean {
    if (!this.#values.delete(key)) return false;
    this.#keys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Index of the first key >= `key` (the length if none). */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The key at sorted position `index`, or undefined outside 0..size-1. */
  keyAt(index: number): string | undefined {
    return this.#keys[index];
  }
}
