/** The CORRUPTION errors of the table layer: every one names the table file and a byte offset. */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../../engine/errors.js';

/** What a user can do about a damaged table: tables are immutable, so a backup copy is exact. */
function advice(name: string): string {
  return `restore ${name} from a backup of the store (tables never change once written, so any copy of it is the right one)`;
}

/** CORRUPTION for `file` at absolute byte `offset`, with details `{file, offset}`. */
export function tableCorruption(file: string, offset: number, reason: string): KvsError {
  const name = path.basename(file);
  return new KvsError(ErrorCodes.CORRUPTION, `table file ${name} is corrupt at byte offset ${offset}: ${reason}; ${advice(name)}`, {
    details: { file: name, path: file, offset },
  });
}

/**
 * CORRUPTION for a block of `file` whose checksum fails. A checksum says only that some byte
 * of the block (or its trailer) changed, not which, so the message names the whole block;
 * details.offset is the block's first byte.
 */
export function blockChecksumCorruption(file: string, what: string, offset: number, size: number): KvsError {
  const name = path.basename(file);
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `table file ${name} is damaged in the ${what} block at offset ${offset} (size ${size} bytes): the block fails its checksum, ` +
      `so bytes in it changed after it was written; reads that need this block fail until you ${advice(name)}`,
    { details: { file: name, path: file, offset, blockSize: size, block: what } },
  );
}

/** Where a block came from, so that errors inside it can name the file and absolute offset. */
export interface BlockSource {
  file: string;
  /** Offset of the block's first byte in the file. */
  offset: number;
}
