/**
 * The mutable state of one open LSM store, shared by the engine, the background worker and the
 * write-stall rule. Concurrency: one event loop; fields change only in synchronous code.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { EngineOpenOptions, SyncPolicy } from '../../engine/types.js';
import { GroupSync } from '../shared/group-sync.js';
import type { EngineCounters } from './lsm-stats.js';
import type { Memtable } from './memtable/memtable.js';
import type { LsmOptions } from './options.js';
import type { Recovered } from './recovery.js';
import { SnapshotList } from './snapshots.js';
import type { TableOptions } from './sstable/table-builder.js';
import { TableCache } from './table-cache.js';
import type { VersionSet } from './version/version-set.js';
import type { LogWriter } from './wal/wal-writer.js';

export interface StoreState {
  readonly dir: string;
  readonly readOnly: boolean;
  readonly options: LsmOptions;
  readonly tableOptions: TableOptions;
  readonly sync: SyncPolicy;
  readonly vs: VersionSet;
  readonly tables: TableCache;
  readonly counters: EngineCounters;
  /** Group commit over the current WAL (an fsync covers every writer waiting for it). */
  readonly groupSync: GroupSync;
  readonly snapshots: SnapshotList;
  /** Files being written by a flush or compaction: cleanup must not delete them. */
  readonly pendingOutputs: Set<number>;
  /** The memtable taking writes, and its WAL (undefined when read-only). */
  mem: Memtable;
  wal: LogWriter | undefined;
  /** A full memtable waiting for its flush, and its WAL, kept open until the flush is recorded. */
  imm: Memtable | undefined;
  immWal: LogWriter | undefined;
  /** close() has begun: no automatic compaction starts, and a running one stops at its next slice. */
  closing: boolean;
  /** close() has released the files and the lock: nothing may touch the directory any more. */
  released: boolean;
  /** A failed WAL write or fsync: acknowledged writes may not be durable; writes stop. */
  fatal: unknown;
  /** A failed flush or compaction: writes stop (they could not be flushed), reads go on. */
  bgError: unknown;
}

/** The state of a store just recovered (recovery.ts) from `opts.dir`. */
export function newStoreState(opts: EngineOpenOptions, options: LsmOptions, tableOptions: TableOptions, recovered: Recovered, counters: EngineCounters): StoreState {
  const s: StoreState = {
    dir: opts.dir,
    readOnly: opts.readOnly,
    options,
    tableOptions,
    sync: opts.sync,
    vs: recovered.vs,
    tables: new TableCache(opts.dir, options.blockCacheSize),
    counters,
    groupSync: new GroupSync(() => s.wal!.fsyncAsync()),
    snapshots: new SnapshotList(),
    pendingOutputs: new Set(),
    mem: recovered.mem,
    wal: recovered.wal,
    imm: undefined,
    immWal: undefined,
    closing: false,
    released: false,
    fatal: undefined,
    bgError: undefined,
  };
  return s;
}

/** Throws IO_ERROR iff a failure has stopped writes (`fatal` or `bgError`). */
export function throwIfBroken(s: StoreState): void {
  const cause = s.fatal ?? s.bgError;
  if (cause === undefined) return;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const what = s.fatal !== undefined ? 'a failed write-ahead log write or fsync' : 'a failed flush or compaction';
  throw new KvsError(ErrorCodes.IO_ERROR, `the lsm store at ${s.dir} stopped accepting writes after ${what} (${reason}); close and reopen it to recover`, { cause });
}
