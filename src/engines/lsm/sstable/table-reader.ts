/**
 * Opens a table file and answers point reads: verifies the footer and loads the index block and
 * Bloom filter once (they stay in memory while the reader is open), then reads data blocks through
 * the shared block cache with positioned synchronous reads on an fd the reader keeps open.
 * Single-threaded; close() only after every iterator over it is closed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError, ioError } from '../../../engine/errors.js';
import type { EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import type { BlockCache } from './block-cache.js';
import { Block, type BlockIterator } from './block-reader.js';
import { BloomFilter } from './bloom.js';
import { blockChecksumCorruption, tableCorruption } from './corruption.js';
import { BLOCK_TRAILER_SIZE, BLOCK_TYPE_PLAIN, BLOCK_TYPE_SIZE, FOOTER_SIZE, blockCrc, decodeFooter, decodeHandle, type BlockHandle } from './table-format.js';
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
    this.checkIndex();
  }

  /** False iff the Bloom filter says `userKey` is certainly not in this table. */
  mayContain(userKey: Buffer): boolean {
    if (this.filter === undefined) return true;
    this.counters.bloomChecks++;
    if (this.filter.mayContain(userKey)) return true;
    this.counters.bloomNegatives++;
    return false;
  }

  /** The newest entry of `userKey` with sequence number <= `seq`, or undefined iff none. Reads at most one data block. */
  get(userKey: Buffer, seq: number): { seq: number; kind: EntryKind; value: Buffer } | undefined {
    if (!this.mayContain(userKey)) return undefined;
    const idx = this.index.iterator();
    idx.seek(userKey, seq);
    if (!idx.valid()) return undefined;
    const it = this.dataBlock(this.handleAt(idx)).iterator();
    it.seek(userKey, seq);
    if (!it.valid() || !it.key().equals(userKey)) return undefined;
    // A copy, so that the caller does not pin a whole cached block.
    return { seq: it.seq(), kind: it.kind(), value: Buffer.from(it.value()) };
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

  /** An iterator over the index block (for TableIterator). */
  indexIterator(): BlockIterator {
    return this.index.iterator();
  }

  /** The data block an index entry points at. REQUIRES: index.valid(). */
  handleAt(index: BlockIterator): BlockHandle {
    const v = index.value();
    const handle = decodeHandle(v, 0, v.length);
    if (handle === undefined || handle.offset + handle.size + BLOCK_TRAILER_SIZE > this.dataEnd) {
      throw tableCorruption(this.file, index.position(), 'index entry holds a bad block handle');
    }
    return handle;
  }

  /** The data block at `handle`, from the cache or the file. */
  dataBlock(handle: BlockHandle): Block {
    const cached = this.cache.get(this.fileNumber, handle.offset);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return cached;
    }
    this.counters.blockReads++;
    const block = new Block(this.readBlock(handle, 'data'), { file: this.file, offset: handle.offset });
    this.cache.insert(this.fileNumber, handle.offset, block);
    return block;
  }

  /** Every index entry must be a well-formed handle, and together they must tile [0, dataEnd). */
  private checkIndex(): void {
    const idx = this.index.iterator();
    let expected = 0;
    for (idx.seekToFirst(); idx.valid(); idx.next()) {
      const handle = this.handleAt(idx);
      if (handle.offset !== expected) throw tableCorruption(this.file, idx.position(), `index entry points at offset ${handle.offset}, expected ${expected}`);
      expected = handle.offset + handle.size + BLOCK_TRAILER_SIZE;
    }
    if (expected !== this.dataEnd) throw tableCorruption(this.file, this.dataEnd, `data blocks end at ${expected} but the filter or index starts at ${this.dataEnd}`);
  }

  /** A block's contents after verifying its trailer. */
  private readBlock(handle: BlockHandle, what: string): Buffer {
    const buf = this.readExactly(handle.offset, handle.size + BLOCK_TRAILER_SIZE, `${what} block`);
    const type = buf[handle.size]!;
    if (blockCrc(buf.subarray(0, handle.size), type) !== buf.readUInt32LE(handle.size + BLOCK_TYPE_SIZE)) {
      throw blockChecksumCorruption(this.file, what, handle.offset, handle.size);
    }
    if (type !== BLOCK_TYPE_PLAIN) throw tableCorruption(this.file, handle.offset + handle.size, `${what} block has unknown type ${type}`);
    return buf.subarray(0, handle.size);
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
