/**
 * `kvs bench` end to end through the built CLI: worker processes, --json against its schema and
 * with its verdict, --out, a bad engine name reported while the others run, --help, and Ctrl-C
 * (SIGINT) keeping the finished workloads in --json and --out (marked incomplete), exiting 130,
 * killing the workers and removing every temporary directory.
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
    expect(bitcask.memoryPerKeyBytes).toEqual(expect.any(Number));
    // memory keeps nothing on disk, so bitcask is the only contender: no winner, and nothing to compare.
    expect(report.verdict.contenders).toEqual(['bitcask']);
    expect(report.verdict.excluded.map((e) => e.engine)).toEqual(['memory']);
    expect(report.verdict.workloads.map((w) => [w.workload, w.winner, w.text])).toEqual([
      ['fillrandom', null, 'bitcask alone ran it.'],
      ['readrandom', null, 'bitcask alone ran it.'],
      ['readseq', null, 'bitcask alone ran it.'],
    ]);
    expect(report.verdict.workloads[1]!.why).toMatch(/^In bitcask, a get is one lookup in the in-memory keydir/);
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
    // The verdict comes after the tables.
    expect(result.out.indexOf('\nverdict, per workload')).toBeGreaterThan(result.out.indexOf('DISK AFTER OVERWRITE'));
    expect(result.out).toMatch(/^ {2}fillseq: bitcask alone ran it\.$/m);
    expect(result.out).toMatch(/^ {6}Why: In bitcask, a set is one append/m);
    expect(result.out).toMatch(/^ {2}bitcask: /m);
    expect(result.stderr).toContain('wrote report.html');
    const html = fs.readFileSync(path.join(cwd, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    const embedded = extractReportJson(html) as BenchReport;
    expect(validateReport(embedded)).toEqual([]);
    expect(embedded.summary.workloads.map((w) => w.workload)).toEqual(['fillseq', 'overwrite']);
    // The verdict is at the top of the report, before the first chart.
    expect(html.indexOf('<section class="verdict">')).toBeGreaterThan(0);
    expect(html.indexOf('<section class="verdict">')).toBeLessThan(html.indexOf('<svg'));
  });

  it('--help names the workloads and shows examples; bad settings exit 1 with a message', async () => {
    const cwd = tempDir();
    const help = await kvs(['bench', '--help'], { cwd });
    expect(help.code).toBe(0);
    for (const word of ['readmissing', 'ycsb-f', '--quick', '--out', 'EXAMPLES', 'kvs bench --quick', 'verdict']) expect(help.out).toContain(word);
    // Every example says how long it takes: the long ones say minutes.
    const flat = help.out.replace(/\s+/g, ' '); // oclif wraps the help to the terminal
    expect(flat).toContain('a million records (takes several minutes).');
    expect(flat).toContain('with an HTML report (takes ten minutes or more).');
    expect(flat).not.toContain('in seconds');
    const bad = await kvs(['bench', '--num', '0'], { cwd });
    expect(bad).toMatchObject({ code: 1, out: '' });
    expect(bad.stderr).toContain('Error: --num must be a whole number');
    const out = await kvs(['bench', '--quick', '--engines', 'memory', '--out', path.join(cwd, 'missing', 'r.html')], { cwd });
    expect(out).toMatchObject({ code: 1, out: '' });
    expect(out.stderr).toBe(`Error: cannot write the report to ${path.join(cwd, 'missing', 'r.html')}: that directory does not exist; pass another --out path\n`);
  });

  it('Ctrl-C keeps the finished workloads in --json and --out, marked incomplete, then kills the worker, removes the temporary directories and exits 130', async () => {
    const cwd = tempDir();
    const tmp = tempDir();
    // fillseq is quick; seekrandom on bitcask walks the whole keydir per scan, so it runs for many
    // seconds: the interrupt lands in it, with fillseq finished.
    const args = ['bench', '--engines', 'bitcask', '--workloads', 'fillseq,seekrandom', '--num', '100000', '--repeats', '1', '--no-warmup', '--json', '--out', 'report.html'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TMPDIR: tmp } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The main store appears once fillseq (on a fresh store of its own) is done and seekrandom loads.
    const mainStore = (): string | undefined =>
      fs.readdirSync(tmp).filter((root) => root.startsWith('kvs-bench-')).map((root) => path.join(tmp, root, 'bitcask-1', 'main')).find((dir) => fs.existsSync(dir) && fs.readdirSync(dir).length > 0);
    for (let i = 0; i < 1200 && mainStore() === undefined; i++) await new Promise((r) => setTimeout(r, 25));
    expect(mainStore()).toBeDefined();
    expect(processesUsing(tmp).length).toBeGreaterThanOrEqual(2); // the bench and its worker
    await new Promise((r) => setTimeout(r, 300)); // the worker's "fillseq done" message is on its way
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted: the benchmark stopped and its workers were killed; the report keeps the 1 workload(s) that finished');
    expect(stderr).toContain('wrote report.html (incomplete)');
    const report = JSON.parse(stdout) as BenchReport;
    expect(validateReport(report)).toEqual([]);
    expect(report.complete).toBe(false);
    expect(report.interruption).toBe('interrupted during bitcask run 1/1, after 1 of its 2 workloads');
    expect(report.runs.map((r) => [r.engine, r.interrupted, r.workloads.map((w) => w.workload)])).toEqual([['bitcask', true, ['fillseq']]]);
    expect(report.summary.workloads.map((w) => w.workload)).toEqual(['fillseq']);
    expect(report.verdict.workloads.map((w) => w.workload)).toEqual(['fillseq']);
    const embedded = extractReportJson(fs.readFileSync(path.join(cwd, 'report.html'), 'utf8')) as BenchReport;
    expect(embedded).toEqual(report);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(processesUsing(tmp)).toEqual([]);
  });
});
