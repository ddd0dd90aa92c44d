/**
 * Which files of a bitcask directory open loads, and what it does with the rest: the directory
 * listing checked against the file set (FILESET). Pure: it reads nothing but the names given
 * and changes nothing; load-store acts on the plan once the whole store has loaded.
 *
 * Without a file set (a store written before file sets existed) every data file is loaded, as
 * before, and only the newest may end in a torn tail.
 */
import { compareFileIds, dataFileName, hintFileName, parseFileName, type FileId } from './file-names.js';
import type { FileSet } from './file-set.js';
import { UNPUBLISHED_SUFFIX } from './data-file.js';

export interface PlannedFile {
  id: FileId;
  /** The length the file was sealed at (the file set lists it SEALED), or undefined. */
  sealedSize: number | undefined;
  /** True iff the file may end in a torn tail: it is the active (newest, appended) file. */
  tornTailAllowed: boolean;
}

export interface LoadPlan {
  /** The files to load, oldest first. */
  load: PlannedFile[];
  /** Files the file set lists (not MERGED) that the directory lacks: the store is damaged. */
  missing: string[];
  /** Present files the file set marks MERGED: a merge made them obsolete and was deleting them. */
  mergedAway: string[];
  /** Data and hint files the file set does not account for: moved to lost/, never loaded. */
  orphans: string[];
  /** Leftovers of a crash (`*.tmp-*`, hints of unpublished merge outputs): deleted. */
  temporary: string[];
}

/** The plan for a directory holding `names`, checked against `fileSet` (undefined: a store without one). */
export function planLoad(names: readonly string[], fileSet: FileSet | undefined): LoadPlan {
  const present = new Set(names);
  const plan: LoadPlan = { load: [], missing: [], mergedAway: [], orphans: [], temporary: [] };
  const dataIds: FileId[] = [];
  const hints: string[] = [];
  for (const name of names) {
    if (name.includes('.tmp-')) plan.temporary.push(name);
    const parsed = parseFileName(name);
    if (parsed?.kind === 'data') dataIds.push(parsed.id);
    else if (parsed?.kind === 'hint') hints.push(name);
  }
  dataIds.sort(compareFileIds);
  const accounted = new Set<string>();

  if (fileSet === undefined) {
    dataIds.forEach((id, i) => {
      plan.load.push({ id, sealedSize: undefined, tornTailAllowed: i === dataIds.length - 1 && id.minor === 0 });
      accounted.add(dataFileName(id));
    });
  } else {
    for (const entry of fileSet.entries) {
      const name = dataFileName(entry.id);
      accounted.add(name);
      if (entry.state === 'merged') {
        if (present.has(name)) plan.mergedAway.push(name);
        if (present.has(hintFileName(entry.id))) plan.mergedAway.push(hintFileName(entry.id));
        accounted.add(hintFileName(entry.id));
      } else if (!present.has(name)) {
        plan.missing.push(name);
      } else {
        plan.load.push({ id: entry.id, sealedSize: entry.state === 'sealed' ? entry.size : undefined, tornTailAllowed: entry.state === 'active' });
      }
    }
    for (const id of dataIds) if (!accounted.has(dataFileName(id))) plan.orphans.push(dataFileName(id));
  }

  for (const hint of hints) {
    const id = parseFileName(hint)!.id;
    if (accounted.has(hint)) continue;
    if (present.has(dataFileName(id) + UNPUBLISHED_SUFFIX)) plan.temporary.push(hint); // written before its output was published
    else if (!accounted.has(dataFileName(id)) || plan.orphans.includes(dataFileName(id))) plan.orphans.push(hint);
  }
  plan.orphans.sort();
  return plan;
}
