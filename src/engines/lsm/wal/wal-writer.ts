/**
 * Appends records in the log format (wal-format.ts) to a file: the WAL and the manifest.
 * Writes are synchronous, so a record is in the OS page cache when append() returns; fsync is
 * separate (sync or async) so that the engine decides when to pay for it (sync policy, group
 * commit). One writer per file; not shared between processes.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { BLOCK_SIZE, HEADER_SIZE, LENGTH_OFFSET, RecordType, TYPE_OFFSET } from './wal-format.js';

const ZEROS = Buffer.alloc(HEADER_SIZE);

export class LogWriter {
  readonly path: string;
  readonly #fd: number;
  #size: number;
  #closed = false;

  private constructor(file: string, fd: number, size: number) {
    this.path = file;
    this.#fd = fd;
    this.#size = size;
  }

  /** Creates `file` (it must not exist). */
  static create(file: string): LogWriter {
    return new LogWriter(file, fs.openSync(file, 'wx'), 0);
  }

  /**
   * Reopens an existing log to append after its first `validBytes` bytes (where its last complete
   * record ends, LogContents.validBytes): anything after them, a torn tail, is cut off and the cut
   * made durable first, so the next record never follows damage.
   */
  static reopen(file: string, validBytes: number): LogWriter {
    const fd = fs.openSync(file, 'r+');
    try {
      if (fs.fstatSync(fd).size !== validBytes) {
        fs.ftruncateSync(fd, validBytes);
        fs.fsyncSync(fd);
      }
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return new LogWriter(file, fd, validBytes);
  }

  /** Bytes in the file. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one record. `buf` holds the payload at `buf[HEADER_SIZE..]`; its first HEADER_SIZE
   * bytes are scratch space, so a record that fits the current block is written with one
   * syscall and no copy. Returns the bytes written (headers and block trailers included).
   */
  append(buf: Buffer): number {
    const payloadLength = buf.length - HEADER_SIZE;
    const left = BLOCK_SIZE - (this.#size % BLOCK_SIZE);
    if (left >= buf.length) {
      writeHeader(buf, 0, RecordType.FULL, payloadLength);
      return this.#write([buf]);
    }
    return this.#write(this.#fragments(buf.subarray(HEADER_SIZE), left));
  }

  /** The record split at block boundaries: headers, payload slices and zero trailers. */
  #fragments(payload: Buffer, left: number): Buffer[] {
    const chunks: Buffer[] = [];
    let at = 0;
    let first = true;
    do {
      if (left < HEADER_SIZE) {
        if (left > 0) chunks.push(ZEROS.subarray(0, left));
        left = BLOCK_SIZE;
      }
      const n = Math.min(payload.length - at, left - HEADER_SIZE);
      const last = at + n === payload.length;
      const type = first && last ? RecordType.FULL : first ? RecordType.FIRST : last ? RecordType.LAST : RecordType.MIDDLE;
      const header = Buffer.allocUnsafe(HEADER_SIZE);
      const slice = payload.subarray(at, at + n);
      header.writeUInt16LE(n, LENGTH_OFFSET);
      header[TYPE_OFFSET] = type;
      header.writeUInt32LE(zlib.crc32(slice, zlib.crc32(header.subarray(TYPE_OFFSET))), 0);
      chunks.push(header, slice);
      at += n;
      left -= HEADER_SIZE + n;
      first = false;
    } while (at < payload.length);
    return chunks;
  }

  #write(chunks: Buffer[]): number {
    const total = chunks.reduce((s, c) => s + c.length, 0);
    let written = 0;
    // writev may write less than asked (a full disk): the file is then left with a torn record,
    // which recovery cuts off; the caller must stop using this writer.
    if (chunks.length === 1) written = fs.writeSync(this.#fd, chunks[0]!, 0, total, this.#size);
    else written = fs.writevSync(this.#fd, chunks, this.#size);
    if (written !== total) throw new Error(`short write to ${this.path}: ${written} of ${total} bytes`);
    this.#size += total;
    return total;
  }

  fsync(): void {
    fs.fsyncSync(this.#fd);
  }

  fsyncAsync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(this.#fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Closes the file (without fsync). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    fs.closeSync(this.#fd);
  }
}

/** Fills the header at `at` for a payload of `length` bytes that follows it. */
function writeHeader(buf: Buffer, at: number, type: RecordType, length: number): void {
  buf.writeUInt16LE(length, at + LENGTH_OFFSET);
  buf[at + TYPE_OFFSET] = type;
  buf.writeUInt32LE(zlib.crc32(buf.subarray(at + TYPE_OFFSET, at + HEADER_SIZE + length)), at);
}
