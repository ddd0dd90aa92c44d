/**
 * Open-time recovery: rebuilds the keydir from the files of a data directory, oldest first,
 * after checking the directory against the file set (FILESET): a listed file that is missing,
 * shorter or longer than it was sealed is CORRUPTION. Each file is read from its hint where hint
 * chunks cover it and scanned (CRC-checked) beyond that; only the active file may end in a torn
 * tail. Nothing on disk changes until the whole store has loaded; then a writable open cuts the
 * torn tail, appends hint chunks for what it scanned, removes temporary files and the inputs of
 * a merge that was deleting them, and moves files the file set does not list to `lost/`.
 *
 * A read-only open takes no lock, so a writer may rotate or merge while it reads: when a file it
 * expected is gone, it re-reads the file set and starts over (a bounded number of times), and
 * reports CORRUPTION only when the file set has not changed. It loads what the file set lists,
 * so it sees the store as of one file set; files the writer has not listed yet are not loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { DataFile } from './data-file.js';
import { dataFileName, formatFileId, hintFileName, type FileId } from './file-names.js';
import { decodeFileSet, FILE_SET, readFileSetBytes, type FileSet } from './file-set.js';
import { FileTable } from './file-table.js';
import { countHintEntries, readHint, readHintFile } from './hint-reader.js';
import { commitScan, scanUncovered, type UncoveredScan } from './hint-coverage.js';
import { Keydir } from './keydir.js';
import type { ImageFile } from './keydir-image-format.js';
import { readKeydirImage, type LoadedImage } from './keydir-image-reader.js';
import { moveToLost } from './lost-files.js';
import type { TornTailReason } from './record-scanner.js';
import { planLoad, type LoadPlan, type PlannedFile } from './store-listing.js';

export interface TornTail {
  file: string;
  /** Where the valid data ended and the cut began. */
  offset: number;
  bytes: number;
  reason: TornTailReason;
}

const REASONS: Record<TornTailReason, string> = {
  checksum: 'the last record fails its checksum',
  incomplete: 'the last record is incomplete',
  'invalid-header': 'the last record has an invalid header',
  'unfinished-batch': 'the last batch is missing its final record, so none of its writes count',
};

/**
 * The warning for a tail recovery did not keep: what was dropped, where, and why. A writable
 * open has cut the bytes; a read-only open only skips them (the next writable open cuts them).
 */
export function describeTornTail(tail: TornTail, writable: boolean): string {
  const what = writable ? `cut ${tail.bytes} bytes off the end of ${tail.file}` : `skipped ${tail.bytes} bytes at the end of ${tail.file} (the next writable open cuts them)`;
  return `${what} at offset ${tail.offset}: ${REASONS[tail.reason]} (a write interrupted by a crash); the store holds every record before it`;
}

export interface LoadResult {
  table: FileTable;
  keydir: Keydir;
  tornTails: TornTail[];
  /** Files whose records came (at least partly) from a hint. */
  filesFromHints: number;
  /** Data-file bytes read because no hint covered them. */
  bytesScanned: number;
  /** Files whose records came from the keydir image (0 iff it was missing, stale or damaged). */
  filesFromImage: number;
  /** True iff the keydir image on disk describes the loaded store exactly (every file, to its end, hints included). */
  imageExact: boolean;
  /** The file set the store was opened with; undefined iff it had none (written before file sets). */
  fileSet: FileSet | undefined;
  /**
   * Files the file set does not list: moved to lost/ by a writable open. A read-only open leaves
   * them alone, does not load them and says nothing: a live writer lists a new file or merge
   * output a moment after creating it, so unlisted files are expected there.
   */
  lost: string[];
  /** Why a keydir image present was not used, iff its bytes were bad (a stale or missing one is not worth a warning). */
  imageDamage: string | undefined;
}

/** Read-only attempts before a file that keeps vanishing under a busy writer is reported. */
const READ_ONLY_ATTEMPTS = 25;

/** A file the file set (or the listing) promised vanished: read the set again, or fail with `failure`. */
class Reread extends Error {
  constructor(readonly failure: KvsError) {
    super('the store changed while it was being read');
  }
}

/**
 * Loads the store in `dir`; `onWarning` hears of every torn tail cut off (or, read-only,
 * skipped) and every file moved aside, once each, after the whole store has loaded.
 */
