/**
 * Opens a table file and answers point reads: verifies the footer, loads the Bloom filter and
 * decodes the index block once into typed arrays (block handles, last keys; they stay in memory
 * while the reader is open), then reads data blocks through the shared block cache, decoded
 * (block-reader.ts), with positioned synchronous reads on an fd the reader keeps open. A point
 * read is: filter, binary search of the index, cache slot, binary search of the block.
 * Single-threaded; close() only after every iterator over it is closed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError, ioError } from '../../../engine/errors.js';
import { FoundEntry, type EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import type { BlockCache, FileSlots } from './block-cache.js';
import { Block, type BlockIterator } from './block-reader.js';
import { BloomFilter, bloomHash } from './bloom.js';
import { blockChecksumCorruption, tableCorruption } from './corruption.js';
import { decompressBlock } from './block-compression.js';
import { BLOCK_TRAILER_SIZE, BLOCK_TYPE_PLAIN, BLOCK_TYPE_SIZE, BLOCK_TYPE_ZLIB, FOOTER_SIZE, blockCrc, decodeFooter, decodeHandle, type BlockHandle } from './table-format.js';
import { TableIterator } from './table-iterator.js';

/** Read-path counters owned by the engine and incremented by every reader that shares them. */
export interface ReadCounters {
  /** Bloom filter lookups (tables without a filter are not counted). */
  bloomChecks: number;
  /** Lookups the filter answered "certainly absent", sparing a block read. */
  bloomNegatives: number;
  /** Data blocks read from a file (block cache misses). */
  blockReads: number;
  /** Data blocks served by the block cache. */
  cacheHits: number;
}

export function newReadCounters(): ReadCounters {
  return { bloomChecks: 0, bloomNegatives: 0, blockReads: 0, cacheHits: 0 };
}

export class TableReader {
  private fd: number | undefined;
  private readonly name: string;
  /** Data blocks lie in [0, dataEnd): before the filter and index blocks. */
  private readonly dataEnd: number;
  private readonly index: Block;
  private readonly filter: BloomFilter | undefined;
  /** Data block i is blockSizes[i] bytes of contents at blockOffsets[i] (decoded from the index at open). */
  private readonly blockOffsets: Float64Array;
  private readonly blockSizes: Uint32Array;
  private readonly slots: FileSlots;

  /**
   * Opens and verifies table `file` (through `pinnedFd` if given; the reader then owns it). Throws CORRUPTION (naming the file and byte offset) for a
   * missing file, a bad footer, magic or checksum, or a block handle outside the file.
   */
  static open(file: string, fileNumber: number, cache: BlockCache, counters: ReadCounters, pinnedFd?: number): TableReader {
    let fd: number;
    try {
      // A pinned descriptor (TableCache.pin) reads the table even if a writer has deleted it since.
      fd = pinnedFd ?? fs.openSync(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        const name = path.basename(file);
        throw new KvsError(ErrorCodes.CORRUPTION, `table file ${name} is missing (the manifest lists it); restore it from a backup or repair the store`, {
          cause: err,
          details: { file: name, path: file, offset: 0 },
        });
      }
      throw ioError(`cannot open table file ${file}`, err);
    }
    try {
      return new TableReader(file, fileNumber, fd, fs.fstatSync(fd).size, cache, counters);
    } catch (err) {
      fs.closeSync(fd);
      throw err instanceof KvsError ? err : ioError(`cannot read table file ${file}`, err);
    }
  }

