/**
 * Writes the keydir image (grammar in keydir-image-format.ts) at close: one buffer, one write
 * to a temporary name, one rename. No fsync: the image is a cache of what the data files
 * already hold durably, and an image that does not fully reach the disk fails its CRC, so open
 * falls back to the hints. Single-threaded, synchronous.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { DataFile } from './data-file.js';
import type { Keydir } from './keydir.js';
import { NO_FILE } from './keydir.js';
import {
  ARENA_BYTES_OFFSET,
  ARENA_GARBAGE_OFFSET,
  CRC_OFFSET,
  FILE_COUNT_OFFSET,
  FILE_ENTRY_SIZE,
  FREE_HEAD_OFFSET,
  HANDLES_OFFSET,
  IMAGE_BYTES_OFFSET,
  IMAGE_FILE,
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  IMAGE_VERSION,
  imageSize,
  INDEX_SLOTS_OFFSET,
  ORDERED_COUNT_OFFSET,
  SIZE_OFFSET,
} from './keydir-image-format.js';

/** The encoded image of `keydir` over `files` (every data file, oldest first, each covered to its size). */
export function encodeKeydirImage(keydir: Keydir, files: readonly DataFile[]): Buffer {
  const p = keydir.toParts();
  const handles = p.fileIds.length;
  const ordered = p.ordered ?? new Uint32Array(0);
  const total = imageSize(files.length, handles, p.index.length, ordered.length, p.arena.length);
  if (total > 0xffff_ffff) throw new RangeError('keydir image would exceed 4 GiB');
  const buf = Buffer.alloc(total);
  buf.writeUInt32LE(IMAGE_MAGIC, 0);
  buf.writeUInt32LE(IMAGE_VERSION, 4);
  buf.writeUInt32LE(files.length, FILE_COUNT_OFFSET);
  buf.writeUInt32LE(handles, HANDLES_OFFSET);
  buf.writeUInt32LE(p.size, SIZE_OFFSET);
  buf.writeUInt32LE(p.freeHead >>> 0, FREE_HEAD_OFFSET);
  buf.writeUInt32LE(p.index.length, INDEX_SLOTS_OFFSET);
  buf.writeUInt32LE(ordered.length, ORDERED_COUNT_OFFSET);
  buf.writeUInt32LE(p.arena.length, ARENA_BYTES_OFFSET);
  buf.writeUInt32LE(p.arenaGarbage, ARENA_GARBAGE_OFFSET);
  buf.writeUInt32LE(total, IMAGE_BYTES_OFFSET);

  let at = IMAGE_HEADER_SIZE;
  /** Keydir file index -> position in `files` (the ids the image uses). */
  const ordinal = new Map<number, number>();
  files.forEach((f, i) => {
    ordinal.set(f.index, i);
    buf.writeUInt32LE(f.id.major, at);
    buf.writeUInt32LE(f.id.minor, at + 4);
    buf.writeUInt32LE(f.size, at + 8);
    buf.writeUInt32LE(f.liveBytes, at + 12);
    buf.writeUInt32LE(f.hintCovered, at + 16);
    buf.writeUInt32LE(f.hintLength, at + 20);
    at += FILE_ENTRY_SIZE;
  });
  const fileIds = new Uint32Array(buf.buffer, buf.byteOffset + at, handles);
  for (let h = 0; h < handles; h++) {
    const index = p.fileIds[h]!;
    fileIds[h] = index === NO_FILE ? NO_FILE : ordinal.get(index)!;
  }
  at += 4 * handles;
  for (const column of [p.offsets, p.valueSizes, p.timestamps, p.hashes, p.keyOffsets, p.keyLengthsMinus1, p.index, ordered]) {
    if (column === ordered) at = align4(at);
    if (column === p.index) at = align4(at);
    const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
    bytes.copy(buf, at);
    at += column.byteLength;
  }
  p.arena.copy(buf, at);
  const crc = zlib.crc32(buf.subarray(IMAGE_HEADER_SIZE), zlib.crc32(buf.subarray(CRC_OFFSET + 4, IMAGE_HEADER_SIZE)));
  buf.writeUInt32LE(crc, CRC_OFFSET);
  return buf;
}

/**
 * Writes the image of `keydir` into `dir`, replacing the previous one. Returns an error message
 * instead of throwing: a missing image costs the next open time, never data.
 */
export function writeKeydirImage(dir: string, keydir: Keydir, files: readonly DataFile[]): string | undefined {
  const tmp = path.join(dir, `${IMAGE_FILE}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, encodeKeydirImage(keydir, files));
    fs.renameSync(tmp, path.join(dir, IMAGE_FILE));
    return undefined;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    return `could not write the keydir image (${(err as Error).message}); the next open reads the hints instead`;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