export function loadStore(dir: string, writable: boolean, onWarning?: (message: string) => void): LoadResult {
  for (let attempt = 1; ; attempt++) {
    const setBytes = readFileSetBytes(dir);
    const fileSet = setBytes === undefined ? undefined : decodeFileSet(setBytes);
    try {
      const result = loadOnce(dir, writable, fileSet);
      if (onWarning !== undefined) for (const w of warningsOf(result, writable, dir)) onWarning(w);
      return result;
    } catch (err) {
      if (!(err instanceof Reread)) throw err;
      // A file the set lists is gone: the store is damaged, unless a writer replaced the set meanwhile.
      if (writable || attempt >= READ_ONLY_ATTEMPTS || (fileSet !== undefined && sameBytes(readFileSetBytes(dir), setBytes))) throw err.failure;
    }
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

function missingFile(name: string, fileSet: FileSet | undefined, all: readonly string[]): KvsError {
  const others = all.length > 1 ? ` (also missing: ${all.filter((n) => n !== name).join(', ')})` : '';
  const why = fileSet === undefined ? 'it vanished while the store was being opened' : `${FILE_SET} lists it as part of the store`;
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `bitcask data file ${name} is missing: ${why}${others}; nothing was changed. Restore it from a backup (its keys would otherwise be lost, or older values and deleted keys come back)`,
    { details: { file: name, missing: true } },
  );
}

function loadOnce(dir: string, writable: boolean, fileSet: FileSet | undefined): LoadResult {
  const plan = planLoad(fs.readdirSync(dir), fileSet);
  if (plan.missing.length > 0) throw new Reread(missingFile(plan.missing[0]!, fileSet, plan.missing));

  // The image is read only for the files the plan loads, and never stands in for their checks:
  // each is still opened, its sealed length compared with FILESET's, before anything applies.
  const loaded = loadImage(dir, plan.load.map((p) => p.id));
  const image = typeof loaded === 'object' ? loaded : undefined;
  // Hints are read up front so the keydir can be sized once instead of growing through every
  // doubling; those of files the image covers whole are not read up front (undefined), only if
  // the file has grown since (the newest file the image lists may have: see loadFile).
  const hints = plan.load.map((p, i) => (fullyCovered(image?.files[i]) ? undefined : readHintFile(path.join(dir, hintFileName(p.id)))));
  const keydir = image?.keydir ?? new Keydir(hints.reduce((sum, h) => sum + countHintEntries(h!), 0));
  const table = new FileTable(keydir);
  const imageDamage = typeof loaded === 'string' ? loaded : undefined;
  const result: LoadResult = { table, keydir, tornTails: [], filesFromHints: 0, bytesScanned: 0, filesFromImage: 0, imageExact: false, fileSet, lost: [], imageDamage };
  const scans: [DataFile, UncoveredScan][] = [];
  try {
    plan.load.forEach((planned, i) => {
      const file = openPlanned(dir, planned, table.nextIndex, writable, fileSet);
      table.add(file);
      const scan = loadFile(file, hints[i], planned, table, writable, result, image?.files[i]);
      if (scan !== undefined) scans.push([file, scan]);
    });
    result.imageExact =
      image !== undefined && image.files.length === table.files.length && table.files.every((f, i) => f.size === image.files[i]!.coveredSize && fullyCovered(image.files[i]));
    if (writable) commit(dir, plan, scans, result);
    else result.lost = plan.orphans;
  } catch (err) {
    for (const file of table.files) file.close();
    throw err;
  }
  return result;
}

function openPlanned(dir: string, planned: PlannedFile, index: number, writable: boolean, fileSet: FileSet | undefined): DataFile {
  let file: DataFile;
  try {
    file = DataFile.open(dir, planned.id, index, writable);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Reread(missingFile(dataFileName(planned.id), fileSet, [dataFileName(planned.id)]));
    throw err;
  }
  if (planned.sealedSize !== undefined && file.size !== planned.sealedSize) {
    file.close();
    const how = `ends at byte offset ${file.size} but was sealed at ${planned.sealedSize} bytes: ${file.size < planned.sealedSize ? 'it lost its end' : 'bytes were added after it was sealed'}`;
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `bitcask data file ${file.name} ${how} (${FILE_SET} records the length); nothing was changed. Restore ${file.name} from a backup`,
      { details: { file: file.name, offset: Math.min(file.size, planned.sealedSize), size: file.size, sealedSize: planned.sealedSize } },
    );
  }
  return file;
}

/**
 * Applies `file`'s hint and scans what it does not cover; returns the scan for a writable open
 * to commit. Records below what the keydir image covers (`imaged`) are in the keydir already:
 * only newer ones apply.
 */
