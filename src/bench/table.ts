/**
 * The text report: a table per workload (engines as rows: ops/s and MB/s as median with min–max
 * over repeats, latency percentiles as medians), then one table of whole-run figures per engine,
 * the engines that failed or were skipped, and the verdict.
 */
import { WORKLOADS } from './workloads/index.js';
import type { BenchReport, WorkloadSummary } from './report.js';
import { alignTable, formatBytes, formatCount, formatSig, formatSpread } from './format.js';
import { renderVerdictText } from './verdict-render.js';

function workloadTable(name: string, rows: readonly WorkloadSummary[]): string[] {
  const first = rows[0]!;
  const per = first.unit === 'batch' ? 'per batch() call' : name === 'seekrandom' ? 'per scan' : name === 'readseq' || name === 'readreverse' ? 'per entry' : 'per operation';
  const header = ['ENGINE', 'OPS/S', 'MB/S', 'P50 µs', 'P99 µs', 'P99.9 µs'];
  const body = rows.map((r) => [
    r.engine,
    formatSpread(r.opsPerSec, formatCount),
    formatSig(r.mbPerSec.median),
    formatSig(r.latencyUs.p50.median),
    formatSig(r.latencyUs.p99.median),
    formatSig(r.latencyUs.p999.median),
  ]);
  const summary = WORKLOADS.find((w) => w.name === name)?.summary ?? '';
  const capped = rows.some((r) => r.truncated) ? `; stopped at the time cap (--max-seconds) in some runs` : '';
  return [`${name}: ${first.ops.toLocaleString('en-US')} ops, latency ${per}${capped} (${summary})`, ...alignTable([header, ...body], [false, true, true, true, true, true]).map((l) => `  ${l}`)];
}

/** The whole text report, as lines. */
export function renderTextReport(report: BenchReport): string[] {
  const c = report.config;
  const lines: string[] = [
    `kvs bench: ${c.num.toLocaleString('en-US')} records, ${c.keySize}-byte keys, ${c.valueSize}-byte values, sync ${c.sync}, batch ${c.batch}, ${c.repeats} repeat(s)${c.repeats > 1 ? ' (median, min–max)' : ''}`,
  ];
  if (report.complete === false) lines.push(`INCOMPLETE: ${report.interruption ?? 'interrupted'}; the tables hold the workloads that finished.`);
  lines.push('');
  for (const workload of c.workloads) {
    const rows = report.summary.workloads.filter((r) => r.workload === workload);
    if (rows.length === 0) continue;
    lines.push(...workloadTable(workload, rows), '');
  }
  if (report.summary.resources.length > 0) {
    const header = ['ENGINE', 'DISK AFTER FILL', 'SPACE AMP', 'DISK AFTER OVERWRITE', 'WRITE AMP', 'REOPEN ms', 'PEAK RSS', 'MEMORY/KEY'];
    const body = report.summary.resources.map((r) => [
      r.engine,
      formatSpread(r.diskAfterFillBytes, formatBytes),
      formatSpread(r.spaceAmplification, (n) => `${n.toFixed(2)}x`),
      formatSpread(r.diskAfterOverwriteBytes, formatBytes),
      formatSpread(r.writeAmplification, (n) => `${n.toFixed(2)}x`),
      formatSpread(r.reopenMs, formatSig),
      formatSpread(r.peakRssBytes, formatBytes),
      formatSpread(r.memoryPerKeyBytes ?? null, (n) => formatBytes(Math.round(n))),
    ]);
    lines.push('whole run, per engine (space amp = disk after fill / user data; write amp = bytes written to disk / user bytes written;');
    lines.push('memory/key = resident memory the filled store added, per record):');
    lines.push(...alignTable([header, ...body]).map((l) => `  ${l}`), '');
  }
  for (const run of report.runs) {
    for (const skip of run.skipped ?? []) {
      if (run.repeat === 1) lines.push(`note: ${run.engine} ${skip.workload} not run: ${skip.reason}`);
    }
  }
  for (const entry of report.engines) {
    if (entry.status === 'failed') lines.push(`FAILED: ${entry.name}: ${entry.note ?? 'unknown error'}`);
    if (entry.status === 'skipped') lines.push(`skipped: ${entry.name}: ${entry.note ?? ''}`);
  }
  if (report.verdict !== undefined) {
    while (lines.at(-1) === '') lines.pop();
    lines.push('', ...renderVerdictText(report.verdict));
  }
  while (lines.at(-1) === '') lines.pop();
  return lines;
}
