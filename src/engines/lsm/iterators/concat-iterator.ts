/**
 * Concatenates the tables of one level >= 1, whose files are sorted and do not overlap: opens
 * one file's iterator at a time through `open(i)` and closes it on moving to another, so a level
 * scan holds one table's position at a time. Single-threaded.
 */
import { compareBytes } from '../../../util/bytes.js';
import { MAX_SEQ, type EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';

export interface FileRange {
  /** Smallest and largest user keys of the file. */
  smallest: Buffer;
  largest: Buffer;
}

export class ConcatIterator implements InternalIterator {
  private child: InternalIterator | undefined;
  /** Index of the file `child` iterates; -1 iff none is open. */
  private index = -1;

  /** REQUIRES: `files` sorted by key, non-overlapping. */
  constructor(
    private readonly files: readonly FileRange[],
    private readonly open: (index: number) => InternalIterator,
  ) {}

  valid(): boolean {
    return this.child !== undefined && this.child.valid();
  }
  key(): Buffer {
    return this.child!.key();
  }
  seq(): number {
    return this.child!.seq();
  }
  kind(): EntryKind {
    return this.child!.kind();
  }
  value(): Buffer {
    return this.child!.value();
  }

  seekToFirst(): void {
    this.openFile(0);
    this.child?.seekToFirst();
    this.skipForward();
  }

  seekToLast(): void {
    this.openFile(this.files.length - 1);
    this.child?.seekToLast();
    this.skipBackward();
  }

  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    // The first file whose largest key is >= userKey is the only one that can hold the target.
    let lo = 0;
    let hi = this.files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.files[mid]!.largest, userKey) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.openFile(lo);
    this.child?.seek(userKey, seq);
    this.skipForward();
  }

  seekForPrev(userKey: Buffer): void {
    // The last file whose smallest key is <= userKey.
    let lo = 0;
    let hi = this.files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.files[mid]!.smallest, userKey) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.openFile(lo - 1);
    this.child?.seekForPrev(userKey);
    this.skipBackward();
  }

  next(): void {
    this.child!.next();
    this.skipForward();
  }

  prev(): void {
    this.child!.prev();
    this.skipBackward();
  }

  close(): void {
    this.openFile(-1);
  }

  /** Makes file `i` the open one (closing the previous); any i outside the files closes all. */
  private openFile(i: number): void {
    if (i < 0 || i >= this.files.length) {
      this.child?.close();
      this.child = undefined;
      this.index = -1;
      return;
    }
    if (i === this.index && this.child !== undefined) return;
    this.child?.close();
    this.child = undefined;
    this.index = -1;
    this.child = this.open(i);
    this.index = i;
  }

  private skipForward(): void {
    while (this.child !== undefined && !this.child.valid()) {
      const nextIndex = this.index + 1;
      this.openFile(nextIndex);
      this.child?.seekToFirst();
    }
  }

  private skipBackward(): void {
    while (this.child !== undefined && !this.child.valid()) {
      this.openFile(this.index - 1);
      this.child?.seekToLast();
    }
  }
}
