/**
 * Keeps the k smallest items seen, by a comparator, in O(n log k) time and O(k) memory: a
 * max-heap whose root is the largest item kept, so most candidates are rejected with one
 * comparison and without being copied. Imports no engine.
 */
export class BoundedHeap<T> {
  readonly #items: T[] = [];
  readonly #k: number;
  readonly #compare: (a: T, b: T) => number;

  /** REQUIRES: k >= 1. */
  constructor(k: number, compare: (a: T, b: T) => number) {
    this.#k = k;
    this.#compare = compare;
  }

  /** True iff `candidate` would be kept: the heap is not full, or it sorts before the largest kept item. */
  wouldKeep<C>(candidate: C, compareToItem: (candidate: C, item: T) => number): boolean {
    return this.#items.length < this.#k || compareToItem(candidate, this.#items[0]!) < 0;
  }

  /** Adds `item`, dropping the largest if more than k are held. REQUIRES: wouldKeep(item) was true. */
  push(item: T): void {
    const items = this.#items;
    if (items.length < this.#k) {
      items.push(item);
      this.#siftUp(items.length - 1);
    } else {
      items[0] = item;
      this.#siftDown(0);
    }
  }

  /** The kept items in ascending order; the heap is left empty. */
  drainSorted(): T[] {
    const out = this.#items.splice(0);
    return out.sort(this.#compare);
  }

  #siftUp(i: number): void {
    const items = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(items[i]!, items[parent]!) <= 0) return;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const items = this.#items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let largest = i;
      if (l < items.length && this.#compare(items[l]!, items[largest]!) > 0) largest = l;
      if (r < items.length && this.#compare(items[r]!, items[largest]!) > 0) largest = r;
      if (largest === i) return;
      [items[i], items[largest]] = [items[largest]!, items[i]!];
      i = largest;
    }
  }
}
