/**
 * Undoes a merge that failed before FILESET listed its outputs (a full disk, typically): points
 * every key the merge had already moved into an output back at the input record it was copied
 * from, then deletes the outputs, so the space they hold comes back at once instead of at the
 * next open. The inputs are untouched and complete, so this loses nothing.
 *
 * Why the right input record is found: a key was copied from the record the keydir pointed at,
 * its latest; and a key still pointing into an output has not been written since. Walking the
 * inputs newest first, the last record of the key in the first input that has one is that record.
 *
 * Concurrency: yields to the event loop between input files, like the merge; writes meanwhile go
 * to the active file, so a key they touch simply no longer points into an output.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DataFile } from './data-file.js';
import type { FileTable } from './file-table.js';
import { readHint, readHintFile } from './hint-reader.js';
import { FLAG_TOMBSTONE, HEADER_SIZE } from './record-format.js';
import { scanRecords } from './record-scanner.js';

interface Location {
  offset: number;
  valueSize: number;
  timestamp: number;
  flags: number;
}

/** The last record of each key in `input` (keys as latin1 strings, one char per byte). */
function lastRecordsOf(input: DataFile): Map<string, Location> {
  const last = new Map<string, Location>();
  const note = (key: Buffer, offset: number, valueSize: number, timestamp: number, flags: number): void => {
    last.set(key.toString('latin1'), { offset, valueSize, timestamp, flags });
  };
  if (input.hintCovered === input.size) {
    readHint(readHintFile(input.hintPath), input.size, (e) => note(e.key, e.offset, e.valueSize, e.timestamp, e.flags));
  } else {
    scanRecords(input.fd, input.name, input.size, 0, (r) => note(r.key, r.offset, r.valueSize, r.timestamp, r.flags));
  }
  return last;
}

function pointingInto(table: FileTable, outputs: ReadonlySet<number>): number {
  let n = 0;
  table.keydir.forEach((h) => {
    if (outputs.has(table.keydir.fileId(h))) n++;
  });
  return n;
}

/**
 * Repoints keys from `outputs` back to `inputs` (oldest first, as merged) and deletes the outputs.
 * Throws, keeping every output, if some key cannot be repointed (which would be a bug).
 */
export async function abandonMerge(table: FileTable, inputs: readonly DataFile[], outputs: readonly DataFile[]): Promise<void> {
  if (outputs.length === 0) return;
  const kd = table.keydir;
  const doomed = new Set(outputs.map((f) => f.index));
  for (let i = inputs.length - 1; i >= 0 && pointingInto(table, doomed) > 0; i--) {
    const input = inputs[i]!;
    for (const [latin1, loc] of lastRecordsOf(input)) {
      if ((loc.flags & FLAG_TOMBSTONE) !== 0) continue;
      const key = Buffer.from(latin1, 'latin1');
      const h = kd.find(key);
      if (h < 0 || !doomed.has(kd.fileId(h))) continue;
      const size = HEADER_SIZE + key.length + loc.valueSize;
      table.byIndex(kd.fileId(h)).liveBytes -= HEADER_SIZE + key.length + kd.valueSize(h);
      input.liveBytes += size;
      kd.update(h, input.index, loc.offset, loc.valueSize, loc.timestamp);
    }
    await yieldToEventLoop();
  }
  const stranded = pointingInto(table, doomed);
  if (stranded > 0) throw new Error(`abandoning a failed merge left ${stranded} keys in its outputs; outputs kept (this is a bug)`);
  for (const output of outputs) {
    table.delete(output);
    output.remove();
  }
}
