/**
 * Open-time recovery: rebuilds the keydir from the files of a data directory, oldest first.
 * Each file is read from its hint where hint chunks cover it and scanned (CRC-checked) beyond
 * that; a torn tail is cut off (or, read-only, ignored) and reported; a writable open appends
 * a hint chunk for what it had to scan, so the next open is fast. Leftover temporary files
 * and hints without a data file are removed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataFile } from './data-file.js';
import { compareFileIds, hintFileName, parseFileName, type FileId } from './file-names.js';
import { FileTable } from './file-table.js';
import { countHintEntries, readHint, readHintFile } from './hint-reader.js';
import { extendHint } from './hint-coverage.js';
import { Keydir } from './keydir.js';
import type { ImageFile } from './keydir-image-format.js';
import { readKeydirImage } from './keydir-image-reader.js';
import type { TornTailReason } from './record-scanner.js';

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
}

/**
 * Loads the store in `dir`; `onWarning` hears of every torn tail cut off (or, read-only,
 * skipped), once each, after the whole store has loaded.
 */
export function loadStore(dir: string, writable: boolean, onWarning?: (message: string) => void): LoadResult {
  const dataIds: FileId[] = [];
  const hintNames = new Set<string>();
  for (const name of fs.readdirSync(dir)) {
    if (name.includes('.tmp-')) {
      if (writable) fs.rmSync(path.join(dir, name), { force: true });
      continue;
    }
    const parsed = parseFileName(name);
    if (parsed?.kind === 'data') dataIds.push(parsed.id);
    else if (parsed?.kind === 'hint') hintNames.add(name);
  }
  dataIds.sort(compareFileIds);

  const image = loadImage(dir, dataIds, onWarning);
  // Hints are read up front so the keydir can be sized once instead of growing through every
  // doubling; those of files the image covers whole are not read at all.
  const hints = dataIds.map((id, i) => (fullyCovered(image?.files[i]) ? Buffer.alloc(0) : readHintFile(path.join(dir, hintFileName(id)))));
  const keydir = image?.keydir ?? new Keydir(hints.reduce((sum, h) => sum + countHintEntries(h), 0));
  const table = new FileTable(keydir);
  const result: LoadResult = { table, keydir, tornTails: [], filesFromHints: 0, bytesScanned: 0, filesFromImage: 0 };
  try {
    dataIds.forEach((id, i) => {
      const file = DataFile.open(dir, id, table.nextIndex, writable);
      table.add(file);
      hintNames.delete(path.basename(file.hintPath));
      loadFile(file, hints[i]!, table, writable, result, image?.files[i]);
    });
  } catch (err) {
    for (const file of table.files) file.close();
    throw err;
  }
  if (writable) for (const orphan of hintNames) fs.rmSync(path.join(dir, orphan), { force: true });
  if (onWarning !== undefined) for (const tail of result.tornTails) onWarning(describeTornTail(tail, writable));
  return result;
}

function loadFile(file: DataFile, hintBytes: Buffer, table: FileTable, writable: boolean, result: LoadResult, imaged?: ImageFile): void {
  // Records below what the keydir image covers are in the keydir already: only newer ones apply.
  const from = imaged === undefined ? 0 : startFromImage(file, imaged, result);
  if (from === file.size) return;
  const hint = readHint(hintBytes, file.size, (e) => {
    if (e.offset >= from) table.apply(file, e.key, e.offset, e.valueSize, e.flags, e.timestamp);
  });
  file.hintCovered = hint.coveredSize;
  file.hintLength = hint.validLength;
  if (hint.coveredSize > 0) result.filesFromHints++;
  if (hint.coveredSize === file.size) return;

  const outcome = extendHint(file, writable, (rec) => {
    if (rec.offset >= from) table.apply(file, rec.key, rec.offset, rec.valueSize, rec.flags, rec.timestamp);
  });
  result.bytesScanned += outcome.validEnd - hint.coveredSize;
  if (outcome.tornBytes > 0) result.tornTails.push({ file: file.name, offset: outcome.validEnd, bytes: outcome.tornBytes, reason: outcome.tornReason ?? 'incomplete' });
}

// ---- the keydir image (keydir-image-reader.ts): one read instead of every hint ----

/**
 * The usable keydir image, or undefined. A damaged image is worth a warning; a missing or stale
 * one is not (stores written before images, or not closed since the last write, have none).
 */
function loadImage(dir: string, dataIds: readonly FileId[], onWarning?: (message: string) => void) {
  if (dataIds.length === 0) return undefined;
  const image = readKeydirImage(dir, dataIds);
  if ('keydir' in image) return image;
  if (image.damaged) onWarning?.(`${image.reason}; loaded the keydir from the hint files instead (slower, same data)`);
  return undefined;
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
