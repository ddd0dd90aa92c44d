/** The CORRUPTION errors of the table layer: every one names the table file and a byte offset. */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../../engine/errors.js';

/** CORRUPTION for `file` at absolute byte `offset`, with details `{file, offset}`. */
export function tableCorruption(file: string, offset: number, reason: string): KvsError {
  const name = path.basename(file);
  return new KvsError(ErrorCodes.CORRUPTION, `table file ${name} is corrupt at byte offset ${offset}: ${reason}`, {
    details: { file: name, path: file, offset },
  });
}

/** Where a block came from, so that errors inside it can name the file and absolute offset. */
export interface BlockSource {
  file: string;
  /** Offset of the block's first byte in the file. */
  offset: number;
}
