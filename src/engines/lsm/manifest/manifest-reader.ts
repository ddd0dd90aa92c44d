/**
 * Reads the live manifest named by CURRENT: every version edit in order. A torn tail (the last
 * edit cut short by a crash) is dropped and reported: that edit was never acted on, because
 * edits are fsynced before their effects. Damage with valid edits after it, or an edit that
 * does not decode, is CORRUPTION naming the manifest and the byte offset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../../engine/errors.js';
import { manifestPath } from '../file-names.js';
import { MissingFile } from '../missing-file.js';
import { readLog, type LogTail } from '../wal/wal-reader.js';
import { readCurrent } from './current-file.js';
import { decodeVersionEdit, type VersionEdit } from './version-edit.js';

export interface ManifestContents {
  number: number;
  file: string;
  edits: VersionEdit[];
  tail: LogTail | undefined;
}

/** The manifest's edits, or undefined iff the directory has no CURRENT (a new store). */
export function readManifest(dir: string): ManifestContents | undefined {
  const number = readCurrent(dir);
  if (number === undefined) return undefined;
  const file = manifestPath(dir, number);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new MissingFile(path.basename(file), file, 'CURRENT names it as the live manifest', undefined);
  }
  const edits: VersionEdit[] = [];
  const { tail } = readLog(file, data, (payload, offset) => edits.push(decodeVersionEdit(payload, file, offset)));
  if (edits.length === 0) {
    throw new KvsError(ErrorCodes.CORRUPTION, `manifest ${file} holds no complete version edit (${tail?.reason ?? 'empty file'}); restore it from a backup`, {
      details: { file, offset: 0 },
    });
  }
  return { number, file, edits, tail };
}
