/**
 * The self-contained HTML report (`--out report.html`): the verdict first, then inline SVG charts
 * that share the page width, the text tables, and the full report as JSON in a
 * <script type="application/json"> element, so it opens in a browser with no network and programs
 * can read the raw figures back out of it.
 */
import { formatBytes, formatCount, formatSig } from './format.js';
import type { BenchReport, ResourceSummary } from './report.js';
import type { Spread } from './stats.js';
import { barChart, escapeXml, percentileChart, type BarRow } from './svg-charts.js';
import { renderTextReport } from './table.js';
import { renderVerdictHtml } from './verdict-render.js';

/** The id of the element holding the report's JSON. */
export const DATA_ELEMENT_ID = 'kvs-bench-data';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:16px 0 6px}
.meta{color:#555}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:10px 18px}
svg.chart{display:block;width:100%;height:auto}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .title{font-weight:600;font-size:12px}
svg .value,svg .axis{fill:#555}svg .whisker{stroke:#222;stroke-width:1;fill:none}svg .grid{stroke:#e4e4e4}
pre{background:#f7f7f7;padding:12px;overflow-x:auto;font-size:12px}.failed,.incomplete{color:#b00}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:10px 0}.legend .key{display:inline-flex;align-items:center;gap:5px}
.legend .swatch{display:inline-block;width:12px;height:12px;border-radius:2px}
.verdict table{border-collapse:collapse;width:100%}.verdict td,.verdict th{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #e4e4e4}
.verdict td:first-child{white-space:nowrap;font-weight:600}.verdict td:nth-child(2){width:30%}.verdict code{font-size:12px;background:#f3f3f3;padding:0 2px}.verdict tr.tie td:nth-child(2){color:#666}.verdict li{margin:4px 0}`;

/** JSON that can sit inside a <script> element: "<" never appears, so "</script>" cannot. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Reads a report back out of an HTML report; throws if the data element is missing. */
export function extractReportJson(html: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  if (match === null) throw new Error(`no <script id="${DATA_ELEMENT_ID}"> element in the HTML report`);
  return JSON.parse(match[1]!);
}

export function renderHtmlReport(report: BenchReport): string {
  const engines = report.config.engines;
  const color = (engine: string): string => PALETTE[engines.indexOf(engine) % PALETTE.length]!;
  const c = report.config;
  const m = report.machine;
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kvs bench ${escapeXml(report.startedAt)}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>kvs bench</h1><p class="meta">${escapeXml(report.startedAt)} · ${m.cpus} CPUs (${escapeXml(m.cpuModel)}), ${formatBytes(m.memoryBytes)} RAM, Node ${escapeXml(m.node)}, ${escapeXml(`${m.platform} ${m.release}`)}<br>`);
  out.push(`${formatCount(c.num)} records · ${c.keySize}-byte keys · ${c.valueSize}-byte values · sync ${c.sync} · batch ${c.batch} · ${c.repeats} repeat(s), bars show the median and whiskers the min–max</p>`);
  if (report.complete === false) out.push(`<p class="incomplete">Incomplete: ${escapeXml(report.interruption ?? 'interrupted')}; the figures are those of the workloads that finished.</p>`);
  for (const entry of report.engines.filter((e) => e.status !== 'ok')) {
    out.push(`<p class="${entry.status}">${escapeXml(`${entry.status}: ${entry.name}: ${entry.note ?? ''}`)}</p>`);
  }
  if (report.verdict !== undefined) out.push(renderVerdictHtml(report.verdict));
  // Each swatch sits inside the same element as its own engine's name, so they cannot drift apart.
  out.push(`<p class="legend">${engines.map((e) => `<span class="key"><span class="swatch" style="background:${color(e)}"></span><span class="name">${escapeXml(e)}</span></span>`).join('')}</p>`);

  out.push('<h2>Throughput (operations per second; batched rows count keys)</h2><div class="grid">');
  for (const workload of c.workloads) {
    const rows = report.summary.workloads.filter((r) => r.workload === workload);
    if (rows.length === 0) continue;
    const bars: BarRow[] = rows.map((r) => ({ label: r.engine, color: color(r.engine), value: r.opsPerSec.median, min: r.opsPerSec.min, max: r.opsPerSec.max, text: formatCount(r.opsPerSec.median) }));
    out.push(barChart(workload, bars));
  }
  out.push('</div><h2>Latency percentiles (● p50, ■ p99, ▲ p99.9; log scale)</h2><div class="grid">');
  for (const workload of c.workloads) {
    const rows = report.summary.workloads.filter((r) => r.workload === workload);
    if (rows.length === 0) continue;
    out.push(percentileChart(workload, rows.map((r) => ({ label: r.engine, color: color(r.engine), p50: r.latencyUs.p50.median, p99: r.latencyUs.p99.median, p999: r.latencyUs.p999.median }))));
  }
  out.push('</div><h2>Whole run, per engine</h2><div class="grid">');
  const resourceChart = (heading: string, pick: (r: ResourceSummary) => Spread | null, format: (n: number) => string): void => {
    const bars = report.summary.resources.flatMap((r) => {
      const s = pick(r);
      return s === null ? [] : [{ label: r.engine, color: color(r.engine), value: s.median, min: s.min, max: s.max, text: format(s.median) }];
    });
    if (bars.length > 0) out.push(barChart(heading, bars));
  };
  resourceChart('disk after fill', (r) => r.diskAfterFillBytes, formatBytes);
  resourceChart('disk after overwrite', (r) => r.diskAfterOverwriteBytes, formatBytes);
  resourceChart('write amplification (disk bytes / user bytes)', (r) => r.writeAmplification, (n) => `${n.toFixed(2)}x`);
  resourceChart('reopen until first get (ms)', (r) => r.reopenMs, formatSig);
  resourceChart('peak RSS', (r) => r.peakRssBytes, formatBytes);
  resourceChart('memory per key (resident, filled store)', (r) => r.memoryPerKeyBytes ?? null, (n) => formatBytes(Math.round(n)));
  out.push('</div><h2>Tables</h2>');
  out.push(`<pre>${escapeXml(renderTextReport(report).join('\n'))}</pre>`);
  out.push(`<script type="application/json" id="${DATA_ELEMENT_ID}">${embedJson(report)}</script>`);
  out.push('</body></html>\n');
  return out.join('\n');
}
