/**
 * Extends a data file's hint to cover the whole file: scans the records the hint does not yet
 * cover, cuts off a torn tail, and appends one hint chunk for them. Used at open (for what
 * the previous process left uncovered), when a file is sealed, and at close. Open scans every
 * file first and commits (cuts, appends chunks) only once the whole store has loaded, so an
 * open that fails changes nothing.
 */
import type { DataFile } from './data-file.js';
import { appendHintChunk, HintChunkBuilder } from './hint-writer.js';
import { scanRecords, type ScannedRecord, type ScanOutcome } from './record-scanner.js';

/** What a scan found beyond the hint's coverage, not yet acted on. */
export interface UncoveredScan {
  outcome: ScanOutcome;
  /** The hint chunk for the scanned records, iff one was asked for. */
  chunk: HintChunkBuilder | undefined;
}

/**
 * Scans `file` from its hint coverage to its end, calling `onRecord` for each committed record;
 * changes nothing. Throws CORRUPTION for damage, and for any bad tail unless `tornTailAllowed`.
 */
export function scanUncovered(file: DataFile, buildChunk: boolean, tornTailAllowed: boolean, onRecord?: (rec: ScannedRecord) => void): UncoveredScan {
  const chunk = buildChunk ? new HintChunkBuilder() : undefined;
  const outcome = scanRecords(
    file.fd,
    file.name,
    file.size,
    file.hintCovered,
    (rec) => {
      onRecord?.(rec);
      chunk?.add(rec.timestamp, rec.flags, rec.key, rec.valueSize, rec.offset);
    },
    tornTailAllowed,
  );
  return { outcome, chunk };
}

/** Acts on a scan of a writable file: cuts its torn tail, then makes it durable and appends the hint chunk. */
export function commitScan(file: DataFile, scan: UncoveredScan): void {
  const { outcome, chunk } = scan;
  if (outcome.tornBytes > 0) file.truncate(outcome.validEnd);
  if (chunk !== undefined && outcome.validEnd > file.hintCovered) {
    // A hint may only cover durable bytes, or a power loss could leave it pointing at nothing.
    file.fsync();
    const bytes = chunk.finish(outcome.validEnd);
    appendHintChunk(file.hintPath, file.hintLength, bytes);
    file.hintLength += bytes.length;
    file.hintCovered = outcome.validEnd;
  }
}

/**
 * Scans `file` from its hint coverage to its end, calling `onRecord` for each committed record.
 * Writable: truncates a torn tail and appends a hint chunk. Read-only: only shortens `file.size`.
 */
export function extendHint(file: DataFile, writable: boolean, onRecord?: (rec: ScannedRecord) => void, tornTailAllowed = true): ScanOutcome {
  const scan = scanUncovered(file, writable, tornTailAllowed, onRecord);
  if (writable) commitScan(file, scan);
  else if (scan.outcome.tornBytes > 0) file.size = scan.outcome.validEnd;
  return scan.outcome;
}
