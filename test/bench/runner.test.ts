/**
 * The runner in this process (isolation "none", engines registered here): an abort keeps the
 * workloads that finished and hands the incomplete report over before the temporary directories
 * go; a real run's verdict names the engine that is faster by construction and quotes its traits.
 */
import * as fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport, renderTextReport, resolveConfig, runBench, validateReport, type BenchReport } from '../../src/bench/index.js';
import { tempStoreDir } from '../support/temp-store-dir.js';
import { registerTestEngines, SLOW_READ_TRAIT } from './recording-engine.js';

beforeAll(registerTestEngines);

describe('interrupted run', () => {
  it('an abort after the first workload keeps it, marks the report incomplete, and hands it over while the temporary root still exists', async () => {
    const tmp = tempStoreDir('bench-abort');
    const config = resolveConfig({ engines: ['memory', 'bench-recorder'], workloads: ['fillseq', 'fillrandom', 'readrandom'], num: 300, repeats: 2, warmup: false });
    const controller = new AbortController();
    let tempRoot = '';
    let rootExistedAtReport = false;
    let handed: BenchReport | undefined;
    const report = await runBench(config, {
      isolation: 'none',
      tmpDir: tmp,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'plan') tempRoot = event.tempRoot;
        // Ctrl-C as the first workload of the first run finishes: the second one is under way.
        if (event.type === 'workload' && event.workload === 'fillseq') controller.abort(new Error('interrupted'));
      },
      onReport: (r) => {
        handed = r;
        rootExistedAtReport = fs.existsSync(tempRoot);
      },
    });
    expect(handed).toBe(report);
    expect(rootExistedAtReport).toBe(true);
    expect(fs.existsSync(tempRoot)).toBe(false);
    expect(report.complete).toBe(false);
    expect(report.interruption).toBe('interrupted during memory run 1/2, after 1 of its 3 workloads');
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0]).toMatchObject({ engine: 'memory', interrupted: true, resources: null });
    expect(report.runs[0]!.workloads.map((w) => w.workload)).toEqual(['fillseq']);
    expect(report.summary.workloads.map((w) => `${w.engine}:${w.workload}`)).toEqual(['memory:fillseq']);
    expect(report.engines.map((e) => e.status)).toEqual(['ok', 'ok']); // interrupted is not failed
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual([]);
    const text = renderTextReport(report).join('\n');
    expect(text).toContain('INCOMPLETE: interrupted during memory run 1/2');
    expect(text).toMatch(/^fillseq: 300 ops/m);
    expect(text).toContain('The run was interrupted');
    expect(renderHtmlReport(report)).toContain('Incomplete: interrupted during memory run 1/2');
  });

  it('an abort before the first run starts gives an empty, incomplete report', async () => {
    const config = resolveConfig({ engines: ['memory'], workloads: ['fillseq'], num: 100, repeats: 1, warmup: false });
    const report = await runBench(config, { isolation: 'none', tmpDir: tempStoreDir('bench-abort'), signal: AbortSignal.abort(new Error('interrupted')) });
    expect(report).toMatchObject({ complete: false, interruption: 'interrupted before memory run 1/1', runs: [] });
    expect(report.verdict.workloads).toEqual([]);
  });
});

describe('verdict of a real run', () => {
  it('an engine whose gets wait a timer tick loses readrandom to the memory engine, clearly over two rounds, and its registered trait is quoted', async () => {
    const config = resolveConfig({ engines: ['bench-slow', 'memory'], workloads: ['readrandom'], num: 200, repeats: 2, warmup: false });
    const report = await runBench(config, { isolation: 'none', tmpDir: tempStoreDir('bench-verdict') });
    const slow = report.summary.workloads.find((w) => w.engine === 'bench-slow')!.opsPerSec;
    const fast = report.summary.workloads.find((w) => w.engine === 'memory')!.opsPerSec;
    expect(fast.min).toBeGreaterThan(slow.max); // by construction: a 1 ms timer against a Map lookup
    // Neither engine keeps data, so both are ranked.
    expect(report.verdict.contenders).toEqual(['bench-slow', 'memory']);
    const readrandom = report.verdict.workloads.find((w) => w.workload === 'readrandom')!;
    expect(readrandom).toMatchObject({ winner: 'memory', runnerUp: 'bench-slow', ranking: ['memory', 'bench-slow'] });
    expect(readrandom.text).toMatch(/^memory wins: [\d.,]+x the ops\/s of bench-slow \(at least [\d.,]+x, its slowest run against the fastest of bench-slow\)\.$/);
    expect(readrandom.why).toBe(`In memory, a get is one JavaScript Map lookup; in bench-slow, ${SLOW_READ_TRAIT}.`);
    expect(report.verdict.engines.find((e) => e.engine === 'memory')!.text).toMatch(/^Choose memory for fast point reads \(it won readrandom\)/);
    const text = renderTextReport(report).join('\n');
    expect(text.indexOf('verdict, per workload')).toBeGreaterThan(text.indexOf('readrandom: 200 ops'));
    expect(text).toContain('  readrandom: memory wins:');
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual([]);
  });
});
