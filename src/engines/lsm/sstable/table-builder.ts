/**
 * Writes one table file (grammar in table-format.ts) from entries given in internal order:
 * data blocks as they fill, then the Bloom filter, the index block and the footer. Single-
 * threaded and synchronous; the file is created exclusively and is complete only after finish().
 */
import * as fs from 'node:fs';
import { ErrorCodes, KvsError, ioError } from '../../../engine/errors.js';
import { EntryKind, MAX_SEQ, TRAILER_SIZE, encodeTrailer } from '../entry.js';
import { BlockBuilder } from './block-builder.js';
import { BLOCK_COMPRESSIONS, BlockCompressor, type BlockCompression } from './block-compression.js';
import { compareRange } from './block-reader.js';
import { bloomHash, buildBloomFilter } from './bloom.js';
import { BLOCK_TRAILER_SIZE, BLOCK_TYPE_PLAIN, BLOCK_TYPE_ZLIB, TABLE_FORMAT_VERSION, encodeBlockTrailer, encodeFooter, encodeHandle, type BlockHandle } from './table-format.js';

export interface TableOptions {
  /** Target size of a data block's contents in bytes; a block is cut once it reaches it. */
  blockSize: number;
  /** Entries between full (not prefix-compressed) keys in a data block. */
  restartInterval: number;
  /** Bloom filter bits per user key; 0 writes no filter. */
  bloomBitsPerKey: number;
  /** Codec for data blocks (block-compression.ts); default 'zlib'. */
  compression?: BlockCompression;
}

export const DEFAULT_TABLE_OPTIONS: TableOptions = { blockSize: 4096, restartInterval: 16, bloomBitsPerKey: 10, compression: 'zlib' };

/** What a finished table holds. `smallest`/`largest` are user keys (empty iff entryCount is 0). */
export interface TableMeta {
  fileSize: number;
  entryCount: number;
  smallest: Buffer;
  largest: Buffer;
}

/** Pending bytes are written once they reach this, so a table costs few write calls. */
const WRITE_BUFFER_BYTES = 64 * 1024;

export class TableBuilder {
  private readonly options: TableOptions;
  private fd: number | undefined;
  private readonly data: BlockBuilder;
  /** The index block uses restart interval 1: every key is whole, so a seek is a plain binary search. */
  private readonly index = new BlockBuilder(1);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the file so far (written plus pending). */
  private offset = 0;
  private entries = 0;
  /** The last user key added, lastKey[0, lastKeyLen); lastKeyLen is -1 before the first entry. Reused: add() allocates nothing. */
  private lastKey: Buffer = Buffer.allocUnsafe(64);
  private lastKeyLen = -1;
  private lastSeq = 0;
  /** Scratch for the internal key of the entry being added. */
  private internalKey: Buffer = Buffer.allocUnsafe(64 + TRAILER_SIZE);
  private smallest = Buffer.alloc(0);
  private hashes = new Uint32Array(1024);
  private hashCount = 0;
  private done = false;
  private readonly compressor: BlockCompressor;
  /** Data block bytes before and after compression, for estimatedSize(). */
  private rawDataBytes = 0;
  private storedDataBytes = 0;

