/**
 * What a workload is and what it may use. A workload is a fixed, seeded sequence of operations
 * on a store through the public `KvsEngine` methods (the ones the CLI and library use), timed
 * call by call.
 */
import type { EngineTraits, KvsEngine, SyncPolicy } from '../../index.js';
import type { WorkloadFigures } from '../figures.js';
import type { KeyCodec, ValueSource } from '../keys.js';
import type { Random } from '../random.js';

/**
 * Which store a workload runs on:
 * - `fresh`: a new empty store of its own, deleted afterwards (fillseq, fillsync, batched fills);
 * - `fill-main`: fills the empty main store with records 0 .. num-1 (fillrandom);
 * - `main`: the main store, holding `records` records (loaded, unmeasured, if nothing filled it).
 */
export type StoreNeed = 'fresh' | 'fill-main' | 'main';

export interface WorkloadContext {
  /** The main store. REQUIRES: the workload's need is `fill-main` or `main`. */
  readonly main: KvsEngine;
  /** Records 0 .. records-1 exist in the main store; YCSB inserts add to the count. */
  records: number;
  /** The run's record count (`--num`). */
  readonly num: number;
  readonly keys: KeyCodec;
  readonly values: ValueSource;
  /** Writes per `batch()` call in batched workloads (`--batch`). */
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
  /** Time cap of read and YCSB workloads, in seconds (see TimedLoop.maxSeconds). */
  readonly maxSeconds: number | undefined;
  /** A generator seeded from the run's seed and `stream`, so each workload's stream is reproducible. */
  rng(stream: string): Random;
  /** A new empty store in a directory of its own; `sync` defaults to the run's policy. */
  freshStore(sync?: SyncPolicy): Promise<KvsEngine>;
  /** Closes a fresh store and removes its directory. */
  dropStore(store: KvsEngine): Promise<void>;
  /** Counts user bytes handed to the store for writing (write amplification's denominator). */
  wrote(bytes: number): void;
}

/** Why a workload cannot run on an engine (not a failure: e.g. fillsync where fsync is not offered). */
export class NotApplicable extends Error {}

export interface Workload {
  /** The db_bench or YCSB name. */
  readonly name: string;
  /** One line for `--help` and the report. */
  readonly summary: string;
  readonly needs: StoreNeed;
  /** Writes (it counts toward write amplification and changes the main store). */
  readonly writes: boolean;
  /** The parts of an engine's design that decide this workload: the verdict quotes these traits as its why. */
  readonly explainedBy: readonly (keyof EngineTraits)[];
  run(ctx: WorkloadContext): Promise<WorkloadFigures>;
}
