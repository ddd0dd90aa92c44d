/**
 * Deleting files nothing needs any more: tables no live version lists (and no flush or
 * compaction is writing), WALs below the manifest's log number, manifests other than the live
 * one, temporary files. Called only after the manifest edit that made them obsolete is durable:
 * after every manifest change and whenever a version dies. Synchronous.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFileName } from './file-names.js';
import type { StoreState } from './store-state.js';

export interface LiveFiles {
  tables: Set<number>;
  pendingOutputs: Set<number>;
  logNumber: number;
  manifestNumber: number;
}

/** Deletes the obsolete files of `dir`; `onTableDeleted` runs before a table file goes. Failures are left for the next call. */
export function deleteObsoleteFiles(dir: string, live: LiveFiles, onTableDeleted: (number: number) => void): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const f = parseFileName(name);
    if (f === undefined) continue;
    const obsolete =
      (f.kind === 'table' && !live.tables.has(f.number) && !live.pendingOutputs.has(f.number)) ||
      (f.kind === 'log' && f.number < live.logNumber) ||
      (f.kind === 'manifest' && f.number !== live.manifestNumber) ||
      f.kind === 'temp';
    if (!obsolete) continue;
    if (f.kind === 'table') onTableDeleted(f.number);
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // left for the next cleanup
    }
  }
}

/** Deletes the obsolete files of the open store `s`; does nothing when it is read-only or closed. */
export function deleteObsoleteFilesOf(s: StoreState): void {
  const manifestNumber = s.vs.manifestNumber;
  // Closed: a scan left open may drop its version later, when another process may own the directory.
  if (s.readOnly || manifestNumber === undefined || s.released) return;
  const live = { tables: s.vs.liveTables(), pendingOutputs: s.pendingOutputs, logNumber: s.vs.logNumber, manifestNumber };
  deleteObsoleteFiles(s.dir, live, (n) => s.tables.evict(n));
}
