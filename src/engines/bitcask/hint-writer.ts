/**
 * Builds hint chunks in memory and appends them to a hint file. A chunk is written with one
 * append; a crash mid-append leaves a chunk that fails its CRC and is ignored. A chunk may only
 * cover data-file bytes that are already durable, or a power loss could leave it pointing at nothing.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import {
  CHUNK_BODY_SIZE_OFFSET,
  CHUNK_COVERED_SIZE_OFFSET,
  CHUNK_CRC_OFFSET,
  CHUNK_ENTRY_COUNT_OFFSET,
  CHUNK_HEADER_SIZE,
  ENTRY_FLAGS_OFFSET,
  ENTRY_HEADER_SIZE,
  ENTRY_KEY_SIZE_OFFSET,
  ENTRY_OFFSET_OFFSET,
  ENTRY_VALUE_SIZE_OFFSET,
  HINT_MAGIC,
} from './hint-format.js';

export class HintChunkBuilder {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #len = CHUNK_HEADER_SIZE;
  #count = 0;

  get entryCount(): number {
    return this.#count;
  }

  /** Bytes the chunk would take if finished now. */
  get byteLength(): number {
    return this.#len;
  }

  add(timestamp: number, flags: number, key: Uint8Array, valueSize: number, offset: number): void {
    const need = this.#len + ENTRY_HEADER_SIZE + key.length;
    if (need > this.#buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
      this.#buf.copy(bigger, 0, 0, this.#len);
      this.#buf = bigger;
    }
    const b = this.#buf;
    const at = this.#len;
    b.writeUInt32LE(timestamp, at);
    b[at + ENTRY_FLAGS_OFFSET] = flags;
    b.writeUInt32LE(key.length, at + ENTRY_KEY_SIZE_OFFSET);
    b.writeUInt32LE(valueSize, at + ENTRY_VALUE_SIZE_OFFSET);
    b.writeUInt32LE(offset, at + ENTRY_OFFSET_OFFSET);
    b.set(key, at + ENTRY_HEADER_SIZE);
    this.#len = need;
    this.#count++;
  }

  /** The encoded chunk covering the data file up to `coveredSize`. */
  finish(coveredSize: number): Buffer {
    const b = this.#buf;
    b.writeUInt32LE(HINT_MAGIC, 0);
    b.writeUInt32LE(this.#count, CHUNK_ENTRY_COUNT_OFFSET);
    b.writeUInt32LE(this.#len - CHUNK_HEADER_SIZE, CHUNK_BODY_SIZE_OFFSET);
    b.writeUInt32LE(coveredSize, CHUNK_COVERED_SIZE_OFFSET);
    const crc = zlib.crc32(b.subarray(CHUNK_HEADER_SIZE, this.#len), zlib.crc32(b.subarray(0, CHUNK_CRC_OFFSET)));
    b.writeUInt32LE(crc, CHUNK_CRC_OFFSET);
    return b.subarray(0, this.#len);
  }
}

/**
 * Appends `chunk` to the hint file at `file`, whose valid length is `validLength` (anything
 * after it, such as a torn chunk, is cut off first), and fsyncs it unless `fsync` is false
 * (safe wherever the data the chunk covers is already durable: a chunk that does not fully
 * reach the disk fails its CRC and is ignored, and open then scans the data it would have covered).
 */
export function appendHintChunk(file: string, validLength: number, chunk: Buffer, fsync = true): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT);
  try {
    fs.ftruncateSync(fd, validLength);
    let done = 0;
    while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done, validLength + done);
    if (fsync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

