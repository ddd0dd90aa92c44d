/**
 * Two-level iterator over a table: a position in the reader's decoded index picks the data
 * block, a block iterator walks it. Single-threaded; holds no file resources beyond its
 * reader's, so close() only forgets its position.
 */
import { compareBytes } from '../../../util/bytes.js';
import { MAX_SEQ, type EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import type { BlockIterator } from './block-reader.js';
import type { TableReader } from './table-reader.js';

export class TableIterator implements InternalIterator {
  /** Data block `data` walks; -1 or blockCount when the iterator is before the first or past the last. */
  private blockNo = -1;
  private data: BlockIterator | undefined;

  constructor(private readonly reader: TableReader) {}

  valid(): boolean {
    return this.data !== undefined && this.data.valid();
  }
  key(): Buffer {
    return this.data!.key();
  }
  seq(): number {
    return this.data!.seq();
  }
  kind(): EntryKind {
    return this.data!.kind();
  }
  value(): Buffer {
    return this.data!.value();
  }

  seekToFirst(): void {
    this.loadBlock(0);
    this.data?.seekToFirst();
    this.skipEmptyForward();
  }

  seekToLast(): void {
    this.loadBlock(this.reader.blockCount - 1);
    this.data?.seekToLast();
    this.skipEmptyBackward();
  }

  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    this.loadBlock(this.reader.blockFor(userKey, seq));
    this.data?.seek(userKey, seq);
    this.skipEmptyForward();
  }

  seekForPrev(userKey: Buffer): void {
    this.seek(userKey, 0);
    if (!this.valid()) this.seekToLast();
    else if (compareBytes(this.key(), userKey) > 0) this.prev();
  }

  next(): void {
    this.data!.next();
    this.skipEmptyForward();
  }

  prev(): void {
    this.data!.prev();
    this.skipEmptyBackward();
  }

  close(): void {
    this.data = undefined;
    this.blockNo = -1;
  }

  /** Points `data` at block `b` (undefined iff `b` is outside the table). */
  private loadBlock(b: number): void {
    if (b < 0 || b >= this.reader.blockCount) {
      this.blockNo = b < 0 ? -1 : this.reader.blockCount;
      this.data = undefined;
      return;
    }
    if (this.data !== undefined && b === this.blockNo) return;
    this.data = this.reader.dataBlockAt(b).iterator();
    this.blockNo = b;
  }

  private skipEmptyForward(): void {
    while (this.data === undefined || !this.data.valid()) {
      if (this.blockNo + 1 >= this.reader.blockCount) {
        this.close();
        return;
      }
      this.loadBlock(this.blockNo + 1);
      this.data!.seekToFirst();
    }
  }

  private skipEmptyBackward(): void {
    while (this.data === undefined || !this.data.valid()) {
      if (this.blockNo <= 0) {
        this.close();
        return;
      }
      this.loadBlock(this.blockNo - 1);
      this.data!.seekToLast();
    }
  }
}
