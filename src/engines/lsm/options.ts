/**
 * LSM tuning options: defaults, documentation and validation (unknown keys are rejected).
 * Defaults follow LevelDB's where one exists (4 MiB write buffer, 4/8/12 L0 triggers, 10 MiB
 * L1 budget growing 10x per level, 2 MiB target files, 4 KiB blocks, 10 bloom bits per key).
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

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
  /** Capacity of the block cache shared by all tables. Default 8 MiB. */
  blockCacheSize: number;
  /** A compaction yields to the event loop after about this many input bytes. Default 256 KiB. */
  compactionSliceBytes: number;
  /** Run flush-triggered compactions in the background (compact() always works). Default true. */
  autoCompact: boolean;
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
  compactionSliceBytes: 256 * 1024,
  autoCompact: true,
};

const GiB = 1024 * 1024 * 1024;

function integer(raw: Record<string, unknown>, name: keyof LsmOptions, min: number, max: number): number {
  const value = raw[name] ?? DEFAULT_OPTIONS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `lsm option ${name} must be an integer from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

/** Validated options; throws INVALID_ARGUMENT naming the first unknown or out-of-range key. */
export function parseOptions(raw: Record<string, unknown>): LsmOptions {
  for (const name of Object.keys(raw)) {
    if (!(name in DEFAULT_OPTIONS)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown lsm option "${name}"; known options: ${Object.keys(DEFAULT_OPTIONS).join(', ')}`);
    }
  }
  const autoCompact = raw.autoCompact ?? DEFAULT_OPTIONS.autoCompact;
  if (typeof autoCompact !== 'boolean') throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'lsm option autoCompact must be true or false');
  const options: LsmOptions = {
    memtableSize: integer(raw, 'memtableSize', 1024, GiB),
    l0CompactionTrigger: integer(raw, 'l0CompactionTrigger', 1, 1000),
    l0SlowdownTrigger: integer(raw, 'l0SlowdownTrigger', 1, 1000),
    l0StopTrigger: integer(raw, 'l0StopTrigger', 1, 1000),
    level1MaxBytes: integer(raw, 'level1MaxBytes', 1024, 1024 * GiB),
    levelSizeRatio: integer(raw, 'levelSizeRatio', 2, 1000),
    levels: integer(raw, 'levels', 2, 20),
    targetFileSize: integer(raw, 'targetFileSize', 1024, GiB),
    blockSize: integer(raw, 'blockSize', 256, 16 * 1024 * 1024),
    restartInterval: integer(raw, 'restartInterval', 1, 1024),
    bloomBitsPerKey: integer(raw, 'bloomBitsPerKey', 0, 64),
    blockCacheSize: integer(raw, 'blockCacheSize', 0, 64 * GiB),
    compactionSliceBytes: integer(raw, 'compactionSliceBytes', 1024, GiB),
    autoCompact,
  };
  if (!(options.l0CompactionTrigger <= options.l0SlowdownTrigger && options.l0SlowdownTrigger <= options.l0StopTrigger)) {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `lsm options must satisfy l0CompactionTrigger <= l0SlowdownTrigger <= l0StopTrigger; got ${options.l0CompactionTrigger}, ${options.l0SlowdownTrigger}, ${options.l0StopTrigger}`,
    );
  }
  return options;
}
