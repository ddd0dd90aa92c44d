/**
 * `kvs bench` end to end through the built CLI: worker processes, --json against its schema,
 * --out, a bad engine name reported while the others run, --help, and Ctrl-C (SIGINT) stopping
 * the run, killing the workers and removing every temporary directory.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractReportJson, validateReport, type BenchReport } from '../../src/bench/index.js';
import { BIN, kvs, removeTempDirs, tempDir } from '../cli/run-kvs.js';

afterAll(removeTempDirs);

const SMALL = ['--num', '300', '--repeats', '1', '--no-warmup'];

/** Live processes whose environment holds TMPDIR=dir: the bench and the workers it started. */
function processesUsing(dir: string): number[] {
  const found: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`TMPDIR=${dir}`)) found.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe('kvs bench', () => {
  it('--json: every engine in a worker process, the report matches its schema, and a bad engine name is reported while the others run', async () => {
    const cwd = tempDir();
    const tmp = tempDir();
    const result = await kvs(['bench', '--engines', 'bitcask,memory,nope', '--workloads', 'fillrandom,readrandom,readseq', ...SMALL, '--json'], { cwd, env: { TMPDIR: tmp } });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as BenchReport;
    expect(validateReport(report)).toEqual([]);
    expect(report.engines.map((e) => [e.name, e.status])).toEqual([['bitcask', 'ok'], ['memory', 'ok'], ['nope', 'failed']]);
    expect(report.engines[2]!.note).toContain('unknown engine "nope"');
    expect(report.runs.map((r) => [r.engine, r.isolated, r.workloads.map((w) => w.workload)])).toEqual([
      ['bitcask', true, ['fillrandom', 'readrandom', 'readseq']],
      ['memory', true, ['fillrandom', 'readrandom', 'readseq']],
    ]);
    const bitcask = report.runs[0]!.resources!;
    expect(bitcask.ioWriteBytes).toBeGreaterThan(0); // the worker's own /proc/self/io moved
    expect(bitcask.peakRssBytes).toBeGreaterThan(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('prints a table per workload and whole-run figures; --out writes a self-contained HTML report', async () => {
    const cwd = tempDir();
    const result = await kvs(['bench', '--engines', 'bitcask', '--workloads', 'fillseq,overwrite', ...SMALL, '--out', 'report.html'], { cwd });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^fillseq: 300 ops, latency per operation/m);
    expect(result.out).toMatch(/^ {2}ENGINE +OPS\/S +MB\/S +P50 µs +P99 µs +P99\.9 µs$/m);
    expect(result.out).toMatch(/^ {2}bitcask +[\d,.]+ /m);
    expect(result.out).toContain('DISK AFTER OVERWRITE');
    expect(result.stderr).toContain('wrote report.html');
    const html = fs.readFileSync(path.join(cwd, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    const embedded = extractReportJson(html) as BenchReport;
    expect(validateReport(embedded)).toEqual([]);
    expect(embedded.summary.workloads.map((w) => w.workload)).toEqual(['fillseq', 'overwrite']);
  });

  it('--help names the workloads and shows examples; bad settings exit 1 with a message', async () => {
    const cwd = tempDir();
    const help = await kvs(['bench', '--help'], { cwd });
    expect(help.code).toBe(0);
    for (const word of ['readmissing', 'ycsb-f', '--quick', '--out', 'EXAMPLES', 'kvs bench --quick']) expect(help.out).toContain(word);
    const bad = await kvs(['bench', '--num', '0'], { cwd });
    expect(bad).toMatchObject({ code: 1, out: '' });
    expect(bad.stderr).toContain('Error: --num must be a whole number');
    const out = await kvs(['bench', '--quick', '--engines', 'memory', '--out', path.join(cwd, 'missing', 'r.html')], { cwd });
    expect(out).toMatchObject({ code: 1, out: '' });
    expect(out.stderr).toBe(`Error: cannot write the report to ${path.join(cwd, 'missing', 'r.html')}: that directory does not exist; pass another --out path\n`);
  });

  it('Ctrl-C stops the run, kills the workers, removes the temporary directories and exits 130', async () => {
    const tmp = tempDir();
    const child = spawn(process.execPath, [BIN, 'bench', '--engines', 'bitcask,memory', '--num', '200000', '--repeats', '3'], {
      cwd: tmp,
      env: { ...process.env, TMPDIR: tmp },
    });
    let stderr = '';
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('bench: bitcask run 1/3')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await started;
    // Wait until the worker runs and has made its store, so there is something to clean up.
    const runDirHasFiles = (): boolean =>
      fs.readdirSync(tmp).some((root) => root.startsWith('kvs-bench-') && fs.readdirSync(path.join(tmp, root)).some((run) => fs.readdirSync(path.join(tmp, root, run)).length > 0));
    for (let i = 0; i < 400 && !(processesUsing(tmp).length >= 2 && runDirHasFiles()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(processesUsing(tmp).length).toBeGreaterThanOrEqual(2); // the bench and its worker
    expect(runDirHasFiles()).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted: the benchmark stopped');
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(processesUsing(tmp)).toEqual([]);
  });
});
