/**
 * The read path over one state of the store: point reads search memtable, immutable memtable,
 * level-0 tables newest first, then one table per deeper level, skipping tables whose key range
 * (or bloom filter, inside TableReader.get) excludes the key; scans merge all of those sources
 * under a DB iterator. Synchronous; a scan reads through a view (openView) that pins the version
 * and the sequence number it reads, so compaction neither deletes its tables nor drops what it sees.
 */
import { DbIterator, type DbIteratorRange } from './db-iterator.js';
import type { FoundEntry } from './entry.js';
import type { InternalIterator } from './iterator.js';
import { compareRange } from './sstable/block-reader.js';
import { bloomHash } from './sstable/bloom.js';
import { ConcatIterator } from './iterators/concat-iterator.js';
import { MergingIterator } from './iterators/merge-iterator.js';
import type { Memtable } from './memtable/memtable.js';
import type { StoreState } from './store-state.js';
import type { TableCache } from './table-cache.js';
import type { Version } from './version/version.js';

export interface ReadState {
  mem: Memtable;
  imm: Memtable | undefined;
  version: Version;
  tables: TableCache;
}

/**
 * Fills `out` with the newest entry of `key` with sequence <= `seq` (a value or a deletion
 * marker); false iff there is none. The value stays in the source's buffer: copy it before the
 * next lookup. Hashes the key for the bloom filters once, whatever the number of tables probed.
 */
export function lookup(s: ReadState, key: Buffer, seq: number, out: FoundEntry): boolean {
  if (s.mem.find(key, seq, out)) return true;
  if (s.imm !== undefined && s.imm.find(key, seq, out)) return true;
  const levels = s.version.levels;
  let hash = -1;
  const l0 = levels[0]!;
  for (let i = l0.length - 1; i >= 0; i--) {
    const f = l0[i]!;
    if (compareRange(key, 0, key.length, f.smallest) < 0 || compareRange(key, 0, key.length, f.largest) > 0) continue;
    if (hash < 0) hash = bloomHash(key);
    if (s.tables.get(f.number).find(key, seq, hash, out)) return true;
  }
  for (let level = 1; level < levels.length; level++) {
    const files = levels[level]!;
    if (files.length === 0) continue;
    const f = files[s.version.findFile(level, key)];
    if (f === undefined || compareRange(key, 0, key.length, f.smallest) < 0) continue;
    if (hash < 0) hash = bloomHash(key);
    if (s.tables.get(f.number).find(key, seq, hash, out)) return true;
  }
  return false;
}

/** A DB iterator over every source that may hold keys within `range`, as of `seq`. */
export function dbIterator(s: ReadState, range: DbIteratorRange, seq: number): DbIterator {
  const children: InternalIterator[] = [s.mem.iterator()];
  try {
    if (s.imm !== undefined) children.push(s.imm.iterator());
    const lower = range.lower?.key;
    const upper = range.upper?.key;
    const l0 = s.version.overlapping(0, lower, upper).sort((a, b) => b.number - a.number); // newest first
    for (const f of l0) children.push(s.tables.get(f.number).iterator());
    for (let level = 1; level < s.version.levels.length; level++) {
      const files = s.version.overlapping(level, lower, upper);
      if (files.length > 0) children.push(new ConcatIterator(files, (i) => s.tables.get(files[i]!.number).iterator()));
    }
  } catch (err) {
    for (const c of children) c.close();
    throw err;
  }
  return new DbIterator(new MergingIterator(children), seq, range);
}

/** A scan's pinned read state: an iterator over a referenced version, a sequence number and the memtables of that moment. */
export interface ReadView {
  it: DbIterator;
  seq: number;
  /** Closes the iterator and unpins; idempotent. */
  release(): void;
}

/** A view of the current state of `s` within `range`, pinned until release(). */
export function openView(s: StoreState, range: DbIteratorRange): ReadView {
  const version = s.vs.current;
  const seq = s.vs.lastSequence;
  version.ref();
  const unpin = s.snapshots.pin(seq);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    unpin();
    version.unref();
  };
  try {
    const it = dbIterator({ mem: s.mem, imm: s.imm, version, tables: s.tables }, range, seq);
    return {
      it,
      seq,
      release: () => {
        it.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
