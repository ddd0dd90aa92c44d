/**
 * Merges child iterators (newest source first) into one stream in internal order, in both
 * directions, as LevelDB's MergingIterator does. Equal (key, seq) pairs across children are not
 * expected; if they occur, the child with the lower index comes first going forward. Linear scan
 * over the children: there are few (memtables, level-0 files, one per deeper level).
 * Single-threaded; owns its children and closes them.
 */
import { MAX_SEQ, compareInternal, type EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';

type Direction = 'forward' | 'reverse';

export class MergingIterator implements InternalIterator {
  private readonly children: InternalIterator[];
  /** Index of the child at the current entry, or -1 iff not valid. */
  private current = -1;
  private direction: Direction = 'forward';

  constructor(children: InternalIterator[]) {
    this.children = children;
  }

  valid(): boolean {
    return this.current >= 0;
  }
  key(): Buffer {
    return this.children[this.current]!.key();
  }
  seq(): number {
    return this.children[this.current]!.seq();
  }
  kind(): EntryKind {
    return this.children[this.current]!.kind();
  }
  value(): Buffer {
    return this.children[this.current]!.value();
  }

  seekToFirst(): void {
    for (const c of this.children) c.seekToFirst();
    this.direction = 'forward';
    this.findSmallest();
  }

  seekToLast(): void {
    for (const c of this.children) c.seekToLast();
    this.direction = 'reverse';
    this.findLargest();
  }

  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    for (const c of this.children) c.seek(userKey, seq);
    this.direction = 'forward';
    this.findSmallest();
  }

  seekForPrev(userKey: Buffer): void {
    for (const c of this.children) c.seekForPrev(userKey);
    this.direction = 'reverse';
    this.findLargest();
  }

  next(): void {
    const cur = this.children[this.current]!;
    if (this.direction !== 'forward') {
      // Every other child sits before the current entry: move each to the first entry after it.
      const key = cur.key();
      const seq = cur.seq();
      this.children.forEach((c, i) => {
        if (i === this.current) return;
        c.seek(key, seq);
        // A tie belongs before the current entry iff its child comes first (lower index).
        if (i < this.current && c.valid() && compareInternal(c.key(), c.seq(), key, seq) === 0) c.next();
      });
      this.direction = 'forward';
    }
    cur.next();
    this.findSmallest();
  }

  prev(): void {
    const cur = this.children[this.current]!;
    if (this.direction !== 'reverse') {
      // Every other child sits after the current entry: move each to the last entry before it.
      const key = cur.key();
      const seq = cur.seq();
      this.children.forEach((c, i) => {
        if (i === this.current) return;
        c.seek(key, seq);
        if (!c.valid()) c.seekToLast();
        else if (i > this.current || compareInternal(c.key(), c.seq(), key, seq) !== 0) c.prev();
      });
      this.direction = 'reverse';
    }
    cur.prev();
    this.findLargest();
  }

  close(): void {
    for (const c of this.children) c.close();
    this.current = -1;
  }

  private findSmallest(): void {
    let best = -1;
    for (let i = 0; i < this.children.length; i++) {
      const c = this.children[i]!;
      if (!c.valid()) continue;
      if (best < 0) best = i;
      else {
        const b = this.children[best]!;
        if (compareInternal(c.key(), c.seq(), b.key(), b.seq()) < 0) best = i;
      }
    }
    this.current = best;
  }

  /** Ties go to the higher index, the exact reverse of findSmallest. */
  private findLargest(): void {
    let best = -1;
    for (let i = 0; i < this.children.length; i++) {
      const c = this.children[i]!;
      if (!c.valid()) continue;
      if (best < 0) best = i;
      else {
        const b = this.children[best]!;
        if (compareInternal(c.key(), c.seq(), b.key(), b.seq()) >= 0) best = i;
      }
    }
    this.current = best;
  }
}
