/**
 * The settings of a benchmark run, their defaults (db_bench's 16-byte keys and 100-byte values),
 * the --quick preset, and their validation. Invalid settings are INVALID_ARGUMENT before
 * anything runs.
 */
import { ErrorCodes, KvsError, MAX_KEY_BYTES, MAX_VALUE_BYTES, SYNC_POLICIES, type SyncPolicy } from '../index.js';
import { selectWorkloads } from './workloads/index.js';

export interface BenchConfig {
  /** Engine names, or "all": every registered engine usable here. */
  engines: readonly string[] | 'all';
  /** Workload names in run order (see workloads/index.ts). */
  workloads: readonly string[];
  /** Records per fill, and operations per workload. */
  num: number;
  keySize: number;
  valueSize: number;
  /** Sets per batch() call in the *-batch workloads. */
  batch: number;
  /** Sync policy of every store except fillsync's (which is always "always"). */
  sync: SyncPolicy;
  /** Rounds over all engines; the report gives the median and the min–max. */
  repeats: number;
  /** Time cap of each read and YCSB workload in one run, in seconds; the figures cover the calls made. */
  maxSeconds: number;
  /** An unmeasured warm-up in each run before the first timed workload. */
  warmup: boolean;
  /** Seed of every key and value stream; a repeat r uses seed + r - 1 on every engine. */
  seed: number;
  quick: boolean;
  /** Server of remote engines (redis). */
  url?: string;
}

export const DEFAULTS = { num: 100_000, keySize: 16, valueSize: 100, batch: 100, sync: 'never', repeats: 3, seed: 20240601, maxSeconds: 60 } as const;

/** --quick: small counts and one repeat, all workloads, for a first look in seconds per engine. */
export const QUICK = { num: 2_000, repeats: 1, maxSeconds: 5 } as const;

export type BenchInput = Partial<Omit<BenchConfig, 'workloads'>> & { workloads?: readonly string[] };

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `${name} must be a whole number from ${min} to ${max}; got ${value}`);
  }
  return value;
}

/** Fills in defaults (the --quick preset where given values are absent) and validates. */
export function resolveConfig(input: BenchInput): BenchConfig {
  const quick = input.quick === true;
  const num = integer('--num', input.num ?? (quick ? QUICK.num : DEFAULTS.num), 10, 100_000_000);
  // YCSB D and E insert past num; keys must stay fixed-width, so room for 2 × num is required.
  const digits = String(2 * num).length;
  const keySize = integer('--key-size', input.keySize ?? Math.max(DEFAULTS.keySize, digits), digits, MAX_KEY_BYTES - 1);
  const sync = input.sync ?? DEFAULTS.sync;
  if (!SYNC_POLICIES.includes(sync)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `--sync must be one of ${SYNC_POLICIES.join(', ')}; got ${String(sync)}`);
  }
  const config: BenchConfig = {
    engines: input.engines ?? 'all',
    workloads: selectWorkloads(input.workloads ?? ['all']).map((w) => w.name),
    num,
    keySize,
    valueSize: integer('--value-size', input.valueSize ?? DEFAULTS.valueSize, 0, MAX_VALUE_BYTES),
    batch: integer('--batch', input.batch ?? DEFAULTS.batch, 1, 1_000_000),
    sync,
    repeats: integer('--repeats', input.repeats ?? (quick ? QUICK.repeats : DEFAULTS.repeats), 1, 1000),
    maxSeconds: integer('--max-seconds', input.maxSeconds ?? (quick ? QUICK.maxSeconds : DEFAULTS.maxSeconds), 1, 86_400),
    warmup: input.warmup ?? true,
    seed: integer('--seed', input.seed ?? DEFAULTS.seed, 0, 2 ** 32 - 1),
    quick,
  };
  if (config.engines !== 'all' && config.engines.length === 0) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, '--engines names no engine; give names separated by commas, or "all"');
  }
  if (input.url !== undefined && input.url !== '') config.url = input.url;
  return config;
}
