/**
 * Flush: writes an immutable memtable to one SSTable, every entry in internal order (old
 * versions included; compaction drops them), in slices so reads and writes interleave. The
 * table is fsynced by TableBuilder.finish(); the caller fsyncs the directory and records the
 * table in the manifest before the memtable's WAL may go.
 */
import { tablePath } from './file-names.js';
import type { FileMeta } from './manifest/version-edit.js';
import type { Memtable } from './memtable/memtable.js';
import { TableBuilder, type TableOptions } from './sstable/table-builder.js';

/** The table written from `mem` as file `number`, or undefined iff `mem` is empty (no file is left behind). */
export async function flushMemtable(
  mem: Memtable,
  dir: string,
  number: number,
  tableOptions: TableOptions,
  sliceBytes: number,
  yieldPoint: () => Promise<void>,
): Promise<FileMeta | undefined> {
  if (mem.entryCount === 0) return undefined;
  const builder = new TableBuilder(tablePath(dir, number), tableOptions);
  const it = mem.iterator();
  try {
    let sliced = 0;
    for (it.seekToFirst(); it.valid(); it.next()) {
      builder.add(it.key(), it.seq(), it.kind(), it.value());
      sliced += it.key().length + it.value().length;
      if (sliced >= sliceBytes) {
        sliced = 0;
        await yieldPoint();
      }
    }
    const meta = builder.finish();
    return { number, fileSize: meta.fileSize, entryCount: meta.entryCount, smallest: meta.smallest, largest: meta.largest };
  } catch (err) {
    builder.abandon();
    throw err;
  } finally {
    it.close();
  }
}
