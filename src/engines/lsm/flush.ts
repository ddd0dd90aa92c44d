/**
 * Flush: writes an immutable memtable to one SSTable, in slices so reads and writes interleave.
 * A flush keeps, per key, the newest version and every older one a pinned snapshot (an open scan)
 * can still see; the others are shadowed and dropped here rather than left for a compaction that
 * may never reach them (compaction.ts applies the same rule). The table is fsynced by
 * TableBuilder.finish(); the caller fsyncs the directory and records the table in the manifest
 * before the memtable's WAL may go.
 *
 * The background thread (compaction-thread.ts) writes the table from a copy of the kept entries,
 * made here on the event loop in slices. The copy lives only in memory, between two threads:
 *   entries  := entry*
 *   entry    := keyLength:u32le valueLength:u32le kind:u8 seq:f64le key value
 * Sequence numbers stay below 2^53, so a double holds them exactly.
 */
import { tablePath } from './file-names.js';
import type { EntryKind } from './entry.js';
import type { FileMeta } from './manifest/version-edit.js';
import type { Memtable } from './memtable/memtable.js';
import { TableBuilder, type TableOptions } from './sstable/table-builder.js';

const ENTRY_HEADER = 17;

/**
 * Calls `add` for each entry of `mem` a table needs, in internal order (key ascending, newest
 * first), pausing at `yieldPoint` after about `sliceBytes`. Drops a version when a newer one of
 * the same key is visible to every snapshot (its sequence <= `smallestSnapshot`).
 */
async function keptEntries(
  mem: Memtable,
  smallestSnapshot: number,
  sliceBytes: number,
  yieldPoint: () => Promise<void>,
  add: (key: Buffer, seq: number, kind: EntryKind, value: Buffer) => void,
): Promise<void> {
  const it = mem.iterator();
  try {
    let sliced = 0;
    let lastKey: Buffer | undefined;
    let lastSeq = Infinity;
    for (it.seekToFirst(); it.valid(); it.next()) {
      const key = it.key();
      const seq = it.seq();
      if (lastKey !== undefined && lastSeq <= smallestSnapshot && lastKey.equals(key)) continue; // shadowed for every reader
      if (lastKey === undefined || !lastKey.equals(key)) lastKey = key; // memtable keys are stable views: no copy needed
      lastSeq = seq;
      const value = it.value();
      add(key, seq, it.kind(), value);
      sliced += key.length + value.length;
      if (sliced >= sliceBytes) {
        sliced = 0;
        await yieldPoint();
      }
    }
  } finally {
    it.close();
  }
}

/**
 * The table written from `mem` as file `number` on this thread, or undefined iff `mem` is empty
 * (no file is left behind). `smallestSnapshot` defaults to "no reader pinned" (recovery).
 */
export async function flushMemtable(
  mem: Memtable,
  dir: string,
  number: number,
  tableOptions: TableOptions,
  sliceBytes: number,
  yieldPoint: () => Promise<void>,
  smallestSnapshot = Number.MAX_SAFE_INTEGER,
): Promise<FileMeta | undefined> {
  if (mem.entryCount === 0) return undefined;
  const builder = new TableBuilder(tablePath(dir, number), tableOptions);
  try {
    await keptEntries(mem, smallestSnapshot, sliceBytes, yieldPoint, (key, seq, kind, value) => builder.add(key, seq, kind, value));
    const meta = builder.finish();
    return { number, fileSize: meta.fileSize, entryCount: meta.entryCount, smallest: meta.smallest, largest: meta.largest };
  } catch (err) {
    builder.abandon();
    throw err;
  }
}

/** The entries of `mem` a table needs, encoded as above for the background thread, or undefined iff there are none. */
export async function encodeFlushEntries(mem: Memtable, smallestSnapshot: number, sliceBytes: number, yieldPoint: () => Promise<void>): Promise<Buffer | undefined> {
  if (mem.entryCount === 0) return undefined;
  // Its own ArrayBuffer (not the pool's), so that it can be transferred rather than copied.
  let buf = Buffer.from(new ArrayBuffer(mem.approximateBytes + mem.entryCount * ENTRY_HEADER));
  let at = 0;
  await keptEntries(mem, smallestSnapshot, sliceBytes, yieldPoint, (key, seq, kind, value) => {
    const need = at + ENTRY_HEADER + key.length + value.length;
    if (need > buf.length) {
      const bigger = Buffer.from(new ArrayBuffer(Math.max(need, buf.length * 2)));
      bigger.set(buf.subarray(0, at));
      buf = bigger;
    }
    buf.writeUInt32LE(key.length, at);
    buf.writeUInt32LE(value.length, at + 4);
    buf[at + 8] = kind;
    buf.writeDoubleLE(seq, at + 9);
    buf.set(key, at + ENTRY_HEADER);
    buf.set(value, at + ENTRY_HEADER + key.length);
    at = need;
  });
  return buf.subarray(0, at);
}

/** Writes table `number` from entries encoded by encodeFlushEntries (on the background thread). */
export function writeFlushTable(entries: Buffer, dir: string, number: number, tableOptions: TableOptions): FileMeta {
  const builder = new TableBuilder(tablePath(dir, number), tableOptions);
  try {
    let at = 0;
    while (at < entries.length) {
      // The buffer was made by encodeFlushEntries in this process: lengths are checked only against its end.
      const keyLength = entries.readUInt32LE(at);
      const valueLength = entries.readUInt32LE(at + 4);
      const kind = entries[at + 8] as EntryKind;
      const seq = entries.readDoubleLE(at + 9);
      const keyAt = at + ENTRY_HEADER;
      const end = keyAt + keyLength + valueLength;
      if (end > entries.length) throw new Error(`flush entries end inside an entry at ${at}`);
      builder.add(entries.subarray(keyAt, keyAt + keyLength), seq, kind, entries.subarray(keyAt + keyLength, end));
      at = end;
    }
    const meta = builder.finish();
    return { number, fileSize: meta.fileSize, entryCount: meta.entryCount, smallest: meta.smallest, largest: meta.largest };
  } catch (err) {
    builder.abandon();
    throw err;
  }
}
