/**
 * The memtable: recent writes in an arena skiplist (skiplist.ts), newest version of each key
 * first. It is written by one writer and read by any number of iterators; once full it becomes
 * immutable (no more inserts) until flushed to an SSTable. Keys and values are copied in, so a
 * caller may reuse its buffers as soon as add() returns.
 */
import { EntryKind, MAX_SEQ, type FoundEntry } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import { HEAD, NIL, SkipList } from './skiplist.js';

export interface MemtableEntry {
  seq: number;
  kind: EntryKind;
  value: Buffer;
}

export class Memtable {
  readonly #list = new SkipList();
  /** Number of the WAL that holds this memtable's writes. */
  readonly logNumber: number;

  constructor(logNumber: number) {
    this.logNumber = logNumber;
  }

  /** Memory used by entries (arena bytes plus node arrays): the measure compared with memtableSize. */
  get approximateBytes(): number {
    return this.#list.bytesUsed;
  }

  get entryCount(): number {
    return this.#list.count;
  }

  /** Adds a version of `key`, copying `key` and `value`. */
  add(seq: number, kind: EntryKind, key: Uint8Array, value: Uint8Array): void {
    this.#list.insert(key, seq, kind, value);
  }

  /** The newest version of `key` with sequence <= `seq` (value a view), or undefined iff there is none here. */
  get(key: Buffer, seq: number = MAX_SEQ): MemtableEntry | undefined {
    const list = this.#list;
    const n = list.seek(key, seq);
    if (n === NIL || !list.keyEquals(n, key)) return undefined;
    return { seq: list.seq[n]!, kind: list.kind[n]! as EntryKind, value: list.valueOf(n) };
  }

  /** Fills `out` with the newest version of `key` with sequence <= `seq` (value in the arena); false iff there is none here. */
  find(key: Buffer, seq: number, out: FoundEntry): boolean {
    const list = this.#list;
    const n = list.seek(key, seq);
    if (n === NIL || !list.keyEquals(n, key)) return false;
    out.seq = list.seq[n]!;
    out.kind = list.kind[n]! as EntryKind;
    out.bytes = list.arena;
    out.start = list.valueStart(n);
    out.end = out.start + list.valueLen[n]!;
    return true;
  }

  iterator(): InternalIterator {
    return new MemtableIterator(this.#list);
  }
}

class MemtableIterator implements InternalIterator {
  readonly #list: SkipList;
  #node = NIL;
  #key: Buffer | undefined;

  constructor(list: SkipList) {
    this.#list = list;
  }

  valid(): boolean {
    return this.#node !== NIL;
  }
  key(): Buffer {
    return (this.#key ??= this.#list.keyOf(this.#node));
  }
  seq(): number {
    return this.#list.seq[this.#node]!;
  }
  kind(): EntryKind {
    return this.#list.kind[this.#node]! as EntryKind;
  }
  value(): Buffer {
    return this.#list.valueOf(this.#node);
  }
  seekToFirst(): void {
    this.#move(this.#list.first());
  }
  seekToLast(): void {
    this.#move(this.#list.last());
  }
  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    this.#move(this.#list.seek(userKey, seq));
  }
  seekForPrev(userKey: Buffer): void {
    // -1 sorts after every version of userKey, so this finds the first entry of a greater key.
    const after = this.#list.seek(userKey, -1);
    this.#move(after === NIL ? this.#list.last() : this.#back(after));
  }
  next(): void {
    this.#move(this.#list.next(this.#node));
  }
  prev(): void {
    this.#move(this.#back(this.#node));
  }
  close(): void {
    this.#move(NIL);
  }
  #back(node: number): number {
    const p = this.#list.prev[node]!;
    return p === HEAD ? NIL : p;
  }
  #move(node: number): void {
    this.#node = node;
    this.#key = undefined;
  }
}
