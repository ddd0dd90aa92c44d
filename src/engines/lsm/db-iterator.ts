/**
 * The user-facing iterator, as LevelDB's DBIter: turns the internal stream (every version and
 * deletion marker of every key, newest first within a key) into the live entries of one
 * snapshot: it skips entries newer than the snapshot sequence, shows only the newest visible
 * version of each key, hides keys whose newest visible version is a deletion, and applies the
 * scan bounds. One direction per iterator (a scan never turns around).
 */
import { aboveLower, belowUpper, type KeyRange } from '../../engine/key-range.js';
import { compareBytes } from '../../util/bytes.js';
import { EntryKind } from './entry.js';
import type { InternalIterator } from './iterator.js';

/** Bounds and direction of a scan (its limit is the caller's business). */
export type DbIteratorRange = Pick<KeyRange, 'lower' | 'upper' | 'reverse'>;

export class DbIterator {
  readonly #it: InternalIterator;
  readonly #seq: number;
  readonly #bounds: KeyRange;
  readonly #reverse: boolean;
  #valid = false;
  /** Reverse only: the entry found, copied (the internal iterator has moved past it). */
  #savedKey: Buffer | undefined;
  #savedValue: Buffer | undefined;

  /** Reads `it` (which it owns and closes) as of sequence `seq`. */
  constructor(it: InternalIterator, seq: number, range: DbIteratorRange) {
    this.#it = it;
    this.#seq = seq;
    this.#bounds = { ...range, limit: Infinity };
    this.#reverse = range.reverse;
  }

  /** True iff positioned at a live entry within the bounds. */
  valid(): boolean {
    return this.#valid;
  }

  /** REQUIRES: valid(). May be reused after the next move: copy to keep. */
  key(): Buffer {
    return this.#reverse ? this.#savedKey! : this.#it.key();
  }

  /** REQUIRES: valid(). May be reused after the next move: copy to keep. */
  value(): Buffer {
    return this.#reverse ? this.#savedValue! : this.#it.value();
  }

  /** Positions at the first entry in scan order: the smallest key forward, the largest in reverse. */
  first(): void {
    const { lower, upper } = this.#bounds;
    if (this.#reverse) {
      if (upper === undefined) this.#it.seekToLast();
      else this.#it.seekForPrev(upper.key);
      this.#findPrev();
    } else {
      if (lower === undefined) this.#it.seekToFirst();
      else this.#it.seek(lower.key);
      this.#findNext(undefined);
    }
  }

  /** Moves to the next entry in scan order. REQUIRES: valid(). */
  advance(): void {
    if (this.#reverse) {
      this.#findPrev();
    } else {
      const done = Buffer.from(this.#it.key());
      this.#it.next();
      this.#findNext(done);
    }
  }

  /** Forward to the newest visible version of the next live key after `skip`. */
  #findNext(skip: Buffer | undefined): void {
    const it = this.#it;
    for (; it.valid(); it.next()) {
      const key = it.key();
      if (!belowUpper(this.#bounds, key)) break;
      if (it.seq() > this.#seq) continue; // written after the snapshot
      if (skip !== undefined && compareBytes(key, skip) <= 0) continue; // an older version of a key already decided
      if (!aboveLower(this.#bounds, key) || it.kind() === EntryKind.DELETION) {
        skip = Buffer.from(key);
        continue;
      }
      this.#valid = true;
      return;
    }
    this.#valid = false;
  }

  /**
   * Backward to the next live key. Versions of a key arrive oldest first, so the newest visible
   * one is known only when the iterator reaches a smaller key: keep the last seen, then stop.
   */
  #findPrev(): void {
    const it = this.#it;
    let kind: EntryKind = EntryKind.DELETION;
    for (; it.valid(); it.prev()) {
      const key = it.key();
      if (!belowUpper(this.#bounds, key)) continue;
      if (!aboveLower(this.#bounds, key)) break;
      if (it.seq() > this.#seq) continue;
      if (kind !== EntryKind.DELETION && compareBytes(key, this.#savedKey!) < 0) break;
      kind = it.kind();
      this.#savedKey = Buffer.from(key);
      this.#savedValue = kind === EntryKind.DELETION ? undefined : Buffer.from(it.value());
    }
    this.#valid = kind !== EntryKind.DELETION;
  }

  close(): void {
    this.#valid = false;
    this.#it.close();
  }
}
