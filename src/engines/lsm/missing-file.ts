/**
 * A file the store needs is absent: gone for good, or retired by a live writer since the
 * manifest was read. Recovery retries a read-only open on it, and otherwise reports it as
 * CORRUPTION naming the file (or the manifest, when a damaged last edit explains the absence).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, isKvsError, KvsError } from '../../engine/errors.js';
import type { LogTail } from './wal/wal-reader.js';

export class MissingFile extends Error {
  constructor(
    /** File name, e.g. "000012.sst". */
    readonly file: string,
    readonly path: string,
    /** Why the store needs it. */
    readonly needed: string,
    /** The manifest's dropped tail, if it had one: then the manifest is the damaged file. */
    readonly manifestTail: (LogTail & { file: string }) | undefined,
  ) {
    super(`${file} is missing`);
  }

  /** `err` as a MissingFile: itself, or a CORRUPTION from opening a file that does not exist. */
  static of(err: unknown): MissingFile | undefined {
    if (err instanceof MissingFile) return err;
    if (isKvsError(err, ErrorCodes.CORRUPTION) && typeof err.details.path === 'string' && !fs.existsSync(err.details.path)) {
      return new MissingFile(path.basename(err.details.path), err.details.path, 'the manifest lists it as a live table', undefined);
    }
    return undefined;
  }

  /** The CORRUPTION to report; `attempts` is how often a read-only open looked. */
  corruption(attempts: number | undefined): KvsError {
    const looked = attempts === undefined ? '' : ` (still missing after ${attempts} attempt${attempts === 1 ? '' : 's'}, and no writer changed the manifest meanwhile)`;
    const t = this.manifestTail;
    if (t !== undefined) {
      const name = path.basename(t.file);
      return new KvsError(
        ErrorCodes.CORRUPTION,
        `manifest ${name} is damaged at byte offset ${t.offset} (its last edit: ${t.reason}), and that is not a torn tail: the state before the edit needs ${this.file} (${this.needed}), which is gone${looked}, so the edit was whole once and was acted on; restore the store from a backup`,
        { details: { file: name, path: t.file, offset: t.offset, missing: this.file } },
      );
    }
    return new KvsError(ErrorCodes.CORRUPTION, `${this.file} is missing${looked}: ${this.needed}; restore it from a backup of the store`, {
      details: { file: this.file, path: this.path },
    });
  }
}

