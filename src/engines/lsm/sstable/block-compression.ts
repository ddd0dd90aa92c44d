/**
 * Block compression (grammar in table-format.ts): a data block is stored compressed, with block
 * type ZLIB, only when that saves at least 1/8 of its bytes (LevelDB's rule); otherwise PLAIN.
 *
 *   zlibContents := rawLength:varint32 deflate:byte*     -- raw DEFLATE (RFC 1951), no zlib header
 *
 * The codec is Node's zlib at level 1, chosen by measurement (bench/lsm-compression.mjs: ratio,
 * compress and decompress time on the figures' blocks; numbers in docs/formats/lsm.md). A native
 * LZ4 or Snappy binding would decompress several times faster but is a dependency we do not take.
 * Incompressible data (random values) would pay the compressor for nothing on every block, so a
 * builder that fails to compress a block skips the next SKIP_AFTER_FAILURE blocks before trying
 * again. Decompression trusts no length: the output is bounded by rawLength, and anything else
 * than exactly rawLength bytes is CORRUPTION naming the file and the block's offset.
 */
import * as zlib from 'node:zlib';
import { putVarint, varintLength } from '../../../util/varint.js';
import { tableCorruption } from './corruption.js';

/** The codecs an `lsm` store can write; every reader reads them all. */
export type BlockCompression = 'zlib' | 'none';
export const BLOCK_COMPRESSIONS: readonly BlockCompression[] = ['zlib', 'none'];

/** zlib level: 1 compresses about as well as 6 on these blocks (within a few %) at a fraction of the time. */
const ZLIB_LEVEL = 1;
/** After a block that did not compress, this many blocks are stored plain without trying. */
export const SKIP_AFTER_FAILURE = 15;
/** Largest raw block a reader accepts: blockSize is at most 16 MiB, and one entry may exceed it by its value (64 MiB). */
const MAX_RAW_LENGTH = 2 ** 31 - 1;

/** Compresses data blocks for one table builder (it remembers recent failures). Single-threaded. */
export class BlockCompressor {
  #skip = 0;
  /** Blocks stored compressed, and blocks tried (for tests and stats). */
  compressed = 0;
  tried = 0;

  constructor(readonly compression: BlockCompression) {}

  /** The ZLIB contents for `raw`, or undefined iff `raw` should be stored PLAIN. */
  compress(raw: Buffer): Buffer | undefined {
    if (this.compression === 'none' || raw.length < 64) return undefined;
    if (this.#skip > 0) {
      this.#skip--;
      return undefined;
    }
    this.tried++;
    const deflated = zlib.deflateRawSync(raw, { level: ZLIB_LEVEL });
    const header = varintLength(raw.length);
    if (header + deflated.length > raw.length - raw.length / 8) {
      this.#skip = SKIP_AFTER_FAILURE;
      return undefined;
    }
    this.compressed++;
    const out = Buffer.allocUnsafe(header + deflated.length);
    putVarint(out, 0, raw.length);
    out.set(deflated, header);
    return out;
  }
}

/**
 * The raw contents of a ZLIB block whose stored contents are `stored` (its checksum already
 * verified). Throws CORRUPTION naming `file` and the block's `offset` iff the header, the
 * deflate stream or the decompressed length is wrong.
 */
export function decompressBlock(stored: Buffer, file: string, offset: number, what: string): Buffer {
  let rawLength = 0;
  let at = 0;
  for (let shift = 1; ; shift *= 128) {
    if (at >= stored.length || at >= 5) throw tableCorruption(file, offset, `compressed ${what} block has a malformed length header`);
    const b = stored[at++]!;
    rawLength += (b & 0x7f) * shift;
    if (b < 0x80) break;
  }
  if (rawLength > MAX_RAW_LENGTH) throw tableCorruption(file, offset, `compressed ${what} block claims ${rawLength} bytes uncompressed`);
  let raw: Buffer;
  try {
    raw = zlib.inflateRawSync(stored.subarray(at), { maxOutputLength: Math.max(1, rawLength) });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw tableCorruption(file, offset, `compressed ${what} block does not decompress (${reason})`);
  }
  if (raw.length !== rawLength) throw tableCorruption(file, offset, `compressed ${what} block decompresses to ${raw.length} bytes, its header says ${rawLength}`);
  return raw;
}
