/**
 * The memtable: recent writes in a skiplist, newest version of each key first. It is written
 * by one writer and read by any number of iterators; once full it becomes immutable (no more
 * inserts) until flushed to an SSTable.
 */
import { EntryKind, MAX_SEQ, type FoundEntry } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import { SkipList, type SkipNode } from './skiplist.js';

/** Estimated heap bytes of a node apart from key and value: object, arrays, buffer views. */
const NODE_OVERHEAD = 120;
const POINTER_SIZE = 8;

export interface MemtableEntry {
  seq: number;
  kind: EntryKind;
  value: Buffer;
}

export class Memtable {
  readonly #list = new SkipList();
  #bytes = 0;
  /** Number of the WAL that holds this memtable's writes. */
  readonly logNumber: number;

  constructor(logNumber: number) {
    this.logNumber = logNumber;
  }

  /** Estimated memory used, the measure compared with memtableSize. */
  get approximateBytes(): number {
    return this.#bytes;
  }

  get entryCount(): number {
    return this.#list.count;
  }

  /** Adds a version of `key`. The memtable keeps `key` and `value` (no copy). */
  add(seq: number, kind: EntryKind, key: Buffer, value: Buffer): void {
    const height = this.#list.insert(key, seq, kind, value);
    this.#bytes += NODE_OVERHEAD + height * POINTER_SIZE + key.length + value.length;
  }

  /** The newest version of `key` with sequence <= `seq`, or undefined iff there is none here. */
  get(key: Buffer, seq: number = MAX_SEQ): MemtableEntry | undefined {
    const node = this.#list.seek(key, seq);
    if (node === null || !node.key.equals(key)) return undefined;
    return node;
  }

  /** Fills `out` with the newest version of `key` with sequence <= `seq`; false iff there is none here. */
  find(key: Buffer, seq: number, out: FoundEntry): boolean {
    const node = this.#list.seek(key, seq);
    if (node === null || !node.key.equals(key)) return false;
    out.seq = node.seq;
    out.kind = node.kind;
    out.bytes = node.value;
    out.start = 0;
    out.end = node.value.length;
    return true;
  }

  iterator(): InternalIterator {
    return new MemtableIterator(this.#list);
  }
}

class MemtableIterator implements InternalIterator {
  readonly #list: SkipList;
  #node: SkipNode | null = null;

  constructor(list: SkipList) {
    this.#list = list;
  }

  valid(): boolean {
    return this.#node !== null;
  }
  key(): Buffer {
    return this.#node!.key;
  }
  seq(): number {
    return this.#node!.seq;
  }
  kind(): EntryKind {
    return this.#node!.kind;
  }
  value(): Buffer {
    return this.#node!.value;
  }
  seekToFirst(): void {
    this.#node = this.#list.first();
  }
  seekToLast(): void {
    this.#node = this.#list.last();
  }
  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    this.#node = this.#list.seek(userKey, seq);
  }
  seekForPrev(userKey: Buffer): void {
    // -1 sorts after every version of userKey, so this finds the first entry of a greater key.
    const after = this.#list.seek(userKey, -1);
    this.#node = after === null ? this.#list.last() : this.#back(after);
  }
  next(): void {
    this.#node = this.#node!.next[0]!;
  }
  prev(): void {
    this.#node = this.#back(this.#node!);
  }
  #back(node: SkipNode): SkipNode | null {
    const p = node.prev;
    return p === this.#list.head ? null : p;
  }
  close(): void {
    this.#node = null;
  }
}