  private constructor(
    readonly file: string,
    readonly fileNumber: number,
    fd: number,
    readonly fileSize: number,
    private readonly cache: BlockCache,
    private readonly counters: ReadCounters,
  ) {
    this.fd = fd;
    this.name = path.basename(file);
    if (fileSize < FOOTER_SIZE) throw tableCorruption(file, 0, `file of ${fileSize} bytes is shorter than the ${FOOTER_SIZE}-byte footer (truncated?)`);
    const footerAt = fileSize - FOOTER_SIZE;
    const footer = decodeFooter(this.readExactly(footerAt, FOOTER_SIZE, 'footer'));
    if ('reason' in footer) throw tableCorruption(file, footerAt + footer.at, footer.reason);
    // Blocks are contiguous: [data blocks][filter][index][footer]; anything else is not a table we wrote.
    const indexEnd = footer.index.offset + footer.index.size + BLOCK_TRAILER_SIZE;
    if (indexEnd !== footerAt) throw tableCorruption(file, footerAt, `index block handle (${footer.index.offset}, ${footer.index.size}) does not end where the footer starts`);
    if (footer.filter !== undefined && footer.filter.offset + footer.filter.size + BLOCK_TRAILER_SIZE !== footer.index.offset) {
      throw tableCorruption(file, footerAt, `filter block handle (${footer.filter.offset}, ${footer.filter.size}) does not end where the index block starts`);
    }
    this.dataEnd = footer.filter?.offset ?? footer.index.offset;
    this.index = new Block(this.readBlock(footer.index, 'index'), { file, offset: footer.index.offset });
    this.filter = footer.filter === undefined ? undefined : new BloomFilter(this.readBlock(footer.filter, 'filter'), { file, offset: footer.filter.offset });
    const n = this.index.count;
    this.blockOffsets = new Float64Array(n);
    this.blockSizes = new Uint32Array(n);
    this.decodeIndex();
    this.slots = cache.slotsFor(fileNumber, n);
  }

  /** Number of data blocks. */
  get blockCount(): number {
    return this.index.count;
  }

  /** The handle of data block `i`. REQUIRES: 0 <= i < blockCount. */
  blockHandle(i: number): BlockHandle {
    return { offset: this.blockOffsets[i]!, size: this.blockSizes[i]! };
  }

  /** False iff the Bloom filter says `userKey` is certainly not in this table. */
  mayContain(userKey: Buffer): boolean {
    return this.mayContainHash(bloomHash(userKey));
  }

  /** As mayContain(), given the key's bloomHash (computed once per lookup, not once per table). */
  mayContainHash(hash: number): boolean {
    if (this.filter === undefined) return true;
    this.counters.bloomChecks++;
    if (this.filter.mayContainHash(hash)) return true;
    this.counters.bloomNegatives++;
    return false;
  }

  /**
   * Finds the newest entry of `userKey` with sequence number <= `seq` and fills `out` with it
   * (its value a range of a cached block: copy it before the next lookup); false iff none.
   * `hash` is bloomHash(userKey). Reads at most one data block; allocates nothing on a cache hit.
   */
  find(userKey: Buffer, seq: number, hash: number, out: FoundEntry): boolean {
    if (!this.mayContainHash(hash)) return false;
    const b = this.index.lowerBound(userKey, seq);
    if (b === this.index.count) return false;
    const block = this.dataBlockAt(b);
    const i = block.lowerBound(userKey, seq);
    if (i === block.count || !block.keyEquals(i, userKey)) return false;
    out.seq = block.seqs[i]!;
    out.kind = block.kinds[i]! as EntryKind;
    out.bytes = block.data;
    out.start = block.valueStart(i);
    out.end = block.valueEnd(i);
    return true;
  }

  /** The newest entry of `userKey` with sequence number <= `seq` (value copied), or undefined iff none. */
  get(userKey: Buffer, seq: number): { seq: number; kind: EntryKind; value: Buffer } | undefined {
    const found = new FoundEntry();
    if (!this.find(userKey, seq, bloomHash(userKey), found)) return undefined;
    return { seq: found.seq, kind: found.kind, value: found.copyValue() };
  }

  /** A two-level iterator over every entry of the table, in internal order. */
  iterator(): InternalIterator {
    return new TableIterator(this);
  }

