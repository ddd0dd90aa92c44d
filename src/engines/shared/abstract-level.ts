/**
 * What the adapters over LevelDB-family libraries share: classic-level (abstract-level) and the
 * rocksdb package (abstract-leveldown) take the same open options, batch operations and iterator
 * ranges, and keep their files in a folder of their own inside the store directory.
 * Engines never import each other, so this lives in engines/shared; it imports only the engine contract.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { KeyRange } from '../../engine/key-range.js';
import type { CompactResult } from '../../engine/types.js';
import type { OptionSpec } from './options.js';
import type { PendingWrite } from './write-pipeline.js';

const SIZE = { type: 'integer', min: 1, unit: '(bytes or a count)' } as const satisfies OptionSpec;

/** The engine options both libraries' open() accept from us: LevelDB's tuning knobs. */
export const LEVELDB_TUNING = {
  cacheSize: SIZE,
  writeBufferSize: SIZE,
  blockSize: SIZE,
  maxFileSize: SIZE,
  maxOpenFiles: SIZE,
  compression: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

/**
 * REQUIRES a read-only open. Throws STORE_NOT_FOUND iff `dbDir` holds no database (no CURRENT
 * file). Checked before the library opens it: the library would create the folder and its LOCK
 * file before failing, and a read command must change nothing on disk.
 */
export function requireDatabase(storeDir: string, dbDir: string, library: string): void {
  if (fs.existsSync(path.join(dbDir, 'CURRENT'))) return;
  throw new KvsError(
    ErrorCodes.STORE_NOT_FOUND,
    `no ${library} database in ${dbDir}; the store marker is there but its data folder is missing: restore it, or remove the directory and start afresh`,
    { details: { dir: storeDir } },
  );
}

/** `op` as a batch operation (`put`, or `del` for a delete). */
export function toPutOrDel(op: PendingWrite): { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer } {
  return op.value === undefined ? { type: 'del', key: op.key } : { type: 'put', key: op.key, value: op.value };
}

/** The iterator options for `range` with `remaining` entries to go: gt/gte/lt/lte, reverse, and limit (-1 for none). */
export function rangeOptions(range: KeyRange, remaining: number): Record<string, unknown> {
  const o: Record<string, unknown> = { reverse: range.reverse, limit: Number.isFinite(remaining) ? remaining : -1 };
  if (range.lower !== undefined) o[range.lower.inclusive ? 'gte' : 'gt'] = range.lower.key;
  if (range.upper !== undefined) o[range.upper.inclusive ? 'lte' : 'lt'] = range.upper.key;
  return o;
}

/** What compactStoredRange needs of an adapter. */
export interface RangeCompaction {
  /** The smallest and largest stored keys, or undefined iff the store is empty. */
  endKeys(): Promise<[Buffer, Buffer] | undefined>;
  /** The library's compactRange over [start, end]. */
  compactRange(start: Buffer, end: Buffer): Promise<void>;
  /** Bytes the store takes on disk now. */
  diskBytes(): number;
  /** The KvsError to throw for a library error while compacting. */
  mapError(err: unknown): Error;
}

/**
 * Compacts every stored key and reports the disk bytes before and after. The range is bounded by
 * the first and last stored keys: both libraries write the bounds into their LOG file, so a huge
 * synthetic upper bound would grow the store by kilobytes per compaction.
 */
export async function compactStoredRange(c: RangeCompaction): Promise<CompactResult> {
  const bytesBefore = c.diskBytes();
  const started = performance.now();
  try {
    const ends = await c.endKeys();
    if (ends !== undefined) await c.compactRange(ends[0], ends[1]);
  } catch (err) {
    throw c.mapError(err);
  }
  const bytesAfter = c.diskBytes();
  return {
    bytesBefore,
    bytesAfter,
    reclaimedBytes: Math.max(0, bytesBefore - bytesAfter),
    details: { method: 'compactRange', durationMs: Math.round(performance.now() - started) },
  };
}
