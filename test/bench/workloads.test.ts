/**
 * Each workload performs the operations it claims, seen through a recording engine registered
 * in-process; a failing engine is reported while the others run; reports match their schema;
 * the HTML report is self-contained and carries its data.
 */
import * as fs from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { extractReportJson, renderHtmlReport, renderTextReport, resolveConfig, runBench, validateReport, type BenchReport } from '../../src/bench/index.js';
import { tempStoreDir } from '../support/temp-store-dir.js';
import { calls, FAIL_AFTER_SETS, registerTestEngines, type Call } from './recording-engine.js';

const NUM = 300;
let tmp: string;

beforeAll(() => {
  registerTestEngines();
  tmp = tempStoreDir('bench-test');
});
beforeEach(() => void calls.splice(0));

async function bench(workloads: string[], engines: string[] = ['bench-recorder'], extra = {}): Promise<BenchReport> {
  const config = resolveConfig({ engines, workloads, num: NUM, repeats: 1, warmup: false, batch: 50, ...extra });
  return runBench(config, { isolation: 'none', tmpDir: tmp });
}

const key = (i: number): string => String(i).padStart(16, '0');
const range = (n: number): string[] => Array.from({ length: n }, (_, i) => key(i));
const of = (op: Call['op']): Call[] => calls.filter((c) => c.op === op);
const figures = (report: BenchReport, workload: string) => report.runs[0]!.workloads.find((w) => w.workload === workload)!;

