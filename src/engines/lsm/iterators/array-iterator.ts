/**
 * An InternalIterator over an in-memory array of entries already in internal order. Used by
 * tests as the model and as a child of merge iterators; the array must not change under it.
 */
import { compareBytes } from '../../../util/bytes.js';
import { MAX_SEQ, compareInternal, type EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';

export interface Entry {
  key: Buffer;
  seq: number;
  kind: EntryKind;
  value: Buffer;
}

export class ArrayIterator implements InternalIterator {
  /** Index of the current entry; out of [0, length) iff not valid. */
  private i = -1;

  /** REQUIRES: `entries` strictly increasing in internal order. */
  constructor(private readonly entries: readonly Entry[]) {}

  valid(): boolean {
    return this.i >= 0 && this.i < this.entries.length;
  }
  key(): Buffer {
    return this.entries[this.i]!.key;
  }
  seq(): number {
    return this.entries[this.i]!.seq;
  }
  kind(): EntryKind {
    return this.entries[this.i]!.kind;
  }
  value(): Buffer {
    return this.entries[this.i]!.value;
  }

  seekToFirst(): void {
    this.i = 0;
  }
  seekToLast(): void {
    this.i = this.entries.length - 1;
  }

  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid]!;
      if (compareInternal(e.key, e.seq, userKey, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.i = lo;
  }

  seekForPrev(userKey: Buffer): void {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.entries[mid]!.key, userKey) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.i = lo - 1;
  }

  next(): void {
    this.i++;
  }
  prev(): void {
    this.i--;
  }
  close(): void {
    this.i = -1;
  }
}
