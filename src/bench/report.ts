/**
 * The benchmark report: everything `--json` prints and the HTML report embeds. Raw figures of
 * every run, and per (engine, workload) the median over repeats with its min–max.
 */
import type { BenchConfig } from './config.js';
import type { RunRecord } from './figures.js';
import type { MachineInfo } from './machine.js';
import { spreadOf, type Spread } from './stats.js';
import type { Verdict } from './verdict.js';

/** The `schema` field of every report; bumped when a field changes meaning or disappears. */
export const REPORT_SCHEMA = 'kvs-bench/1';

/**
 * - `ok`: every run completed;
 * - `failed`: the engine could not be loaded or opened, or a run threw (see `note` and the runs);
 * - `skipped`: not run, for a reason that is not a fault (not usable on this machine under
 *   `--engines all`, or a server engine without --url).
 */
export interface EngineEntry {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  note?: string;
}

export interface WorkloadSummary {
  engine: string;
  workload: string;
  unit: 'op' | 'batch';
  /** Runs this summary is over. */
  runs: number;
  /** Operations of the first run (fewer than planned if it was truncated). */
  ops: number;
  /** True iff some run hit the time cap (--max-seconds) and stopped early. */
  truncated: boolean;
  opsPerSec: Spread;
  mbPerSec: Spread;
  latencyUs: { p50: Spread; p99: Spread; p999: Spread };
}

export interface ResourceSummary {
  engine: string;
  runs: number;
  diskAfterFillBytes: Spread | null;
  diskAfterOverwriteBytes: Spread | null;
  spaceAmplification: Spread | null;
  writeAmplification: Spread | null;
  reopenMs: Spread | null;
  peakRssBytes: Spread | null;
  memoryPerKeyBytes: Spread | null;
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  startedAt: string;
  finishedAt: string;
  /**
   * False iff the run was interrupted (Ctrl-C): then `runs` and the summary hold only the
   * workloads that finished, and `interruption` says where it stopped.
   */
  complete: boolean;
  interruption?: string;
  config: Omit<BenchConfig, 'engines' | 'url'> & { engines: string[] };
  machine: MachineInfo;
  engines: EngineEntry[];
  runs: RunRecord[];
  summary: { workloads: WorkloadSummary[]; resources: ResourceSummary[] };
  /** Winners, margins and reasons, from the summary and the engines' registered traits (verdict.ts). */
  verdict: Verdict;
}

/** Medians over the runs of each (engine, workload) and each engine's resources, in run order. */
export function summarize(engines: readonly string[], workloads: readonly string[], runs: readonly RunRecord[]): BenchReport['summary'] {
  const out: BenchReport['summary'] = { workloads: [], resources: [] };
  for (const engine of engines) {
    const mine = runs.filter((r) => r.engine === engine);
    for (const workload of workloads) {
      const figures = mine.flatMap((r) => r.workloads.filter((w) => w.workload === workload));
      if (figures.length === 0) continue;
      out.workloads.push({
        engine,
        workload,
        unit: figures[0]!.unit,
        runs: figures.length,
        ops: figures[0]!.ops,
        truncated: figures.some((f) => f.truncated),
        opsPerSec: spreadOf(figures.map((f) => f.opsPerSec))!,
        mbPerSec: spreadOf(figures.map((f) => f.mbPerSec))!,
        latencyUs: {
          p50: spreadOf(figures.map((f) => f.latencyUs.p50))!,
          p99: spreadOf(figures.map((f) => f.latencyUs.p99))!,
          p999: spreadOf(figures.map((f) => f.latencyUs.p999))!,
        },
      });
    }
    const resources = mine.flatMap((r) => (r.resources === null ? [] : [r.resources]));
    if (resources.length === 0) continue;
    out.resources.push({
      engine,
      runs: resources.length,
      diskAfterFillBytes: spreadOf(resources.map((r) => r.diskAfterFillBytes)),
      diskAfterOverwriteBytes: spreadOf(resources.map((r) => r.diskAfterOverwriteBytes)),
      spaceAmplification: spreadOf(resources.map((r) => r.spaceAmplification)),
      writeAmplification: spreadOf(resources.map((r) => r.writeAmplification)),
      reopenMs: spreadOf(resources.map((r) => r.reopenMs)),
      peakRssBytes: spreadOf(resources.map((r) => r.peakRssBytes)),
      memoryPerKeyBytes: spreadOf(resources.map((r) => r.memoryPerKeyBytes)),
    });
  }
  return out;
}
