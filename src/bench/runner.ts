/**
 * The benchmark run: engines interleaved within each repeat (A B C, then C B A, so no engine
 * always runs first or last on a warming machine), each run in a fresh directory under one
 * temporary root, by default in a worker process of its own. A failing engine is recorded and
 * the others go on. Aborting (Ctrl-C) kills the worker, hands over the report of what finished,
 * and then removes the whole temporary root.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchConfig } from './config.js';
import { findEngine, loadEngine } from '../index.js';
import { selectEngines } from './engine-selection.js';
import type { RunRecord, WorkloadFigures } from './figures.js';
import { describeMachine } from './machine.js';
import { REPORT_SCHEMA, summarize, type BenchReport, type EngineEntry } from './report.js';
import { runSession, type SessionJob } from './session.js';
import { decideVerdict, type EngineProfile } from './verdict.js';
import { runInWorker } from './worker-client.js';
import { WORKLOADS } from './workloads/index.js';

export type BenchEvent =
  /** Engines resolved; `runs` = runnable engines × repeats. */
  | { type: 'plan'; engines: BenchReport['engines']; runs: number; workloadsPerRun: number; tempRoot: string }
  | { type: 'run-start'; engine: string; repeat: number }
  | { type: 'workload'; engine: string; repeat: number; workload: string }
  | { type: 'run-end'; record: RunRecord };

export interface RunnerOptions {
  /**
   * `process` (default): each (engine, repeat) in a worker process, so I/O counters and peak
   * RSS are the engine's own. `none`: in this process (engines registered at run time are only
   * visible here; the resource figures then include everything else the process did).
   */
  isolation?: 'process' | 'none';
  /** Where the temporary root is created; default os.tmpdir(). */
  tmpDir?: string;
  /** The worker script (default: the compiled worker.js beside this module). */
  workerPath?: string;
  /** Stops the run; the report then holds what finished (see runBench). */
  signal?: AbortSignal;
  onEvent?: (event: BenchEvent) => void;
  /**
   * Called once with the report, complete or interrupted, after every worker has exited and
   * before the temporary directories are removed: the place to print and save it.
   */
  onReport?: (report: BenchReport) => void | Promise<void>;
}

/**
 * Runs the benchmark and resolves with its report. Aborting (the signal) stops the run: the
 * worker is killed, and the report holds the workloads that finished, with `complete: false`.
 * Rejects only for a fault of the runner itself (or of `onReport`), after cleaning up.
 */
export async function runBench(config: BenchConfig, options: RunnerOptions = {}): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const emit = options.onEvent ?? (() => {});
  // A function, not a field read: the signal changes under the awaits in between.
  const aborted = (): boolean => options.signal?.aborted === true;
  const entries = await selectEngines(config.engines, config.url);
  const runnable = entries.filter((e) => e.status === 'ok').map((e) => e.name);
  const tempRoot = fs.mkdtempSync(path.join(options.tmpDir ?? os.tmpdir(), 'kvs-bench-'));
  const runs: RunRecord[] = [];
  let interruption: string | undefined;
  try {
    emit({ type: 'plan', engines: entries, runs: runnable.length * config.repeats, workloadsPerRun: config.workloads.length, tempRoot });
    rounds: for (let repeat = 1; repeat <= config.repeats; repeat++) {
      const order = repeat % 2 === 1 ? runnable : [...runnable].reverse();
      for (const engine of order) {
        if (aborted()) {
          interruption = `interrupted before ${engine} run ${repeat}/${config.repeats}`;
          break rounds;
        }
        const dir = path.join(tempRoot, `${engine}-${repeat}`);
        fs.mkdirSync(dir);
        const finished: WorkloadFigures[] = [];
        const onWorkload = (workload: string, figures: WorkloadFigures | null): void => {
          if (figures !== null) finished.push(figures);
          emit({ type: 'workload', engine, repeat, workload });
        };
        emit({ type: 'run-start', engine, repeat });
        let record: RunRecord;
        try {
          record = await runOne(jobFor(config, engine, repeat, dir), options, onWorkload);
        } catch (err) {
          if (!aborted()) throw err;
          // The worker is gone (runInWorker waits for its exit); keep what it finished.
          runs.push({ engine, repeat, isolated: options.isolation !== 'none', sync: config.sync, workloads: finished, resources: null, interrupted: true });
          interruption = `interrupted during ${engine} run ${repeat}/${config.repeats}, after ${finished.length} of its ${config.workloads.length} workloads`;
          break rounds;
        }
        fs.rmSync(dir, { recursive: true, force: true });
        runs.push(record);
        emit({ type: 'run-end', record });
      }
    }
    const report = await buildReport(config, entries, runnable, runs, startedAt, interruption);
    // Before the temporary root goes: removing a large store takes a while, and a second
    // Ctrl-C meanwhile must not lose what was measured.
    await options.onReport?.(report);
    return report;
  } finally {
    fs.rmSync(tempRoot, { recursive: true, force: true });
  }
}

function jobFor(config: BenchConfig, engine: string, repeat: number, dir: string): SessionJob {
  return {
    engine,
    repeat,
    dir,
    workloads: config.workloads,
    num: config.num,
    keySize: config.keySize,
    valueSize: config.valueSize,
    batch: config.batch,
    sync: config.sync,
    seed: config.seed,
    warmup: config.warmup,
    maxSeconds: config.maxSeconds,
    ...(config.url === undefined ? {} : { url: config.url }),
  };
}

/** One (engine, repeat) in a worker process, or in this one. Rejects iff aborted. */
function runOne(job: SessionJob, options: RunnerOptions, onWorkload: (workload: string, figures: WorkloadFigures | null) => void): Promise<RunRecord> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  if (options.isolation === 'none') return runSession(job, { isolated: false, onWorkload, ...signal });
  return runInWorker(job, { onWorkload, ...signal, ...(options.workerPath === undefined ? {} : { workerPath: options.workerPath }) });
}

/** The traits and kind of each engine that ran, from the registry, for the verdict. */
async function profilesOf(engines: readonly string[]): Promise<Map<string, EngineProfile>> {
  const profiles = new Map<string, EngineProfile>();
  for (const name of engines) {
    const descriptor = findEngine(name);
    const module = await loadEngine(name); // already loaded by selectEngines: a cached import
    profiles.set(name, { name, persistent: module.supports.persistent, summary: descriptor.summary, traits: descriptor.traits ?? {} });
  }
  return profiles;
}

async function buildReport(config: BenchConfig, entries: EngineEntry[], runnable: string[], runs: RunRecord[], startedAt: string, interruption: string | undefined): Promise<BenchReport> {
  for (const entry of entries) {
    const failed = runs.find((r) => r.engine === entry.name && r.error !== undefined);
    if (failed !== undefined && entry.status === 'ok') {
      entry.status = 'failed';
      entry.note = `run ${failed.repeat}, ${failed.error!.stage}: ${failed.error!.message}`;
    }
  }
  const { engines: _requested, url: _url, ...rest } = config;
  const summary = summarize(runnable, config.workloads, runs);
  const workloads = WORKLOADS.filter((w) => config.workloads.includes(w.name));
  return {
    schema: REPORT_SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    complete: interruption === undefined,
    ...(interruption === undefined ? {} : { interruption }),
    config: { ...rest, engines: runnable },
    machine: describeMachine(),
    engines: entries,
    runs,
    summary,
    verdict: decideVerdict({ summary, engines: runnable, workloads, profiles: await profilesOf(runnable), records: config.num, repeats: config.repeats, complete: interruption === undefined }),
  };
}
