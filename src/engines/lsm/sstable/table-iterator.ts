/**
 * Two-level iterator over a table: an index block iterator picks the data block, a block
 * iterator walks it. Single-threaded; holds no file resources beyond its reader's, so close()
 * only forgets its position.
 */
import { compareBytes } from '../../../util/bytes.js';
import { MAX_SEQ, type EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import type { BlockIterator } from './block-reader.js';
import type { TableReader } from './table-reader.js';

export class TableIterator implements InternalIterator {
  private readonly index: BlockIterator;
  private data: BlockIterator | undefined;
  /** File offset of the block `data` walks, so that re-seeking within it skips the cache. */
  private dataOffset = -1;

  constructor(private readonly reader: TableReader) {
    this.index = reader.indexIterator();
  }

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
    this.index.seekToFirst();
    this.loadBlock();
    this.data?.seekToFirst();
    this.skipEmptyForward();
  }

  seekToLast(): void {
    this.index.seekToLast();
    this.loadBlock();
    this.data?.seekToLast();
    this.skipEmptyBackward();
  }

  seek(userKey: Buffer, seq: number = MAX_SEQ): void {
    this.index.seek(userKey, seq);
    this.loadBlock();
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
    this.dataOffset = -1;
  }

  /** Points `data` at the block the index iterator names (undefined iff the index is exhausted). */
  private loadBlock(): void {
    if (!this.index.valid()) {
      this.data = undefined;
      return;
    }
    const handle = this.reader.handleAt(this.index);
    if (this.data !== undefined && handle.offset === this.dataOffset) return;
    this.data = this.reader.dataBlock(handle).iterator();
    this.dataOffset = handle.offset;
  }

  private skipEmptyForward(): void {
    while (this.data === undefined || !this.data.valid()) {
      if (!this.index.valid()) {
        this.data = undefined;
        return;
      }
      this.index.next();
      this.loadBlock();
      this.data?.seekToFirst();
    }
  }

  private skipEmptyBackward(): void {
    while (this.data === undefined || !this.data.valid()) {
      if (!this.index.valid()) {
        this.data = undefined;
        return;
      }
      this.index.prev();
      this.loadBlock();
      this.data?.seekToLast();
    }
  }
}
