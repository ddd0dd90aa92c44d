/**
 * Inline SVG charts for the HTML report, drawn here rather than by a charting library so the
 * report needs no script and no network: horizontal bars with min–max whiskers, and latency
 * percentiles on a logarithmic axis. Elements carry no xmlns (inline SVG in HTML needs none).
 * Charts have a viewBox and no fixed size: the page's CSS (svg.chart) stretches them to their
 * column, so a row of charts uses the page width.
 */

export interface BarRow {
  label: string;
  color: string;
  value: number;
  min?: number;
  max?: number;
  /** Shown at the end of the bar. */
  text: string;
}

export interface PercentileRow {
  label: string;
  color: string;
  p50: number;
  p99: number;
  p999: number;
}

const ROW = 22;
const LABEL = 90;
const TEXT = 120;
const TOP = 26;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function title(text: string, width: number): string {
  return `<text x="${width / 2}" y="16" text-anchor="middle" class="title">${escapeXml(text)}</text>`;
}

/** Bars from zero, scaled to the largest value (or max whisker); one row per engine. */
export function barChart(heading: string, rows: readonly BarRow[], width = 420): string {
  const height = TOP + rows.length * ROW + 8;
  const plot = width - LABEL - TEXT;
  const top = Math.max(...rows.map((r) => Math.max(r.value, r.max ?? 0)), 1e-12);
  const x = (v: number): number => LABEL + (v / top) * plot;
  const parts = [title(heading, width)];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    parts.push(`<text x="${LABEL - 6}" y="${y + 14}" text-anchor="end">${escapeXml(r.label)}</text>`);
    parts.push(`<rect x="${LABEL}" y="${y + 3}" width="${Math.max(x(r.value) - LABEL, 1).toFixed(1)}" height="${ROW - 8}" fill="${r.color}"><title>${escapeXml(`${r.label}: ${r.text}`)}</title></rect>`);
    if (r.min !== undefined && r.max !== undefined && r.max > r.min) {
      const mid = y + ROW / 2 - 1;
      parts.push(`<path d="M${x(r.min).toFixed(1)} ${mid}H${x(r.max).toFixed(1)}M${x(r.min).toFixed(1)} ${mid - 4}v8M${x(r.max).toFixed(1)} ${mid - 4}v8" class="whisker"/>`);
    }
    parts.push(`<text x="${(Math.max(x(r.value), x(r.max ?? 0)) + 6).toFixed(1)}" y="${y + 14}" class="value">${escapeXml(r.text)}</text>`);
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(heading)}">${parts.join('')}</svg>`;
}

/** p50, p99 and p99.9 per engine as three marks on one line, on a log10 axis of microseconds. */
export function percentileChart(heading: string, rows: readonly PercentileRow[], width = 420): string {
  const axis = 18;
  const height = TOP + rows.length * ROW + axis + 6;
  const plot = width - LABEL - 20;
  const values = rows.flatMap((r) => [r.p50, r.p99, r.p999]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.max(Math.ceil(Math.log10(Math.max(...values, 10))), lo + 1);
  const x = (v: number): number => LABEL + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plot;
  const parts = [title(heading, width)];
  const bottom = TOP + rows.length * ROW;
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e).toFixed(1);
    const label = e >= 3 ? `${10 ** (e - 3)}ms` : `${10 ** e}µs`;
    parts.push(`<path d="M${gx} ${TOP}V${bottom}" class="grid"/><text x="${gx}" y="${bottom + 13}" text-anchor="middle" class="axis">${label}</text>`);
  }
  rows.forEach((r, i) => {
    const y = TOP + i * ROW + ROW / 2;
    parts.push(`<text x="${LABEL - 6}" y="${y + 4}" text-anchor="end">${escapeXml(r.label)}</text>`);
    parts.push(`<path d="M${x(r.p50).toFixed(1)} ${y}H${x(r.p999).toFixed(1)}" stroke="${r.color}" stroke-width="2"/>`);
    const tip = `${r.label}: p50 ${r.p50.toPrecision(3)} µs, p99 ${r.p99.toPrecision(3)} µs, p99.9 ${r.p999.toPrecision(3)} µs`;
    parts.push(`<g fill="${r.color}"><title>${escapeXml(tip)}</title>`);
    parts.push(`<circle cx="${x(r.p50).toFixed(1)}" cy="${y}" r="5"/>`);
    parts.push(`<rect x="${(x(r.p99) - 4).toFixed(1)}" y="${y - 4}" width="8" height="8"/>`);
    parts.push(`<path d="M${x(r.p999).toFixed(1)} ${y - 6}l5 10h-10z"/></g>`);
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(heading)}">${parts.join('')}</svg>`;
}