  /** Creates `file` exclusively. Throws INVALID_ARGUMENT for bad options, IO_ERROR if the file cannot be created. */
  constructor(
    readonly file: string,
    options: TableOptions = DEFAULT_TABLE_OPTIONS,
  ) {
    checkInteger('blockSize', options.blockSize, 1, 2 ** 30);
    checkInteger('restartInterval', options.restartInterval, 1, 2 ** 16);
    checkInteger('bloomBitsPerKey', options.bloomBitsPerKey, 0, 1000);
    const compression = options.compression ?? 'zlib';
    if (!BLOCK_COMPRESSIONS.includes(compression)) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `table option compression must be one of ${BLOCK_COMPRESSIONS.join(', ')}; got ${String(compression)}`);
    this.options = { ...options };
    this.compressor = new BlockCompressor(compression);
    this.data = new BlockBuilder(options.restartInterval);
    try {
      this.fd = fs.openSync(file, 'wx');
    } catch (err) {
      throw ioError(`cannot create table file ${file}`, err);
    }
  }

  /**
   * Appends an entry. REQUIRES: (key, seq) strictly after the previous entry in internal order
   * (throws INVALID_ARGUMENT otherwise), 0 <= seq <= MAX_SEQ. The key and value are copied.
   */
  add(key: Buffer, seq: number, kind: EntryKind, value: Buffer): void {
    this.checkOpen();
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_SEQ) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `sequence number ${seq} is not an integer from 0 to ${MAX_SEQ}`);
    if (kind !== EntryKind.VALUE && kind !== EntryKind.DELETION) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown entry kind ${String(kind)}`);
    const c = this.lastKeyLen < 0 ? 1 : -compareRange(this.lastKey, 0, this.lastKeyLen, key);
    if (c < 0 || (c === 0 && seq >= this.lastSeq)) {
      const last = this.lastKey.subarray(0, this.lastKeyLen).toString('hex');
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `table entries out of order in ${this.file}: (${last}, ${this.lastSeq}) then (${key.toString('hex')}, ${seq})`);
    }
    const internalLength = key.length + TRAILER_SIZE;
    if (internalLength > this.internalKey.length) this.internalKey = Buffer.allocUnsafe(Math.max(internalLength, this.internalKey.length * 2));
    const internalKey = this.internalKey;
    internalKey.set(key);
    encodeTrailer(internalKey, key.length, seq, kind);
    if (c !== 0) {
      this.addHash(key);
      if (key.length > this.lastKey.length) this.lastKey = Buffer.allocUnsafe(Math.max(key.length, this.lastKey.length * 2));
      this.lastKey.set(key);
      this.lastKeyLen = key.length;
    }
    if (this.entries === 0) this.smallest = Buffer.from(key);
    this.lastSeq = seq;
    this.entries++;
    this.data.add(internalKey, value, internalLength);
    if (this.data.estimatedSize() >= this.options.blockSize) this.flushDataBlock();
  }

  /**
   * Bytes written so far plus the data block being filled, scaled by the compression ratio of
   * the blocks written so far: what the file would roughly be if finished now. Without
   * compression it never decreases; with it, it may dip by part of a block when one is written.
   */
  estimatedSize(): number {
    if (this.data.empty()) return this.offset;
    const ratio = this.rawDataBytes === 0 ? 1 : this.storedDataBytes / this.rawDataBytes;
    return this.offset + Math.ceil(this.data.estimatedSize() * ratio) + BLOCK_TRAILER_SIZE;
  }

  entryCount(): number {
    return this.entries;
  }

  /** Writes the last data block, the filter, the index and the footer; fsyncs and closes the file (not its directory). */
  finish(): TableMeta {
    this.checkOpen();
    this.flushDataBlock();
    let filter: BlockHandle | undefined;
    if (this.options.bloomBitsPerKey > 0) filter = this.writeBlock(buildBloomFilter(this.hashes, this.hashCount, this.options.bloomBitsPerKey));
    const index = this.writeBlock(this.index.finish());
    this.append(encodeFooter({ filter, index, version: TABLE_FORMAT_VERSION }));
    const fd = this.fd!;
    try {
      this.flushPending();
      fs.fsyncSync(fd);
    } catch (err) {
      this.abandon();
      throw ioError(`cannot write table file ${this.file}`, err);
    }
    this.done = true;
    this.fd = undefined;
    fs.closeSync(fd);
    return { fileSize: this.offset, entryCount: this.entries, smallest: this.smallest, largest: Buffer.from(this.lastKey.subarray(0, Math.max(0, this.lastKeyLen))) };
  }

  /** Closes and deletes the partial file. Idempotent; a no-op after finish(). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // the file is being discarded: a failed close changes nothing for the caller
      }
    }
    fs.rmSync(this.file, { force: true });
  }

  private flushDataBlock(): void {
    if (this.data.empty()) return;
    const lastKey = Buffer.from(this.data.lastAddedKey());
    const raw = this.data.finish();
    const compressed = this.compressor.compress(raw);
    this.rawDataBytes += raw.length;
    this.storedDataBytes += compressed?.length ?? raw.length;
    const handle = compressed === undefined ? this.writeBlock(raw) : this.writeBlock(compressed, BLOCK_TYPE_ZLIB);
    this.data.reset();
    // Keyed by the block's last internal key: the first index entry >= a target names the only block that can hold it.
    this.index.add(lastKey, encodeHandle(handle));
  }

  /** Appends stored `contents` and their trailer; the handle's size counts the stored bytes. */
  private writeBlock(contents: Buffer, type: number = BLOCK_TYPE_PLAIN): BlockHandle {
    const handle = { offset: this.offset, size: contents.length };
    this.append(contents);
    this.append(encodeBlockTrailer(contents, type));
    return handle;
  }

  private append(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
    if (this.pendingBytes >= WRITE_BUFFER_BYTES) {
      try {
        this.flushPending();
      } catch (err) {
        this.abandon();
        throw ioError(`cannot write table file ${this.file}`, err);
      }
    }
  }

  private flushPending(): void {
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (let at = 0; at < bytes.length; ) at += fs.writeSync(this.fd!, bytes, at, bytes.length - at);
  }

  private addHash(userKey: Buffer): void {
    if (this.options.bloomBitsPerKey === 0) return;
    if (this.hashCount === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.hashCount++] = bloomHash(userKey);
  }

  private checkOpen(): void {
    if (this.done) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `table builder for ${this.file} was already finished or abandoned`);
  }
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `table option ${name} must be an integer from ${min} to ${max}; got ${String(value)}`);
  }
}
