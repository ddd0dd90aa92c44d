/**
 * CURRENT: the pointer to the live manifest. Grammar: the manifest's file name and a newline
 * ("MANIFEST-000002\n"), ASCII. Replaced atomically (temporary file, fsync, rename, directory
 * fsync), so after a crash it names either the old or the new manifest, both complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../../engine/errors.js';
import { writeFileAtomicSync } from '../../../util/fs.js';
import { CURRENT_FILE, manifestFileName, parseFileName } from '../file-names.js';

/** The manifest number CURRENT names, or undefined iff there is no CURRENT file. Throws CORRUPTION if it is malformed. */
export function readCurrent(dir: string): number | undefined {
  const file = path.join(dir, CURRENT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = text.endsWith('\n') ? parseFileName(text.slice(0, -1)) : undefined;
  if (parsed?.kind !== 'manifest') {
    throw new KvsError(ErrorCodes.CORRUPTION, `${file} should hold a manifest name and a newline (e.g. "MANIFEST-000002\\n") but holds ${JSON.stringify(text.slice(0, 40))}; restore it`, {
      details: { file },
    });
  }
  return parsed.number;
}

/** Points CURRENT at manifest `number`, atomically. REQUIRES: that manifest is complete and fsynced. */
export function writeCurrent(dir: string, number: number): void {
  writeFileAtomicSync(path.join(dir, CURRENT_FILE), `${manifestFileName(number)}\n`);
}
