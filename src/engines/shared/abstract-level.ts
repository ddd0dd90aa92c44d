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
import type { CompactResult, EngineOpenOptions } from '../../engine/types.js';
import { awaitStoreFiles, describeFiles, missingStoreFiles } from './existing-store.js';
import { findLogFileDamage } from './leveldb-log.js';
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
 * Whether the library may create its database in `dbDir`: true iff the store is new (its marker
 * was written by this open). For an existing store (or a read-only open) it waits for CURRENT
 * (see awaitStoreFiles) and throws CORRUPTION iff it is missing: with create_if_missing the
 * library would start an empty database there and delete the tables it cannot account for.
 * Checked before the library opens: it would create the folder and its LOCK file first.
 */
export async function mayCreateDatabase(opts: EngineOpenOptions, dbDir: string, engine: string, library: string, salvage: string): Promise<boolean> {
  if (opts.existing !== true && !opts.readOnly) return true;
  const current = path.join(dbDir, 'CURRENT');
  if (await awaitStoreFiles(opts.dir, () => fs.existsSync(current))) return false;
  const names = fs.existsSync(dbDir) ? fs.readdirSync(dbDir) : [];
  const found = describeFiles([
    [names.filter((n) => /\.(ldb|sst)$/.test(n)).length, 'table file'],
    [names.filter((n) => /\.log$/.test(n)).length, 'log'],
    [names.filter((n) => /^MANIFEST-/.test(n)).length, 'manifest'],
  ]);
  throw missingStoreFiles({ dir: opts.dir, engine, library, file: path.relative(opts.dir, current), found, salvage });
}

/**
 * Checks every record of the store's write-ahead logs and of the MANIFEST that CURRENT names,
 * before the library replays them (see leveldb-log.ts: the libraries would skip or stop at a
 * damaged record without an error). Throws CORRUPTION naming the file and offset for damage
 * anywhere but the torn tail of the newest log or of the manifest (a write a crash
 * interrupted, which the library drops); reports such a tail through onWarning.
 * REQUIRES: CURRENT exists (mayCreateDatabase returned false).
 */
export function checkLogs(opts: EngineOpenOptions, dbDir: string, library: string): void {
  const names = fs.readdirSync(dbDir);
  const logs = names.filter((n) => /^\d+\.log$/.test(n)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  const manifest = /^(MANIFEST-\d+)\s*$/.exec(readText(path.join(dbDir, 'CURRENT')))?.[1];
  const files = [...logs.map((name, i) => ({ name, active: i === logs.length - 1 })), ...(manifest === undefined ? [] : [{ name: manifest, active: true }])];
  for (const { name, active } of files) {
    const damage = findLogFileDamage(path.join(dbDir, name));
    if (damage === undefined) continue;
    const file = path.relative(opts.dir, path.join(dbDir, name));
    if (damage.tail && active) {
      opts.onWarning?.(`${file} ends in an incomplete record at byte ${damage.offset} (${damage.reason}): a write interrupted by a crash, which ${library} drops`);
      continue;
    }
    const where = damage.tail ? `in ${name}, which is not the newest log` : 'with intact records after it';
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `${file} is damaged at byte offset ${damage.offset} (${damage.reason}) ${where}; ${library} would skip it and lose the writes it holds: restore the store from a backup`,
      { details: { dir: opts.dir, file, offset: damage.offset, path: path.join(dbDir, name) } },
    );
  }
}

/** The text of `file`, or "" when it cannot be read (the library reports that itself). */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

/**
 * The pid of the process holding the POSIX lock on `lockFile` (LevelDB's and RocksDB's LOCK),
 * read from /proc/locks; undefined where that cannot tell (not Linux, no such lock).
 */
export function lockHolderPid(lockFile: string): number | undefined {
  try {
    const { ino, dev } = fs.statSync(lockFile);
    // /proc/locks names the file as MAJOR:MINOR:INODE (major and minor in hex).
    const major = Number((BigInt(dev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & 0xfff00n));
    for (const line of fs.readFileSync('/proc/locks', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      // "1: POSIX  ADVISORY  WRITE 1234 08:01:56789 0 EOF"
      const [maj, min, inode] = (f[5] ?? '').split(':');
      if (f[1] === 'POSIX' && Number(inode) === ino && parseInt(maj ?? '', 16) === major && parseInt(min ?? '', 16) === minor) return Number(f[4]);
    }
  } catch {
    // no lock file, or no /proc: the caller says it without a pid
  }
  return undefined;
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
