/**
 * Cleanup of the store directory: deleting the files that something read intact makes obsolete,
 * and moving aside (to `lost/`) the files that only look unneeded. Synchronous; called only
 * after the manifest edit that made files obsolete is durable, after every manifest change,
 * whenever a version dies, and (moveOrphansAside) once by a writable open.
 *
 * Deleted: tables a DELETED_FILE record names (VersionSet.retired) that no live version lists and
 * no flush or compaction is writing; WALs below the manifest's log number; manifests older than
 * the live one, unless the one read at open had a damaged tail; temporary files.
 * Moved to lost/: tables nothing names (an unrecorded flush or compaction output, or the table of
 * a damaged last manifest edit), manifests newer than the live one, and the manifest read at open
 * when its tail was dropped. Nothing else is touched (the marker, LOCK, lost/, unknown names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDirSync } from '../../util/fs.js';
import { parseFileName } from './file-names.js';
import type { StoreState } from './store-state.js';

/** Where files that look orphaned go, inside the store directory. */
export const LOST_DIR = 'lost';

export interface LiveFiles {
  tables: ReadonlySet<number>;
  pendingOutputs: ReadonlySet<number>;
  /** Tables a manifest record read intact retires: the only ones that may be deleted. */
  retired: ReadonlySet<number>;
  logNumber: number;
  manifestNumber: number;
  /** A manifest older than the live one to move aside rather than delete (its tail was dropped at open). */
  asideManifest: number | undefined;
}

type Fate = 'keep' | 'delete' | 'aside';

function fateOf(name: string, live: LiveFiles, orphansAside: boolean): Fate {
  const f = parseFileName(name);
  if (f === undefined || f.kind === 'current') return 'keep';
  switch (f.kind) {
    case 'temp':
      return 'delete';
    case 'log':
      return f.number < live.logNumber ? 'delete' : 'keep';
    case 'manifest':
      if (f.number === live.manifestNumber) return 'keep';
      if (f.number > live.manifestNumber || f.number === live.asideManifest) return 'aside';
      return 'delete';
    default: // table
      if (live.tables.has(f.number) || live.pendingOutputs.has(f.number)) return 'keep';
      if (live.retired.has(f.number)) return 'delete';
      return orphansAside ? 'aside' : 'keep';
  }
}

/**
 * Moves `name` from `dir` into `dir/lost/` (a numbered suffix if that name is taken) and makes
 * both directory entries durable; returns the new path relative to `dir`.
 */
export function moveAside(dir: string, name: string): string {
  const lost = path.join(dir, LOST_DIR);
  fs.mkdirSync(lost, { recursive: true });
  let target = name;
  for (let n = 1; fs.existsSync(path.join(lost, target)); n++) target = `${name}.${n}`;
  fs.renameSync(path.join(dir, name), path.join(lost, target));
  fsyncDirSync(lost);
  fsyncDirSync(dir);
  return path.join(LOST_DIR, target);
}

/**
 * Deletes the obsolete files of `dir` (see above); files that look orphaned are moved aside only
 * when `onAside` is given (a writable open), and left alone otherwise. `onTableDeleted` runs
 * before a table file goes. Failures are left for the next call.
 */
export function deleteObsoleteFiles(dir: string, live: LiveFiles, onTableDeleted: (number: number) => void, onAside?: (name: string, movedTo: string) => void): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const fate = fateOf(name, live, onAside !== undefined);
    if (fate === 'keep' || (fate === 'aside' && onAside === undefined)) continue;
    try {
      if (fate === 'aside') {
        onAside!(name, moveAside(dir, name));
        continue;
      }
      const f = parseFileName(name)!;
      if (f.kind === 'table') onTableDeleted(f.number);
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // left for the next cleanup
    }
  }
}

function liveFilesOf(s: StoreState, manifestNumber: number): LiveFiles {
  const recovered = s.vs.recoveredManifestNumber;
  return {
    tables: s.vs.liveTables(),
    pendingOutputs: s.pendingOutputs,
    retired: s.vs.retired,
    logNumber: s.vs.logNumber,
    manifestNumber,
    asideManifest: s.vs.recoveredTail !== undefined ? recovered : undefined,
  };
}

/** Deletes the obsolete files of the open store `s`; does nothing when it is read-only or closed. */
export function deleteObsoleteFilesOf(s: StoreState): void {
  const manifestNumber = s.vs.manifestNumber;
  // Closed: a scan left open may drop its version later, when another process may own the directory.
  if (s.readOnly || manifestNumber === undefined || s.released) return;
  deleteObsoleteFiles(s.dir, liveFilesOf(s, manifestNumber), (n) => s.tables.evict(n));
}

/**
 * A writable open's first cleanup: as deleteObsoleteFilesOf, and the files that look orphaned go
 * to lost/; `onWarning` hears one sentence per file moved.
 */
export function moveOrphansAside(s: StoreState, onWarning: ((message: string) => void) | undefined): void {
  const manifestNumber = s.vs.manifestNumber;
  if (s.readOnly || manifestNumber === undefined || s.released) return;
  const live = liveFilesOf(s, manifestNumber);
  deleteObsoleteFiles(s.dir, live, (n) => s.tables.evict(n), (name, movedTo) => {
    const f = parseFileName(name)!;
    const why =
      f.kind === 'table'
        ? 'no manifest record read intact names it (the output of an interrupted flush or compaction, or a table a damaged last manifest edit added)'
        : f.number === live.asideManifest
          ? 'its damaged last edit was dropped as a torn tail; a new manifest holds the state before it'
          : 'it is newer than the manifest CURRENT names (a manifest switch interrupted by a crash)';
    safely(onWarning, `moved ${name} to ${movedTo} instead of deleting it: ${why}; the store does not need it: check it and remove it yourself`);
  });
}

function safely(onWarning: ((message: string) => void) | undefined, message: string): void {
  try {
    onWarning?.(message);
  } catch {
    // a listener's failure is not the store's
  }
}
