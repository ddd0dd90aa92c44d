/**
 * Times a fixed number of calls of one async operation with tinybench: one latency sample per
 * call, no warm-up iterations (the operations change the store, so every call must be counted),
 * and throughput from wall-clock time, which includes whatever the engine does in the background.
 */
import { Bench } from 'tinybench';
import type { LatencyFigures, WorkloadFigures } from './figures.js';

export interface TimedLoop {
  workload: string;
  /** Calls to time. */
  calls: number;
  /** User operations per call (the batch size for batched writes). */
  opsPerCall?: number;
  unit?: 'op' | 'batch';
  /** The i-th call (0-based); resolves to the key and value bytes it moved. */
  call(i: number): Promise<number>;
  signal?: AbortSignal | undefined;
  /**
   * Stop after this many seconds, keeping the calls made so far (`truncated` in the figures):
   * a scan-heavy workload on an engine without ordered keys can take hours at large counts.
   */
  maxSeconds?: number | undefined;
  /** Runs after each call, outside its timing (a turn of the event loop for a concurrent task, say). */
  between?: ((i: number) => Promise<void> | void) | undefined;
}

/** Runs the loop and returns its figures; `found` and `backgroundWrites` start at 0 for the caller to fill. */
export async function timeLoop(loop: TimedLoop): Promise<WorkloadFigures> {
  const cap = new AbortController();
  const signals = loop.signal === undefined ? [cap.signal] : [cap.signal, loop.signal];
  const bench = new Bench({ iterations: loop.calls, time: 0, warmup: false, throws: true, signal: AbortSignal.any(signals) });
  let i = 0;
  let bytes = 0;
  const started = performance.now();
  const deadline = loop.maxSeconds === undefined ? Infinity : started + loop.maxSeconds * 1000;
  // async: true skips tinybench's detection, which would call the operation once more, untimed.
  bench.add(loop.workload, async () => {
    bytes += await loop.call(i++);
    if (performance.now() > deadline) cap.abort();
  }, { async: true, ...(loop.between === undefined ? {} : { afterEach: () => loop.between!(i) }) });
  if (loop.calls > 0) await bench.run();
  const seconds = (performance.now() - started) / 1000;
  loop.signal?.throwIfAborted();
  const result = bench.tasks[0]!.result;
  if (result.state === 'errored') throw result.error;
  const calls = i;
  const ops = calls * (loop.opsPerCall ?? 1);
  const latencyUs: LatencyFigures =
    result.state === 'completed' || result.state === 'aborted-with-statistics'
      ? {
          mean: result.latency.mean * 1000,
          min: result.latency.min * 1000,
          p50: result.latency.p50 * 1000,
          p99: result.latency.p99 * 1000,
          p999: result.latency.p999 * 1000,
          max: result.latency.max * 1000,
        }
      : { mean: 0, min: 0, p50: 0, p99: 0, p999: 0, max: 0 };
  return {
    workload: loop.workload,
    ops,
    calls,
    truncated: calls < loop.calls,
    unit: loop.unit ?? 'op',
    seconds,
    opsPerSec: seconds > 0 ? ops / seconds : 0,
    bytes,
    mbPerSec: seconds > 0 ? bytes / 1e6 / seconds : 0,
    latencyUs,
    found: 0,
    backgroundWrites: 0,
  };
}
