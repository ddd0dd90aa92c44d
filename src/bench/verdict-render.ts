/**
 * The verdict as the text report prints it (after the tables, wrapped for a terminal) and as the
 * HTML report shows it (at the top). The sentences themselves are made in verdict.ts and advice.ts
 * and travel in the JSON; this file only lays them out.
 */
import { wrapText } from './format.js';
import { escapeXml } from './svg-charts.js';
import type { Verdict } from './verdict.js';

/** Width of the wrapped verdict lines. */
const WIDTH = 100;

/** Escaped text, with `code` spans (option values, function names in the traits) set as code. */
const html = (text: string): string => escapeXml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The verdict section of the text report, as lines. */
export function renderVerdictText(verdict: Verdict): string[] {
  const lines: string[] = ['verdict, per workload (from this run\'s figures):'];
  for (const text of [verdict.rule, ...verdict.notes]) lines.push(...wrapText(text, WIDTH, '  '));
  for (const w of verdict.workloads) {
    lines.push(...wrapText(`${w.workload}: ${w.text}`, WIDTH, '  ', '      '));
    lines.push(...wrapText(`Why: ${w.why}`, WIDTH, '      '));
  }
  if (verdict.engines.length > 0) {
    lines.push('', 'choose this engine if … (from the figures above):');
    for (const a of verdict.engines) lines.push(...wrapText(`${a.engine}: ${a.text}`, WIDTH, '  ', '      '));
  }
  return lines;
}

/** The verdict section of the HTML report. */
export function renderVerdictHtml(verdict: Verdict): string {
  const out: string[] = ['<section class="verdict"><h2>Verdict</h2>'];
  out.push(`<p class="meta">${[verdict.rule, ...verdict.notes].map(html).join('<br>')}</p>`);
  out.push('<table><thead><tr><th>workload</th><th>verdict</th><th>why</th></tr></thead><tbody>');
  for (const w of verdict.workloads) {
    out.push(`<tr class="${w.winner === null ? 'tie' : 'win'}"><td>${escapeXml(w.workload)}</td><td>${html(w.text)}</td><td>${html(w.why)}</td></tr>`);
  }
  out.push('</tbody></table>');
  if (verdict.engines.length > 0) {
    out.push('<h3>Choose this engine if …</h3><ul>');
    for (const a of verdict.engines) out.push(`<li><b>${escapeXml(a.engine)}</b>: ${html(a.text)}</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('');
}
