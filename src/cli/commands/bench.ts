/** `kvs bench`: the same workloads on every engine, as tables, JSON or an HTML report. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { QUICK, renderHtmlReport, renderTextReport, resolveConfig, runBench, WORKLOAD_GROUPS, WORKLOADS, type BenchEvent, type BenchReport } from '../../bench/index.js';
import { ErrorCodes, KvsError, SYNC_POLICIES } from '../../index.js';
import { BaseCommand } from '../base-command.js';
import { printJson, writeAll } from '../output.js';
import { createProgress, type Progress } from '../progress.js';

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s !== '');

export default class Bench extends BaseCommand {
  static override summary = 'Benchmark the storage engines on db_bench and YCSB workloads.';
  static override description = `Runs the same workloads on each engine, each run in a fresh temporary directory and a worker process of its own, engines interleaved over --repeats rounds after an unmeasured warm-up; figures are medians with min–max over the rounds. Prints a table per workload (ops/s, MB/s, latency p50/p99/p99.9) and, per engine, bytes on disk after the fill and after overwrite, write amplification (bytes this process wrote to disk per byte of user data, from /proc/self/io), reopen time until the first get returns, and peak RSS.

After the tables comes a verdict drawn from the run's own figures: per workload the winner and its margin over the runner-up, or "no clear winner" when their min–max ranges overlap, with the reason from each engine's design; then when to choose each engine (memory per key, space and write amplification, reopen). --json and --out carry it too.

Workloads: ${WORKLOADS.map((w) => w.name).join(', ')}; groups: ${Object.keys(WORKLOAD_GROUPS).join(', ')}. Batched writes (*-batch, --batch sets per batch() call) are reported apart from single sets. Stores use --sync never unless told otherwise (fillsync always syncs every write).

--quick uses ${QUICK.num.toLocaleString('en-US')} records, one round and a ${QUICK.maxSeconds}-second cap per read workload (explicit flags win). --engines all (the default) runs every engine usable here; a server engine (redis) runs only with --url. An engine that fails to load or throws is reported and the others still run; the exit code is then 1. Progress, with an estimate of the time left, goes to stderr. Ctrl-C stops the run: the workers are killed, the workloads that finished are printed and written to --out, marked incomplete, then the temporary directories are removed (exit 130).`;
  static override examples = [
    { description: 'A first look at every engine, in well under a minute.', command: '<%= config.bin %> <%= command.id %> --quick' },
    { description: 'Two engines, two workloads, a million records (takes several minutes).', command: '<%= config.bin %> <%= command.id %> --engines bitcask,level --workloads fillrandom,readrandom --num 1000000' },
    { description: 'The YCSB workloads on every engine, with an HTML report (takes ten minutes or more).', command: '<%= config.bin %> <%= command.id %> --workloads ycsb --out report.html' },
    { description: 'Every raw figure and the verdict as JSON, in well under a minute.', command: '<%= config.bin %> <%= command.id %> --quick --json > bench.json' },
  ];
  static override flags = {
    engines: Flags.string({ char: 'e', default: 'all', helpValue: '<names>', summary: 'Engines, separated by commas, or "all" (every engine usable here).' }),
    workloads: Flags.string({ char: 'w', default: 'all', helpValue: '<names>', summary: 'Workloads or groups (fill, read, ycsb, all), separated by commas; they run in a fixed order.' }),
    num: Flags.integer({ char: 'n', helpValue: '<count>', summary: 'Records per fill and operations per workload. Default 100000 (2000 with --quick).' }),
    'key-size': Flags.integer({ helpValue: '<bytes>', summary: 'Key size in bytes. Default 16.' }),
    'value-size': Flags.integer({ helpValue: '<bytes>', summary: 'Value size in bytes. Default 100.' }),
    batch: Flags.integer({ helpValue: '<count>', summary: 'Sets per batch() call in fillseq-batch and fillrandom-batch. Default 100.' }),
    sync: Flags.option({ options: SYNC_POLICIES, helpValue: '<policy>', summary: 'Sync policy of the stores (fillsync always uses always). Default never, as db_bench.' })(),
    repeats: Flags.integer({ char: 'r', helpValue: '<count>', summary: 'Rounds over all engines. Default 3 (1 with --quick).' }),
    'max-seconds': Flags.integer({ helpValue: '<seconds>', summary: 'Stop each read or YCSB workload after this long, reporting the operations done (marked in the table). Default 60 (5 with --quick).' }),
    warmup: Flags.boolean({ default: true, allowNo: true, summary: 'Run an unmeasured warm-up in each run first (--no-warmup to skip).' }),
    seed: Flags.integer({ helpValue: '<n>', summary: 'Seed of the key and value streams (the same on every engine).' }),
    quick: Flags.boolean({ default: false, summary: 'Small counts and one round: a first look in well under a minute.' }),
    json: Flags.boolean({ default: false, summary: 'Print the whole report (every raw figure) as JSON instead of tables.' }),
    out: Flags.string({ char: 'o', helpValue: '<file.html>', summary: 'Also write a self-contained HTML report with charts.' }),
    url: Flags.string({ env: 'KVS_REDIS_URL', helpValue: '<url>', summary: 'Server of the redis engine (redis://host:port).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Bench);
    const engines = flags.engines.trim() === 'all' ? 'all' : list(flags.engines);
    const config = resolveConfig({
      engines,
      workloads: list(flags.workloads),
      quick: flags.quick,
      warmup: flags.warmup,
      ...(flags.num === undefined ? {} : { num: flags.num }),
      ...(flags['key-size'] === undefined ? {} : { keySize: flags['key-size'] }),
      ...(flags['value-size'] === undefined ? {} : { valueSize: flags['value-size'] }),
      ...(flags.batch === undefined ? {} : { batch: flags.batch }),
      ...(flags.sync === undefined ? {} : { sync: flags.sync }),
      ...(flags.repeats === undefined ? {} : { repeats: flags.repeats }),
      ...(flags['max-seconds'] === undefined ? {} : { maxSeconds: flags['max-seconds'] }),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      ...(flags.url === undefined ? {} : { url: flags.url }),
    });
    if (flags.out !== undefined) checkWritable(flags.out); // before the run, not after tens of minutes of it
    const controller = new AbortController();
    const interrupt = (): void => controller.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt); // a second Ctrl-C gets Node's default: exit at once
    const progress = benchProgress(config.repeats);
    // Printed and saved before the runner removes its temporary directories (see onReport).
    const deliver = async (report: BenchReport): Promise<void> => {
      const failed = report.engines.filter((e) => e.status === 'failed');
      const finished = report.runs.reduce((n, r) => n + r.workloads.length, 0);
      progress.done(
        report.complete
          ? `bench: ${report.runs.length} run(s) done${failed.length > 0 ? `, ${failed.length} engine(s) failed` : ''}`
          : `Interrupted: the benchmark stopped and its workers were killed; the report keeps the ${finished} workload(s) that finished, marked incomplete, and the temporary directories are removed after it.`,
      );
      // Set first: a reader that goes away mid-print (EPIPE) ends the process with this code.
      process.exitCode = !report.complete ? 130 : failed.length > 0 ? 1 : 0;
      if (flags.out !== undefined) {
        fs.writeFileSync(flags.out, renderHtmlReport(report));
        process.stderr.write(`wrote ${flags.out}${report.complete ? '' : ' (incomplete)'}\n`);
      }
      await (flags.json ? printJson(report) : writeAll(`${renderTextReport(report).join('\n')}\n`));
    };
    try {
      await runBench(config, { signal: controller.signal, onEvent: progress.onEvent, onReport: deliver });
    } finally {
      process.removeListener('SIGINT', interrupt);
    }
  }
}

/** The progress bar of a run (one unit per workload of each run) and the runner events that move it. */
function benchProgress(repeats: number): { onEvent: (event: BenchEvent) => void; done: (summary: string) => void } {
  let progress: Progress | undefined;
  let perRun = 0;
  let ticked = 0;
  const plain = process.stderr.isTTY !== true;
  const onEvent = (event: BenchEvent): void => {
    if (event.type === 'plan') {
      perRun = event.workloadsPerRun;
      progress = createProgress({ total: event.runs * event.workloadsPerRun, label: 'bench', logEverySeconds: 2 });
    } else if (event.type === 'run-start') {
      ticked = 0;
      progress?.status(`${event.engine} run ${event.repeat}/${repeats}`);
      if (plain) process.stderr.write(`bench: ${event.engine} run ${event.repeat}/${repeats}\n`);
    } else if (event.type === 'workload') {
      ticked++;
      progress?.status(`${event.engine} run ${event.repeat}/${repeats}: ${event.workload} done`);
      progress?.tick();
    } else if (event.type === 'run-end') {
      // A run that failed part-way skips its remaining workloads: count them as done.
      if (ticked < perRun) progress?.tick(perRun - ticked);
    }
  };
  return { onEvent, done: (summary) => (progress === undefined ? process.stderr.write(`${summary}\n`) : progress.done(summary)) };
}

/** Throws INVALID_ARGUMENT, with the reason, iff a report cannot be written at `file`. */
function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'that directory does not exist' : 'that directory is not writable';
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `cannot write the report to ${file}: ${why}; pass another --out path`, { cause: err });
  }
}
