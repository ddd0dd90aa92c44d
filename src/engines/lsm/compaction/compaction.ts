/**
 * Compaction mechanism: merges the input tables of a pick (compaction-policy.ts decides which)
 * into new tables of the next level, cut at the target file size on user-key boundaries, and
 * drops what no reader can see any more:
 * - a version shadowed by a newer version of the same key that every snapshot sees;
 * - a deletion marker every snapshot sees, when no deeper level can hold the key.
 *
 * Runs in slices: after about `sliceBytes` of input it awaits `ctx.yieldPoint()`, which returns
 * to the event loop (setImmediate) so reads and writes interleave with the merge, and lets the
 * engine flush an immutable memtable meanwhile. Inputs stay readable throughout: they are pinned
 * by the version the compaction started from, and outputs are not visible until the engine
 * applies the returned edit.
 */
import { rmSync } from 'node:fs';
import { compareBytes } from '../../../util/bytes.js';
import { EntryKind } from '../entry.js';
import type { InternalIterator } from '../iterator.js';
import { ConcatIterator } from '../iterators/concat-iterator.js';
import { MergingIterator } from '../iterators/merge-iterator.js';
import type { FileMeta } from '../manifest/version-edit.js';
import { TableBuilder, type TableOptions } from '../sstable/table-builder.js';
import { tablePath } from '../file-names.js';
import { totalBytes, type Version } from '../version/version.js';
import type { CompactionPick } from './compaction-policy.js';

export interface CompactionContext {
  dir: string;
  tableOptions: TableOptions;
  targetFileSize: number;
  sliceBytes: number;
  /** Sequence number of the oldest snapshot a reader holds (the last sequence if none). */
  smallestSnapshot: number;
  openTable(file: FileMeta): InternalIterator;
  /** A new file number, recorded as a pending output so that cleanup leaves the file alone. */
  newOutputNumber(): number;
  /** Awaited between slices; throws to abandon the compaction (the store is closing). */
  yieldPoint(): Promise<void>;
}

export interface CompactionResult {
  outputs: FileMeta[];
  bytesRead: number;
  bytesWritten: number;
  entriesRead: number;
  entriesWritten: number;
  shadowedDropped: number;
  tombstonesDropped: number;
}

/** Runs the merge and returns the new tables; on failure deletes every output it wrote. */
export async function runCompaction(version: Version, pick: CompactionPick, ctx: CompactionContext): Promise<CompactionResult> {
  const levelIterator = (files: FileMeta[]): InternalIterator[] => {
    if (files.length === 0) return [];
    if (pick.level === 0 && files === pick.inputs) return [...files].sort((a, b) => b.number - a.number).map((f) => ctx.openTable(f)); // newest first
    return [new ConcatIterator(files, (i) => ctx.openTable(files[i]!))];
  };
  const input = new MergingIterator([...levelIterator(pick.inputs), ...levelIterator(pick.nextInputs)]);
  const isBaseLevelForKey = baseLevelCheck(version, pick.outputLevel + 1);
  const result: CompactionResult = { outputs: [], bytesRead: totalBytes(pick.inputs) + totalBytes(pick.nextInputs), bytesWritten: 0, entriesRead: 0, entriesWritten: 0, shadowedDropped: 0, tombstonesDropped: 0 };
  let builder: TableBuilder | undefined;
  let builderNumber = 0;
  const finishOutput = (): void => {
    const meta = builder!.finish();
    builder = undefined;
    result.outputs.push({ number: builderNumber, fileSize: meta.fileSize, entryCount: meta.entryCount, smallest: meta.smallest, largest: meta.largest });
    result.bytesWritten += meta.fileSize;
  };
  let currentKey: Buffer | undefined;
  let lastSeqForKey = 0;
  let sliced = 0;
  try {
    for (input.seekToFirst(); input.valid(); input.next()) {
      const key = input.key();
      const seq = input.seq();
      result.entriesRead++;
      sliced += key.length + input.value().length;
      const newKey = currentKey === undefined || !currentKey.equals(key);
      if (newKey) {
        currentKey = Buffer.from(key);
        lastSeqForKey = Infinity;
      }
      let drop = false;
      if (lastSeqForKey <= ctx.smallestSnapshot) {
        drop = true; // a newer version of this key is visible to every snapshot
        result.shadowedDropped++;
      } else if (input.kind() === EntryKind.DELETION && seq <= ctx.smallestSnapshot && isBaseLevelForKey(key)) {
        drop = true; // nothing older can be under it: the marker has done its job
        result.tombstonesDropped++;
      }
      lastSeqForKey = seq;
      if (!drop) {
        if (builder !== undefined && newKey && builder.estimatedSize() >= ctx.targetFileSize) finishOutput();
        if (builder === undefined) {
          builderNumber = ctx.newOutputNumber();
          builder = new TableBuilder(tablePath(ctx.dir, builderNumber), ctx.tableOptions);
        }
        builder.add(key, seq, input.kind(), input.value());
        result.entriesWritten++;
      }
      if (sliced >= ctx.sliceBytes) {
        sliced = 0;
        await ctx.yieldPoint();
      }
    }
    if (builder !== undefined) finishOutput();
    return result;
  } catch (err) {
    builder?.abandon();
    for (const f of result.outputs) removeQuietly(tablePath(ctx.dir, f.number));
    throw err;
  } finally {
    input.close();
  }
}

/**
 * A test "no level from `from` down holds `key`" for keys given in ascending order: one cursor
 * per level that only moves forward, as LevelDB's IsBaseLevelForKey.
 */
function baseLevelCheck(version: Version, from: number): (key: Buffer) => boolean {
  const cursors = version.levels.map(() => 0);
  return (key) => {
    for (let level = from; level < version.levels.length; level++) {
      const files = version.levels[level]!;
      while (cursors[level]! < files.length) {
        const f = files[cursors[level]!]!;
        if (compareBytes(key, f.largest) <= 0) {
          if (compareBytes(key, f.smallest) >= 0) return false;
          break;
        }
        cursors[level] = cursors[level]! + 1;
      }
    }
    return true;
  };
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // a leftover output is not referenced by the manifest; the next open deletes it
  }
}
