/**
 * The statistics object of the LSM engine (`kvs stats`): per-level files with sizes and key
 * ranges, memtables, read-path counters (bloom filter, block cache), bytes written by the WAL,
 * flushes and compactions, and write amplification.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCK_FILE } from '../shared/dir-lock.js';
import type { EngineStats, StatValue } from '../../engine/types.js';
import { directorySizeSync } from '../../util/fs.js';
import { levelBudget, levelScores } from './compaction/compaction-policy.js';
import { tableFileName } from './file-names.js';
import type { TornTail } from './recovery.js';
import type { StoreState } from './store-state.js';

/** Counters the engine keeps since open. */
export interface EngineCounters {
  /** Key and value bytes of every write accepted. */
  userBytesWritten: number;
  walBytesWritten: number;
  flushBytesWritten: number;
  compactionBytesRead: number;
  compactionBytesWritten: number;
  flushes: number;
  compactions: number;
  trivialMoves: number;
  writeSlowdowns: number;
  writeStalls: number;
  openMs: number;
  lastBackgroundError: string | null;
}

export function newCounters(): EngineCounters {
  return {
    userBytesWritten: 0,
    walBytesWritten: 0,
    flushBytesWritten: 0,
    compactionBytesRead: 0,
    compactionBytesWritten: 0,
    flushes: 0,
    compactions: 0,
    trivialMoves: 0,
    writeSlowdowns: 0,
    writeStalls: 0,
    openMs: 0,
    lastBackgroundError: null,
  };
}

/**
 * Bytes of the store's files in `dir`: what `du` shows once the store is closed. The lock (a
 * LOCK/ directory, or an old-format LOCK file) exists only while the store is open and is not
 * counted, so compact()'s bytesAfter, stats' diskBytes and du agree (issue 17).
 */
export function storeBytes(dir: string): number {
  const lock = fs.statSync(path.join(dir, LOCK_FILE), { throwIfNoEntry: false });
  return directorySizeSync(dir) - (lock?.isFile() === true ? lock.size : 0);
}

/** A key for people: printable ASCII as is, anything else as hex. */
export function displayKey(key: Buffer): string {
  for (const byte of key) if (byte < 0x20 || byte > 0x7e) return `0x${key.toString('hex')}`;
  return key.toString('latin1');
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The stats of store `s`, which holds `keys` keys; `tornTails` are the WAL and manifest tails cut at open. */
export function buildStats(s: StoreState, engine: string, keys: number, tornTails: TornTail[]): EngineStats {
  const { counters: c, options: o, vs } = s;
  const version = vs.current;
  const scores = levelScores(version, o);
  const levels: StatValue[] = version.levels.map((files, level) => ({
    level,
    files: files.length,
    bytes: version.levelBytes(level),
    budget: level === 0 ? `${o.l0CompactionTrigger} files` : String(levelBudget(level, o)),
    score: level < scores.length ? round2(scores[level]!) : null,
  }));
  const tables: StatValue[] = version.levels.flatMap((files, level) =>
    files.map((f) => ({ level, file: tableFileName(f.number), bytes: f.fileSize, entries: f.entryCount, smallest: displayKey(f.smallest), largest: displayKey(f.largest) })),
  );
  const cache = s.tables.blockCache;
  const read = s.tables.counters;
  return {
    engine,
    keys,
    diskBytes: storeBytes(s.dir),
    syncPolicy: s.sync,
    lastSequence: vs.lastSequence,
    memtableBytes: s.mem.approximateBytes,
    memtableEntries: s.mem.entryCount,
    immutableMemtableBytes: s.imm?.approximateBytes ?? 0,
    memtableSize: o.memtableSize,
    walFile: s.wal === undefined ? null : path.basename(s.wal.path),
    manifestFile: vs.manifestFile === undefined ? null : path.basename(vs.manifestFile),
    levels,
    tables,
    openTables: s.tables.openCount,
    bloomChecks: read.bloomChecks,
    bloomNegatives: read.bloomNegatives,
    blockReads: read.blockReads,
    blockCacheHits: cache.hits,
    blockCacheMisses: cache.misses,
    blockCacheBytes: cache.usedBytes(),
    blockCacheCapacityBytes: cache.capacity,
    userBytesWrittenSinceOpen: c.userBytesWritten,
    walBytesWrittenSinceOpen: c.walBytesWritten,
    flushBytesWrittenSinceOpen: c.flushBytesWritten,
    compactionBytesReadSinceOpen: c.compactionBytesRead,
    compactionBytesWrittenSinceOpen: c.compactionBytesWritten,
    // LevelDB's measure: table bytes written (flushes + compactions) per byte the user wrote.
    writeAmplification: c.userBytesWritten === 0 ? 0 : round2((c.flushBytesWritten + c.compactionBytesWritten) / c.userBytesWritten),
    flushesSinceOpen: c.flushes,
    compactionsSinceOpen: c.compactions,
    trivialMovesSinceOpen: c.trivialMoves,
    writeSlowdownsSinceOpen: c.writeSlowdowns,
    writeStallsSinceOpen: c.writeStalls,
    fsyncsSinceOpen: s.groupSync.count,
    compactionPolicy: o.autoCompact
      ? `L0 at ${o.l0CompactionTrigger} files; L1 over ${o.level1MaxBytes} bytes, x${o.levelSizeRatio} per level; highest score first`
      : 'off (compact only)',
    writeStallRule: `1 ms delay of each write's acknowledgment (the write itself is applied at once) from ${o.l0SlowdownTrigger} L0 files; a memtable switch waits at ${o.l0StopTrigger} L0 files or while the previous memtable is flushing`,
    openMs: round2(c.openMs),
    lastBackgroundError: c.lastBackgroundError,
    tornTailsCut: tornTails.map((t) => ({ file: t.file, offset: t.offset, bytes: t.bytes, reason: t.reason })),
  };
}
