/**
 * What an adapter does when the store marker says its store exists (EngineOpenOptions.existing):
 * it must find the library's files, never let the library create an empty database over a store
 * whose files were lost. Each library would do exactly that by default (LevelDB/RocksDB with
 * create_if_missing, SQLite and LMDB by creating their file), so each adapter checks first.
 *
 * Concurrency: another process may have written the marker a moment ago and still be creating
 * the library's files (openStore writes the marker before the engine opens). So a missing file
 * is only final once the marker is older than STORE_SETTLE_MS; until then the check polls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';

/** Longer than any library takes to create its files after the marker appears. */
export const STORE_SETTLE_MS = 2000;
const POLL_MS = 20;
const MARKER = 'kvs-store.json';

/**
 * Resolves true as soon as `present()` is true; false iff it is still false once the marker of
 * `storeDir` is STORE_SETTLE_MS old (at once for an old marker: no wait on a damaged store
 * that has been there a while).
 */
export async function awaitStoreFiles(storeDir: string, present: () => boolean): Promise<boolean> {
  for (;;) {
    if (present()) return true;
    const markerAge = Date.now() - (fs.statSync(path.join(storeDir, MARKER), { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (markerAge >= STORE_SETTLE_MS) return present();
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, STORE_SETTLE_MS - markerAge)));
  }
}

export interface MissingStoreFiles {
  /** The store directory (holding the marker). */
  dir: string;
  engine: string;
  library: string;
  /** The file the library needs, relative to `dir` (e.g. "leveldb/CURRENT"). */
  file: string;
  /** What else is there, for the message (e.g. "3 table files and 1 log"); empty when nothing is. */
  found: string;
  /** How to get the store back, beyond restoring from a backup. */
  salvage?: string;
}

/**
 * CORRUPTION for a store whose marker is there but whose library files are not. Never advises
 * deleting anything that holds data: only the marker, and only for a store that never held any.
 */
export function missingStoreFiles(m: MissingStoreFiles): KvsError {
  const what = m.found === '' ? `${m.file} is missing and nothing of the ${m.library} database is left` : `${m.file} is missing although ${m.found} ${/ and |^(?!1 )\d/.test(m.found) ? 'are' : 'is'} there`;
  const advice = m.found === ''
    ? `restore the directory from a backup; if it never held data (its first write was interrupted before ${m.library} created its files), remove ${MARKER} to start afresh`
    : `restore the directory from a backup${m.salvage === undefined ? '' : `, or ${m.salvage}`}`;
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `${m.dir} is a ${m.engine} store (${MARKER} says so), but ${what}; kvs will not open it as a new, empty database: ${advice}`,
    { details: { dir: m.dir, file: m.file, path: path.join(m.dir, m.file) } },
  );
}

/** "3 table files and 1 log" for the counts given (names singular; zero counts left out); "" when all are zero. */
export function describeFiles(counts: [number, string][]): string {
  const parts = counts.filter(([n]) => n > 0).map(([n, name]) => `${n} ${name}${n === 1 ? '' : 's'}`);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
}
