/**
 * The figures one run produces: per workload (throughput, latency percentiles) and per engine run
 * (disk, write amplification, reopen, memory). These shapes are part of the `--json` output.
 */

/** Latency percentiles of one workload, in microseconds. */
export interface LatencyFigures {
  mean: number;
  min: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** What one workload measured in one run. */
export interface WorkloadFigures {
  workload: string;
  /** User-level operations: keys written or read (a batch of 100 sets counts 100). */
  ops: number;
  /** Calls timed, one latency sample each: equal to `ops`, or the number of batches. */
  calls: number;
  /** True iff the workload hit its time cap (--max-seconds) before making all its calls. */
  truncated: boolean;
  /** What one latency sample is: one operation, or one `batch()` call. */
  unit: 'op' | 'batch';
  /** Wall-clock seconds from the first call to the last one's completion. */
  seconds: number;
  opsPerSec: number;
  /** Key and value bytes written or returned. */
  bytes: number;
  /** `bytes` per second, in MB (10^6 bytes). */
  mbPerSec: number;
  latencyUs: LatencyFigures;
  /** Gets that found a value, deletes that found the key, entries a scan yielded. */
  found: number;
  /** Writes by the background writer of `readwhilewriting` (0 elsewhere). */
  backgroundWrites: number;
}

/** Whole-run figures of one engine in one repeat. `null` where the engine has no such thing. */
export interface ResourceFigures {
  /** Records loaded into the main store (`num`). */
  records: number;
  /** num × (key size + value size): the data a perfect store would hold. */
  userDataBytes: number;
  /** Allocated bytes of the store directory after the fill, and after `overwrite`. */
  diskAfterFillBytes: number | null;
  diskAfterOverwriteBytes: number | null;
  /** diskAfterFillBytes / userDataBytes. */
  spaceAmplification: number | null;
  /** Key and value bytes handed to set/batch/delete during the measured run. */
  userBytesWritten: number;
  /** Bytes this process sent to storage (`write_bytes` of /proc/self/io), open to close. */
  ioWriteBytes: number | null;
  /** ioWriteBytes / userBytesWritten. */
  writeAmplification: number | null;
  /** Milliseconds from starting to open the filled store until its first get returned. */
  reopenMs: number | null;
  /** Peak resident set of the process that ran the engine, in bytes. */
  peakRssBytes: number;
  /**
   * What the filled store holds in memory per record: memory in use (process-counters.ts) with the
   * reopened main store open and filled, less the same after the warm-up (engine loaded, nothing
   * stored), divided by the records. Null iff the run never reached that point.
   */
  memoryPerKeyBytes: number | null;
}

/** One (engine, repeat): the unit a worker process runs. */
export interface RunRecord {
  engine: string;
  /** 1-based repeat number. */
  repeat: number;
  /** True iff the run had a process of its own (I/O counters and peak RSS are the engine's alone). */
  isolated: boolean;
  /** The sync policy the engine ran with (the requested one, or the engine's closest). */
  sync: string;
  workloads: WorkloadFigures[];
  resources: ResourceFigures | null;
  /** Workloads that do not apply to this engine (e.g. fillsync where fsync is not offered), and why. */
  skipped?: { workload: string; reason: string }[];
  /** Present iff the run failed; the figures before the failure are kept. */
  error?: RunError;
  /** True iff the run was stopped by an interruption (Ctrl-C): `workloads` holds those that finished. */
  interrupted?: boolean;
}

export interface RunError {
  message: string;
  code?: string;
  /** The workload that was running, or "open", "load", "reopen", "worker". */
  stage: string;
}
