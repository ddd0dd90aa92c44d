/**
 * The benchmark run: engines interleaved within each repeat (A B C, then C B A, so no engine
 * always runs first or last on a warming machine), each run in a fresh directory under one
 * temporary root, by default in a worker process of its own. A failing engine is recorded and
 * the others go on. Aborting (Ctrl-C) kills the worker and removes the whole temporary root.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchConfig } from './config.js';
import { selectEngines } from './engine-selection.js';
import type { RunRecord } from './figures.js';
import { describeMachine } from './machine.js';
import { REPORT_SCHEMA, summarize, type BenchReport } from './report.js';
import { runSession, type SessionJob } from './session.js';
import { runInWorker } from './worker-client.js';

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
  signal?: AbortSignal;
  onEvent?: (event: BenchEvent) => void;
}

/** Runs the benchmark. Rejects only when aborted (with the signal's reason), after cleaning up. */
export async function runBench(config: BenchConfig, options: RunnerOptions = {}): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const emit = options.onEvent ?? (() => {});
  const entries = await selectEngines(config.engines, config.url);
  const runnable = entries.filter((e) => e.status === 'ok').map((e) => e.name);
  const tempRoot = fs.mkdtempSync(path.join(options.tmpDir ?? os.tmpdir(), 'kvs-bench-'));
  const runs: RunRecord[] = [];
  try {
    emit({ type: 'plan', engines: entries, runs: runnable.length * config.repeats, workloadsPerRun: config.workloads.length, tempRoot });
    for (let repeat = 1; repeat <= config.repeats; repeat++) {
      const order = repeat % 2 === 1 ? runnable : [...runnable].reverse();
      for (const engine of order) {
        options.signal?.throwIfAborted();
        const dir = path.join(tempRoot, `${engine}-${repeat}`);
        fs.mkdirSync(dir);
        const job: SessionJob = {
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
        emit({ type: 'run-start', engine, repeat });
        const onWorkload = (workload: string): void => emit({ type: 'workload', engine, repeat, workload });
        const record =
          options.isolation === 'none'
            ? await runSession(job, { isolated: false, onWorkload, ...(options.signal === undefined ? {} : { signal: options.signal }) })
            : await runInWorker(job, { onWorkload, ...(options.signal === undefined ? {} : { signal: options.signal }), ...(options.workerPath === undefined ? {} : { workerPath: options.workerPath }) });
        fs.rmSync(dir, { recursive: true, force: true });
        runs.push(record);
        emit({ type: 'run-end', record });
      }
    }
  } finally {
    fs.rmSync(tempRoot, { recursive: true, force: true });
  }
  for (const entry of entries) {
    const failed = runs.find((r) => r.engine === entry.name && r.error !== undefined);
    if (failed !== undefined && entry.status === 'ok') {
      entry.status = 'failed';
      entry.note = `run ${failed.repeat}, ${failed.error!.stage}: ${failed.error!.message}`;
    }
  }
  const { engines: _requested, url: _url, ...rest } = config;
  return {
    schema: REPORT_SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    config: { ...rest, engines: runnable },
    machine: describeMachine(),
    engines: entries,
    runs,
    summary: summarize(runnable, config.workloads, runs),
  };
}
