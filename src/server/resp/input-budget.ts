/**
 * The global budget for pending client input (issue 11), like Redis's `maxmemory-clients` for
 * query buffers: every connection reports how many bytes of requests it holds (a partial frame,
 * the arguments of an incomplete multibulk, parsed commands not yet run); when the sum goes over
 * the budget, the connections holding the most are disconnected, biggest first, until it is
 * under again. Each connection is also bounded on its own (limits.ts); this bounds their sum.
 * Single-threaded (the event loop): totals are exact at every point between callbacks.
 */

/** A connection as the budget sees it. */
export interface InputHolder {
  /** Closes the connection now; called at most once, after which it holds nothing. */
  evict(reason: string): void;
}

export class InputBudget {
  readonly limit: number;
  readonly #held = new Map<InputHolder, number>();
  #total = 0;
  #evictions = 0;

  /** `limit`: most bytes all connections together may hold; a positive integer. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes of pending input all connections hold right now. */
  get total(): number {
    return this.#total;
  }

  /** Connections disconnected for the budget since start (INFO stats `evicted_clients`). */
  get evictions(): number {
    return this.#evictions;
  }

  /** Bytes `holder` is accounted for right now (0 when unknown). */
  heldBy(holder: InputHolder): number {
    return this.#held.get(holder) ?? 0;
  }

  /**
   * Records that `holder` now holds `bytes`; if that puts the total over the budget, evicts
   * the biggest holders (possibly `holder` itself) until it is not. Returns true iff `holder`
   * is still connected.
   */
  update(holder: InputHolder, bytes: number): boolean {
    const before = this.#held.get(holder) ?? 0;
    if (bytes === before) return true;
    this.#total += bytes - before;
    if (bytes === 0) this.#held.delete(holder);
    else this.#held.set(holder, bytes);
    if (this.#total <= this.limit) return true;
    return this.#evictUntilUnder(holder);
  }

  /** Forgets `holder` (its connection closed): what it held is no longer counted. */
  remove(holder: InputHolder): void {
    this.update(holder, 0);
  }

  #evictUntilUnder(current: InputHolder): boolean {
    const totalBefore = this.#total;
    const biggestFirst = [...this.#held].sort((a, b) => b[1] - a[1]);
    let survived = true;
    for (const [holder, bytes] of biggestFirst) {
      if (this.#total <= this.limit) break;
      this.#held.delete(holder);
      this.#total -= bytes;
      this.#evictions++;
      if (holder === current) survived = false;
      holder.evict(`it held ${bytes} bytes of pending input, the most of any client, while all clients held ${totalBefore}, over the ${this.limit}-byte budget (--max-pending-input)`);
    }
    return survived;
  }
}
