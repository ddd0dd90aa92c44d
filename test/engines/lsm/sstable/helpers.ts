/** Shared helpers for the table-layer tests: temp dirs, entry lists, building and reading tables. */
import * as path from 'node:path';
import { EntryKind, compareInternal } from '../../../../src/engines/lsm/entry.js';
import type { Entry } from '../../../../src/engines/lsm/iterators/array-iterator.js';
import type { InternalIterator } from '../../../../src/engines/lsm/iterator.js';
import { BlockCache } from '../../../../src/engines/lsm/sstable/block-cache.js';
import { TableBuilder, DEFAULT_TABLE_OPTIONS, type TableMeta, type TableOptions } from '../../../../src/engines/lsm/sstable/table-builder.js';
import { TableReader, newReadCounters, type ReadCounters } from '../../../../src/engines/lsm/sstable/table-reader.js';
import { tempStoreDir } from '../../../support/temp-store-dir.js';


/** A fresh temporary directory, removed after the test file. */
export function tempDir(tag = 'sst'): string {
  return tempStoreDir(`lsm-${tag}`);
}

export const b = (s: string): Buffer => Buffer.from(s, 'latin1');

export function value(key: string, seq: number, kind: EntryKind = EntryKind.VALUE): Entry {
  return { key: b(key), seq, kind, value: kind === EntryKind.VALUE ? b(`v:${key}@${seq}`) : Buffer.alloc(0) };
}

/** `entries` sorted into internal order. */
export function sortInternal(entries: Entry[]): Entry[] {
  return [...entries].sort((x, y) => compareInternal(x.key, x.seq, y.key, y.seq));
}

/** `n` distinct keys "key000000".. with `versions` versions each (newest seq first), in internal order. */
export function numberedEntries(n: number, versions = 1): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    for (let v = versions; v >= 1; v--) out.push(value(`key${String(i).padStart(6, '0')}`, i * versions + v));
  }
  return out;
}

export interface BuiltTable {
  file: string;
  meta: TableMeta;
  reader: TableReader;
  cache: BlockCache;
  counters: ReadCounters;
}

/** Builds `entries` into `dir/name` and opens it. */
export function buildTable(dir: string, entries: readonly Entry[], options: Partial<TableOptions> = {}, name = '000001.sst', cacheBytes = 1 << 20): BuiltTable {
  const file = path.join(dir, name);
  const builder = new TableBuilder(file, { ...DEFAULT_TABLE_OPTIONS, ...options });
  for (const e of entries) builder.add(e.key, e.seq, e.kind, e.value);
  const meta = builder.finish();
  const cache = new BlockCache(cacheBytes);
  const counters = newReadCounters();
  return { file, meta, cache, counters, reader: TableReader.open(file, 1, cache, counters) };
}

/** Plain snapshot of an entry (copies, since iterators may reuse buffers). */
export function snap(it: InternalIterator): { key: string; seq: number; kind: number; value: string } {
  return { key: it.key().toString('latin1'), seq: it.seq(), kind: it.kind(), value: it.value().toString('latin1') };
}

export function plain(e: Entry): { key: string; seq: number; kind: number; value: string } {
  return { key: e.key.toString('latin1'), seq: e.seq, kind: e.kind, value: e.value.toString('latin1') };
}

export function forwardAll(it: InternalIterator): ReturnType<typeof snap>[] {
  const out = [];
  for (it.seekToFirst(); it.valid(); it.next()) out.push(snap(it));
  return out;
}

export function backwardAll(it: InternalIterator): ReturnType<typeof snap>[] {
  const out = [];
  for (it.seekToLast(); it.valid(); it.prev()) out.push(snap(it));
  return out;
}
