/**
 * Extends a data file's hint to cover the whole file: scans the records the hint does not yet
 * cover, cuts off a torn tail, and appends one hint chunk for them. Used at open (for what
 * the previous process left uncovered), when a file is sealed, and at close.
 */
import type { DataFile } from './data-file.js';
import { appendHintChunk, HintChunkBuilder } from './hint-writer.js';
import { scanRecords, type ScannedRecord, type ScanOutcome } from './record-scanner.js';

/**
 * Scans `file` from its hint coverage to its end, calling `onRecord` for each committed record.
 * Writable: truncates a torn tail and appends a hint chunk. Read-only: only shortens `file.size`.
 */
export function extendHint(file: DataFile, writable: boolean, onRecord?: (rec: ScannedRecord) => void, tornTailAllowed = true): ScanOutcome {
  const from = file.hintCovered;
  const builder = writable ? new HintChunkBuilder() : undefined;
  const outcome = scanRecords(file.fd, file.name, file.size, from, (rec) => {
    onRecord?.(rec);
    builder?.add(rec.timestamp, rec.flags, rec.key, rec.valueSize, rec.offset);
  }, tornTailAllowed);
  if (outcome.tornBytes > 0) {
    if (writable) file.truncate(outcome.validEnd);
    else file.size = outcome.validEnd;
  }
  if (builder !== undefined && outcome.validEnd > from) {
    // A hint may only cover durable bytes, or a power loss could leave it pointing at nothing.
    file.fsync();
    const chunk = builder.finish(outcome.validEnd);
    appendHintChunk(file.hintPath, file.hintLength, chunk);
    file.hintLength += chunk.length;
    file.hintCovered = outcome.validEnd;
  }
  return outcome;
}
