/**
 * Sequence numbers pinned by open scans, with counts: compaction keeps every version of a key
 * that a pinned sequence number can still see. Single-threaded.
 */
export class SnapshotList {
  readonly #pins = new Map<number, number>();

  /** Pins `seq`; the returned function unpins it. REQUIRES: the function is called once. */
  pin(seq: number): () => void {
    this.#pins.set(seq, (this.#pins.get(seq) ?? 0) + 1);
    return () => {
      const n = this.#pins.get(seq)! - 1;
      if (n === 0) this.#pins.delete(seq);
      else this.#pins.set(seq, n);
    };
  }

  /** The oldest pinned sequence number, or `latest` if none is older. */
  oldest(latest: number): number {
    let oldest = latest;
    for (const seq of this.#pins.keys()) if (seq < oldest) oldest = seq;
    return oldest;
  }
}
