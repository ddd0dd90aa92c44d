/**
 * LSM tuning options: defaults, documentation and validation (unknown keys are rejected).
 * Defaults follow LevelDB's where one exists (4 MiB write buffer, 4/8/12 L0 triggers, 10 MiB
 * L1 budget growing 10x per level, 2 MiB target files, 4 KiB blocks, 10 bloom bits per key).
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { resolveEngineOptions, type OptionSpec } from '../shared/options.js';
import { BLOCK_COMPRESSIONS, type BlockCompression } from './sstable/block-compression.js';

export interface LsmOptions {
  /** The memtable becomes immutable and is flushed to an SSTable at this many bytes. Default 4 MiB. */
  memtableSize: number;
  /** L0 is compacted into L1 when it holds this many files. Default 4. */
  l0CompactionTrigger: number;
  /** From this many L0 files on, every write is delayed by 1 ms. Default 8. */
  l0SlowdownTrigger: number;
  /** At this many L0 files, a write that needs a new memtable waits for compaction. Default 12. */
  l0StopTrigger: number;
  /** Size budget of level 1; level n (n >= 1) may hold level1MaxBytes * levelSizeRatio^(n-1). Default 10 MiB. */
  level1MaxBytes: number;
  /** Growth of the size budget from one level to the next. Default 10. */
  levelSizeRatio: number;
  /** Number of levels, L0 included; the last one is never compacted further. Default 7. */
  levels: number;
  /** Compaction output files are cut (at a user-key boundary) once they reach this size. Default 2 MiB. */
  targetFileSize: number;
  /** Uncompressed size of an SSTable data block. Default 4 KiB. */
  blockSize: number;
  /** Keys between restart points in a block (prefix compression resets there). Default 16. */
  restartInterval: number;
  /** Bloom filter bits per key (10 gives about 1% false positives); 0 disables filters. Default 10. */
  bloomBitsPerKey: number;
  /** Capacity of the block cache shared by all tables, in bytes of block contents. Default 8 MiB. */
  blockCacheSize: number;
  /** Codec of data blocks in new tables: 'zlib' (stored compressed when that saves 1/8) or 'none'. Tables of either kind stay readable. Default 'zlib'. */
  compression: BlockCompression;
  /** A compaction yields to the event loop after about this many input bytes. Default 256 KiB. */
  compactionSliceBytes: number;
  /** Run flush-triggered compactions in the background (compact() always works). Default true. */
  autoCompact: boolean;
  /** Write flushed and compacted tables on a worker_thread (off the event loop); false runs them in slices on the event loop. Default true. */
  backgroundThread: boolean;
}

export const DEFAULT_OPTIONS: LsmOptions = {
  memtableSize: 4 * 1024 * 1024,
  l0CompactionTrigger: 4,
  l0SlowdownTrigger: 8,
  l0StopTrigger: 12,
  level1MaxBytes: 10 * 1024 * 1024,
  levelSizeRatio: 10,
  levels: 7,
  targetFileSize: 2 * 1024 * 1024,
  blockSize: 4096,
  restartInterval: 16,
  bloomBitsPerKey: 10,
  blockCacheSize: 8 * 1024 * 1024,
  compression: 'zlib',
  compactionSliceBytes: 256 * 1024,
  autoCompact: true,
  backgroundThread: true,
};

const GiB = 1024 * 1024 * 1024;

const SPEC = {
  memtableSize: { type: 'integer', min: 1024, max: GiB, unit: 'of bytes' },
  l0CompactionTrigger: { type: 'integer', min: 1, max: 1000 },
  l0SlowdownTrigger: { type: 'integer', min: 1, max: 1000 },
  l0StopTrigger: { type: 'integer', min: 1, max: 1000 },
  level1MaxBytes: { type: 'integer', min: 1024, max: 1024 * GiB, unit: 'of bytes' },
  levelSizeRatio: { type: 'integer', min: 2, max: 1000 },
  levels: { type: 'integer', min: 2, max: 20 },
  targetFileSize: { type: 'integer', min: 1024, max: GiB, unit: 'of bytes' },
  blockSize: { type: 'integer', min: 256, max: 16 * 1024 * 1024, unit: 'of bytes' },
  restartInterval: { type: 'integer', min: 1, max: 1024 },
  bloomBitsPerKey: { type: 'integer', min: 0, max: 64 },
  blockCacheSize: { type: 'integer', min: 0, max: 64 * GiB, unit: 'of bytes' },
  compression: { type: 'string', accepts: (v: string) => (BLOCK_COMPRESSIONS as readonly string[]).includes(v), description: `one of ${BLOCK_COMPRESSIONS.join(', ')}` },
  compactionSliceBytes: { type: 'integer', min: 1024, max: GiB, unit: 'of bytes' },
  autoCompact: { type: 'boolean' },
  backgroundThread: { type: 'boolean' },
} as const satisfies Record<keyof LsmOptions, OptionSpec>;

/** Validated options; throws INVALID_ARGUMENT naming the first unknown or out-of-range key. */
export function parseOptions(raw: Record<string, unknown>): LsmOptions {
  const options = resolveEngineOptions('lsm', raw, SPEC, DEFAULT_OPTIONS);
  if (!(options.l0CompactionTrigger <= options.l0SlowdownTrigger && options.l0SlowdownTrigger <= options.l0StopTrigger)) {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `lsm options must satisfy l0CompactionTrigger <= l0SlowdownTrigger <= l0StopTrigger; got ${options.l0CompactionTrigger}, ${options.l0SlowdownTrigger}, ${options.l0StopTrigger}`,
    );
  }
  return options;
}