function loadFile(
  file: DataFile,
  hintBytes: Buffer | undefined,
  planned: PlannedFile,
  table: FileTable,
  writable: boolean,
  result: LoadResult,
  imaged: ImageFile | undefined,
): UncoveredScan | undefined {
  const from = imaged === undefined ? 0 : startFromImage(file, imaged, result);
  if (from === file.size) return undefined;
  const hint = readHint(hintBytes ?? readHintFile(file.hintPath), file.size, (e) => {
    if (e.offset >= from) table.apply(file, e.key, e.offset, e.valueSize, e.flags, e.timestamp);
  });
  if (hint.coveredBeyondData !== undefined) {
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `bitcask data file ${file.name} ends at byte offset ${file.size}, but its hint ${path.basename(file.hintPath)} describes records up to byte ${hint.coveredBeyondData}: ` +
        `the data file lost its end; nothing was changed. Restore ${file.name} from a backup`,
      { details: { file: file.name, offset: file.size, hintCovered: hint.coveredBeyondData } },
    );
  }
  file.hintCovered = hint.coveredSize;
  file.hintLength = hint.validLength;
  if (hint.coveredSize > 0) result.filesFromHints++;
  if (hint.coveredSize === file.size) return undefined;

  const scan = scanUncovered(file, writable, planned.tornTailAllowed, (rec) => {
    if (rec.offset >= from) table.apply(file, rec.key, rec.offset, rec.valueSize, rec.flags, rec.timestamp);
  });
  const { outcome } = scan;
  result.bytesScanned += outcome.validEnd - hint.coveredSize;
  if (outcome.tornBytes > 0) {
    result.tornTails.push({ file: file.name, offset: outcome.validEnd, bytes: outcome.tornBytes, reason: outcome.tornReason ?? 'incomplete' });
    if (!writable) file.size = outcome.validEnd;
  }
  return scan;
}

/** A writable open's changes, once everything loaded: cuts and hint chunks, leftovers removed, orphans moved aside. */
function commit(dir: string, plan: LoadPlan, scans: [DataFile, UncoveredScan][], result: LoadResult): void {
  for (const [file, scan] of scans) commitScan(file, scan);
  for (const name of plan.temporary) fs.rmSync(path.join(dir, name), { force: true });
  // The merge that marked these MERGED had published complete outputs, which loaded intact.
  for (const name of plan.mergedAway) fs.rmSync(path.join(dir, name), { force: true });
  result.lost = moveToLost(dir, plan.orphans);
}

function warningsOf(result: LoadResult, writable: boolean, dir: string): string[] {
  const out = result.tornTails.map((t) => describeTornTail(t, writable));
  if (result.imageDamage !== undefined) out.push(result.imageDamage);
  if (writable && result.lost.length > 0) {
    out.push(`${result.lost.length} file(s) that ${FILE_SET} does not list were found and not loaded: ${result.lost.join(', ')}; moved them to ${path.join(dir, 'lost')} (nothing was deleted)`);
  }
  if (result.fileSet === undefined && result.table.files.length > 0) {
    const files = result.table.files.map((f) => formatFileId(f.id));
    out.push(
      `the bitcask store at ${dir} has no ${FILE_SET} (written by a kvs before file sets, or the file was lost), so a missing data file cannot be detected this once; ` +
        `loaded the ${files.length} data file(s) present${writable ? ` and wrote ${FILE_SET}` : `; the next writable open writes ${FILE_SET}`}`,
    );
  }
  return out;
}

// ---- the keydir image (keydir-image-reader.ts): one read instead of every hint ----

/**
 * The usable keydir image, or undefined. A damaged image is worth a warning; a missing or stale
 * one is not (stores written before images, or not closed since the last write, have none).
 */
function loadImage(dir: string, dataIds: readonly FileId[]): LoadedImage | string | undefined {
  if (dataIds.length === 0) return undefined;
  const image = readKeydirImage(dir, dataIds);
  if ('keydir' in image) return image;
  return image.damaged ? `${image.reason}; loaded the keydir from the hint files instead (slower, same data)` : undefined;
}

function fullyCovered(imaged: ImageFile | undefined): boolean {
  return imaged !== undefined && imaged.hintCovered === imaged.coveredSize;
}

/** Sets `file` up as the image left it; returns the offset from which its records must still be applied. */
function startFromImage(file: DataFile, imaged: ImageFile, result: LoadResult): number {
  file.liveBytes = imaged.liveBytes;
  result.filesFromImage++;
  if (imaged.coveredSize === file.size && fullyCovered(imaged)) {
    file.hintCovered = imaged.hintCovered;
    file.hintLength = imaged.hintLength;
  }
  return imaged.coveredSize;
}
