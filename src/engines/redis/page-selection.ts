/**
 * The next page of an ordered scan over an unordered source: keeps the `size` first distinct keys
 * (smallest, or largest for a reverse scan) of a stream, in memory bounded by 2 × size keys
 * whatever the stream's length. Keys are latin1 strings, whose code-unit order is byte order.
 * A cluster scan feeds it every key SCAN returns from every master, one pass per page.
 */
export class PageSelection {
  readonly size: number;
  readonly #reverse: boolean;
  #keys: string[] = [];
  /** Once `size` keys are kept: the last of them; a key at or beyond it cannot enter the page. */
  #cutoff: string | undefined;

  /** REQUIRES: size >= 1. */
  constructor(size: number, reverse: boolean) {
    this.size = size;
    this.#reverse = reverse;
  }

  offer(key: string): void {
    if (this.#cutoff !== undefined && (this.#reverse ? key <= this.#cutoff : key >= this.#cutoff)) return;
    this.#keys.push(key);
    if (this.#keys.length >= 2 * this.size) this.#trim();
  }

  /** The page: at most `size` distinct keys in scan order. */
  keys(): string[] {
    this.#trim();
    return this.#keys;
  }

  /** Sorts, drops duplicates (SCAN may return a key twice) and keeps the first `size`. */
  #trim(): void {
    const sorted = this.#keys.sort();
    if (this.#reverse) sorted.reverse();
    const kept: string[] = [];
    for (const key of sorted) {
      if (kept.length === this.size) break;
      if (kept[kept.length - 1] !== key) kept.push(key);
    }
    this.#keys = kept;
    if (kept.length === this.size) this.#cutoff = kept[kept.length - 1];
  }
}