describe('workloads do what they claim', () => {
  it('fillseq sets keys 0..num-1 in order into a fresh store', async () => {
    const report = await bench(['fillseq']);
    expect(of('set').map((c) => c.key)).toEqual(range(NUM));
    expect(figures(report, 'fillseq')).toMatchObject({ ops: NUM, calls: NUM, unit: 'op', bytes: NUM * 116 });
  });

  it('fillrandom sets every key once, not in order, and leaves num keys', async () => {
    await bench(['fillrandom']);
    const keys = of('set').map((c) => c.key!);
    expect([...keys].sort()).toEqual(range(NUM));
    expect(keys).not.toEqual(range(NUM));
    expect(of('close').at(-1)!.count).toBe(NUM);
  });

  it('readmissing finds nothing, and each key it asks for is absent by construction', async () => {
    const report = await bench(['readmissing']);
    const gets = of('get').filter((c) => c.key!.endsWith('.'));
    expect(gets).toHaveLength(NUM);
    expect(gets.every((c) => c.hit === false)).toBe(true);
    expect(figures(report, 'readmissing').found).toBe(0);
  });

  it('readrandom finds every key it asks for', async () => {
    const report = await bench(['readrandom']);
    expect(figures(report, 'readrandom').found).toBe(NUM);
  });

  it('readseq visits every key in ascending order; readreverse in descending order', async () => {
    const report = await bench(['readseq', 'readreverse']);
    const [forward, backward] = of('scan');
    expect(forward!.reverse).toBe(false);
    expect(forward!.keys).toEqual(range(NUM));
    expect(backward!.reverse).toBe(true);
    expect(backward!.keys).toEqual(range(NUM).reverse());
    expect(figures(report, 'readseq').found).toBe(NUM);
  });

  it('seekrandom scans up to 100 entries from present keys', async () => {
    await bench(['seekrandom']);
    const scans = of('scan');
    expect(scans.length).toBeGreaterThanOrEqual(3);
    for (const scan of scans) {
      expect(scan.limit).toBe(100);
      expect(scan.keys!.length).toBe(Math.min(100, NUM - Number(scan.keys![0])));
    }
  });

  it('deleterandom deletes every loaded key once, each found, leaving the store empty', async () => {
    const report = await bench(['deleterandom']);
    const deletes = of('delete');
    expect(deletes.map((c) => c.key).sort()).toEqual(range(NUM));
    expect(deletes.every((c) => c.hit === true)).toBe(true);
    expect(figures(report, 'deleterandom').found).toBe(NUM);
    expect(of('close').at(-1)!.count).toBe(0);
  });

  it('overwrite writes only existing keys; a main-store workload without a fill gets an untimed batched load', async () => {
    await bench(['overwrite']);
    const loadBatches = of('batch');
    expect(loadBatches.reduce((s, c) => s + c.ops!, 0)).toBe(NUM);
    const sets = of('set');
    expect(sets).toHaveLength(NUM);
    expect(sets.every((c) => Number(c.key) < NUM)).toBe(true);
    expect(of('close').at(-1)!.count).toBe(NUM);
  });

  it('fillsync opens its store with sync "always" and writes a small count', async () => {
    const report = await bench(['fillsync']);
    expect(of('open').map((c) => c.sync)).toEqual(['always']);
    expect(figures(report, 'fillsync').ops).toBe(50);
  });

  it('batched fills write num keys through batch() calls of --batch sets, reported per batch', async () => {
    const report = await bench(['fillseq-batch']);
    expect(of('batch').map((c) => c.ops)).toEqual(Array(NUM / 50).fill(50));
    expect(of('set')).toHaveLength(0);
    expect(figures(report, 'fillseq-batch')).toMatchObject({ ops: NUM, calls: NUM / 50, unit: 'batch' });
  });

  it('ycsb-c only reads; ycsb-a mixes reads and updates about half and half; ycsb-e scans and inserts new keys', async () => {
    await bench(['ycsb-c']);
    expect(of('get')).toHaveLength(NUM);
    expect(of('set')).toHaveLength(0);
    calls.splice(0);
    await bench(['ycsb-a']);
    const reads = of('get').length;
    expect(reads + of('set').length).toBe(NUM);
    expect(reads / NUM).toBeGreaterThan(0.35);
    expect(reads / NUM).toBeLessThan(0.65);
    calls.splice(0);
    const report = await bench(['ycsb-e'], ['bench-recorder'], { num: 2000 });
    const inserts = of('set');
    expect(of('scan').length + inserts.length).toBe(200);
    expect(inserts.length).toBeGreaterThan(0);
    expect(inserts.every((c) => Number(c.key) >= 2000)).toBe(true);
    expect(figures(report, 'ycsb-e').ops).toBe(200);
  });

  it('the reopen figure comes from closing and reopening the main store (null for the memory engine)', async () => {
    const report = await bench(['readrandom'], ['bench-recorder', 'bitcask']);
    expect(report.runs.find((r) => r.engine === 'bench-recorder')!.resources!.reopenMs).toBeNull();
    const bitcask = report.runs.find((r) => r.engine === 'bitcask')!.resources!;
    expect(bitcask.reopenMs).toBeGreaterThan(0);
    expect(bitcask.diskAfterFillBytes).toBeGreaterThan(NUM * 116);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('failures', () => {
  it('an engine that throws mid-run and one that cannot load are reported; the others still run', async () => {
    const report = await bench(['fillrandom', 'readrandom'], ['bench-failing', 'memory', 'bench-broken', 'no-such-engine']);
    const status = Object.fromEntries(report.engines.map((e) => [e.name, e.status]));
    expect(status).toEqual({ 'bench-failing': 'failed', memory: 'ok', 'bench-broken': 'failed', 'no-such-engine': 'failed' });
    const failing = report.runs.find((r) => r.engine === 'bench-failing')!;
    expect(failing.error).toMatchObject({ stage: 'fillrandom', message: expect.stringContaining('disk on fire') });
    expect(report.engines.find((e) => e.name === 'bench-broken')!.note).toContain('native module missing');
    expect(report.engines.find((e) => e.name === 'no-such-engine')!.note).toContain('unknown engine');
    expect(report.summary.workloads.filter((w) => w.engine === 'memory').map((w) => w.workload)).toEqual(['fillrandom', 'readrandom']);
    expect(validateReport(report)).toEqual([]);
    const text = renderTextReport(report).join('\n');
    expect(text).toContain('FAILED: bench-failing');
    expect(text).toContain('FAILED: bench-broken');
    expect(FAIL_AFTER_SETS).toBeLessThan(NUM);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('invalid settings are INVALID_ARGUMENT before anything runs', () => {
    expect(() => resolveConfig({ num: 0 })).toThrow(/--num must be a whole number/);
    expect(() => resolveConfig({ workloads: ['readsideways'] })).toThrow(/unknown workload "readsideways"/);
    expect(() => resolveConfig({ num: 1000, keySize: 3 })).toThrow(/--key-size/);
  });
});

describe('report formats', () => {
  it('the JSON report matches its schema, and the check catches a broken one', async () => {
    const report = await bench(['fillrandom', 'readseq'], ['bench-recorder', 'memory'], { repeats: 2 });
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual([]);
    expect(report.runs.map((r) => `${r.engine}:${r.repeat}`)).toEqual(['bench-recorder:1', 'memory:1', 'memory:2', 'bench-recorder:2']);
    expect(report.summary.workloads[0]!.runs).toBe(2);
    const broken = JSON.parse(JSON.stringify(report));
    delete broken.runs[0].workloads[0].opsPerSec;
    broken.engines[0].status = 'great';
    expect(validateReport(broken)).toEqual([
      expect.stringContaining('$.engines[0].status'),
      expect.stringContaining('$.runs[0].workloads[0].opsPerSec'),
    ]);
  });

  it('the HTML report has no network references, draws SVG charts and embeds the report intact', async () => {
    const report = await bench(['fillrandom', 'readrandom'], ['bench-recorder', 'bench-broken']);
    // A note with markup must not end the embedding <script> early.
    report.engines.find((e) => e.name === 'bench-broken')!.note = 'oops </script><b>';
    const html = renderHtmlReport(report);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|img|iframe)\b/);
    expect(html).not.toMatch(/<script(?![^>]*type="application\/json")/);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('>fillrandom</text>');
    expect(extractReportJson(html)).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