  /** Closes the file. Idempotent. */
  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) fs.closeSync(fd);
  }

  /** An iterator over the index block (entry i names data block i). */
  indexIterator(): BlockIterator {
    return this.index.iterator();
  }

  /** The handle of the data block an index entry names. REQUIRES: index.valid(). */
  handleAt(index: BlockIterator): BlockHandle {
    return this.blockHandle(index.index());
  }

  /** Index of the only data block that can hold (userKey, seq): the first whose last key is >= it; blockCount iff none. */
  blockFor(userKey: Buffer, seq: number): number {
    return this.index.lowerBound(userKey, seq);
  }

  /** Data block `i`, from the cache or the file. REQUIRES: 0 <= i < blockCount. */
  dataBlockAt(i: number): Block {
    const cached = this.cache.lookup(this.slots, i);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return cached;
    }
    this.counters.blockReads++;
    const offset = this.blockOffsets[i]!;
    const block = new Block(this.readBlock({ offset, size: this.blockSizes[i]! }, 'data'), { file: this.file, offset });
    this.cache.insertInto(this.slots, i, block);
    return block;
  }

  /** The data block at `handle`. REQUIRES: `handle` is one of this table's (blockHandle). */
  dataBlock(handle: BlockHandle): Block {
    let lo = 0;
    let hi = this.blockCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.blockOffsets[mid]! < handle.offset) lo = mid + 1;
      else hi = mid;
    }
    return this.dataBlockAt(lo);
  }

  /**
   * Decodes every index entry's handle into the typed arrays. Each must be well formed, and
   * together they must tile [0, dataEnd): the check costs one pass over what is decoded anyway.
   */
  private decodeIndex(): void {
    const index = this.index;
    let expected = 0;
    for (let i = 0; i < index.count; i++) {
      const handle = decodeHandle(index.data, index.valueStart(i), index.valueEnd(i));
      if (handle === undefined || handle.offset + handle.size + BLOCK_TRAILER_SIZE > this.dataEnd) {
        throw tableCorruption(this.file, index.position(i), 'index entry holds a bad block handle');
      }
      if (handle.offset !== expected) throw tableCorruption(this.file, index.position(i), `index entry points at offset ${handle.offset}, expected ${expected}`);
      this.blockOffsets[i] = handle.offset;
      this.blockSizes[i] = handle.size;
      expected = handle.offset + handle.size + BLOCK_TRAILER_SIZE;
    }
    if (expected !== this.dataEnd) throw tableCorruption(this.file, this.dataEnd, `data blocks end at ${expected} but the filter or index starts at ${this.dataEnd}`);
  }

  /** A block's raw contents after verifying its trailer (and decompressing a ZLIB data block). */
  private readBlock(handle: BlockHandle, what: string): Buffer {
    const buf = this.readExactly(handle.offset, handle.size + BLOCK_TRAILER_SIZE, `${what} block`);
    const type = buf[handle.size]!;
    const stored = buf.subarray(0, handle.size);
    if (blockCrc(stored, type) !== buf.readUInt32LE(handle.size + BLOCK_TYPE_SIZE)) {
      throw blockChecksumCorruption(this.file, what, handle.offset, handle.size);
    }
    if (type === BLOCK_TYPE_PLAIN) return stored;
    if (type === BLOCK_TYPE_ZLIB && what === 'data') return decompressBlock(stored, this.file, handle.offset, what);
    throw tableCorruption(this.file, handle.offset + handle.size, `${what} block has unknown type ${type}`);
  }

  private readExactly(offset: number, length: number, what: string): Buffer {
    if (this.fd === undefined) throw new KvsError(ErrorCodes.NOT_OPEN, `table file ${this.name} is closed`);
    if (offset + length > this.fileSize) throw tableCorruption(this.file, offset, `${what} of ${length} bytes runs past the end of the ${this.fileSize}-byte file`);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const n = fs.readSync(this.fd, buf, done, length - done, offset + done);
        if (n === 0) throw tableCorruption(this.file, offset + done, `${what} ends early: the file was truncated`);
        done += n;
      }
    } catch (err) {
      throw err instanceof KvsError ? err : ioError(`cannot read table file ${this.file}`, err);
    }
    return buf;
  }
}
