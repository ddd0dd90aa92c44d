/**
 * Reads the keydir image (grammar in keydir-image-format.ts) at open, with one read, and decides
 * whether it may stand in for the hints of the files it covers. Never trusts a length: the
 * header's counts must add up to the file's size before the CRC is computed, and the keydir
 * checks its own consistency (Keydir.fromParts). An image is used only if the data files it
 * lists are exactly the oldest files of the directory, in order, each still of the length it
 * covers, except the newest of them, which may have grown (records appended after the image).
 * Anything else (missing, torn, CRC mismatch, stale) yields undefined and a reason: open then
 * reads the hints, as without an image.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { dataFileName, hintFileName, type FileId } from './file-names.js';
import { Keydir } from './keydir.js';
import {
  ARENA_BYTES_OFFSET,
  ARENA_GARBAGE_OFFSET,
  columnsSize,
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
  type ImageFile,
} from './keydir-image-format.js';

export interface LoadedImage {
  keydir: Keydir;
  /** Per data file of the directory, oldest first: what the image covers of it (only the first `files.length`). */
  files: ImageFile[];
}

/** Why an image cannot be used: `damaged` iff its bytes are bad (worth a warning), not merely out of date. */
export interface ImageRefusal {
  reason: string;
  damaged: boolean;
}

/**
 * The image in `dir` if it may be used for the directory's data files `dataIds` (sorted), else
 * why not. Besides the data files' lengths, each listed file's hint must still be the length the
 * image recorded: deleting a hint (the advice for a damaged record) must make open rescan the
 * file, and the image would otherwise keep it from doing so.
 */
export function readKeydirImage(dir: string, dataIds: readonly FileId[]): LoadedImage | ImageRefusal {
  const result = readImage(dir, dataIds);
  if (typeof result !== 'string') return result;
  return { reason: result, damaged: !result.includes(' is stale') && !result.startsWith('there is no ') };
}

function readImage(dir: string, dataIds: readonly FileId[]): LoadedImage | string {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(dir, IMAGE_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `there is no ${IMAGE_FILE}`;
    return `${IMAGE_FILE} could not be read (${(err as Error).message})`;
  }
  const decoded = decodeKeydirImage(buf);
  if (typeof decoded === 'string') return `${IMAGE_FILE} is damaged: ${decoded}`;
  const { files } = decoded;
  if (files.length > dataIds.length) return `${IMAGE_FILE} is stale: it lists ${files.length} data files, the directory has ${dataIds.length}`;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const id = dataIds[i]!;
    const name = dataFileName({ major: f.major, minor: f.minor });
    if (id.major !== f.major || id.minor !== f.minor) return `${IMAGE_FILE} is stale: it lists ${name} where the directory has ${dataFileName(id)}`;
    const size = fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.size;
    const last = i === files.length - 1;
    if (size === undefined || size < f.coveredSize || (!last && size !== f.coveredSize)) {
      return `${IMAGE_FILE} is stale: it covers ${f.coveredSize} bytes of ${name}, which has ${size ?? 'no'} bytes`;
    }
    const hint = hintFileName({ major: f.major, minor: f.minor });
    const hintSize = fs.statSync(path.join(dir, hint), { throwIfNoEntry: false })?.size ?? 0;
    if (hintSize < f.hintLength || (!last && hintSize !== f.hintLength)) {
      return `${IMAGE_FILE} is stale: it recorded ${f.hintLength} bytes of ${hint}, which has ${hintSize}`;
    }
  }
  const keydir = Keydir.fromParts(decoded.parts, files.length);
  if (typeof keydir === 'string') return `${IMAGE_FILE} is inconsistent: ${keydir}`;
  return { keydir, files };
}

/** The image's parts and files, or why the bytes are not a valid image. */
export function decodeKeydirImage(buf: Buffer): { parts: Parameters<typeof Keydir.fromParts>[0]; files: ImageFile[] } | string {
  if (buf.length < IMAGE_HEADER_SIZE) return `${buf.length} bytes is shorter than the ${IMAGE_HEADER_SIZE}-byte header`;
  if (buf.readUInt32LE(0) !== IMAGE_MAGIC) return 'bad magic at byte offset 0';
  if (buf.readUInt32LE(4) !== IMAGE_VERSION) return `unknown version ${buf.readUInt32LE(4)} at byte offset 4`;
  const fileCount = buf.readUInt32LE(FILE_COUNT_OFFSET);
  const handles = buf.readUInt32LE(HANDLES_OFFSET);
  const indexSlots = buf.readUInt32LE(INDEX_SLOTS_OFFSET);
  const orderedCount = buf.readUInt32LE(ORDERED_COUNT_OFFSET);
  const arenaBytes = buf.readUInt32LE(ARENA_BYTES_OFFSET);
  const expected = imageSize(fileCount, handles, indexSlots, orderedCount, arenaBytes);
  if (buf.readUInt32LE(IMAGE_BYTES_OFFSET) !== buf.length || expected !== buf.length) {
    return `the header's counts add up to ${expected} bytes and it says ${buf.readUInt32LE(IMAGE_BYTES_OFFSET)}, but the file has ${buf.length}`;
  }
  const crc = zlib.crc32(buf.subarray(IMAGE_HEADER_SIZE), zlib.crc32(buf.subarray(CRC_OFFSET + 4, IMAGE_HEADER_SIZE)));
  if (crc !== buf.readUInt32LE(CRC_OFFSET)) return `checksum mismatch (stored ${buf.readUInt32LE(CRC_OFFSET)}, computed ${crc})`;

  // Sections start at multiples of 4 within the file; typed-array views need that in memory too.
  const base = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  let at = IMAGE_HEADER_SIZE;
  const files: ImageFile[] = [];
  for (let i = 0; i < fileCount; i++, at += FILE_ENTRY_SIZE) {
    files.push({
      major: base.readUInt32LE(at),
      minor: base.readUInt32LE(at + 4),
      coveredSize: base.readUInt32LE(at + 8),
      liveBytes: base.readUInt32LE(at + 12),
      hintCovered: base.readUInt32LE(at + 16),
      hintLength: base.readUInt32LE(at + 20),
    });
  }
  const u32 = (count: number): Uint32Array => {
    const view = new Uint32Array(base.buffer, base.byteOffset + at, count);
    at += 4 * count;
    return view;
  };
  const fileIds = u32(handles);
  const offsets = u32(handles);
  const valueSizes = u32(handles);
  const timestamps = u32(handles);
  const hashes = u32(handles);
  const keyOffsets = u32(handles);
  const keyLengthsMinus1 = new Uint16Array(base.buffer, base.byteOffset + at, handles);
  at = IMAGE_HEADER_SIZE + FILE_ENTRY_SIZE * fileCount + columnsSize(handles);
  const index = u32(indexSlots);
  const ordered = orderedCount > 0 ? u32(orderedCount) : undefined;
  const arena = base.subarray(at, at + arenaBytes);
  const freeHead = base.readUInt32LE(FREE_HEAD_OFFSET) | 0;
  return {
    parts: {
      size: base.readUInt32LE(SIZE_OFFSET),
      freeHead,
      arenaGarbage: base.readUInt32LE(ARENA_GARBAGE_OFFSET),
      fileIds,
      offsets,
      valueSizes,
      timestamps,
      hashes,
      keyOffsets,
      keyLengthsMinus1,
      index,
      arena,
      ordered,
    },
    files,
  };
}
