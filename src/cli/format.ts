/**
 * Human-readable rendering for the CLI: byte sizes, aligned tables, and engine statistics
 * (nested records indented, arrays of records as tables).
 */
import type { StatValue, VerifyReport } from '../index.js';

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `1234567` -> `1.2 MiB`; below 1 KiB, exact bytes (`512 B`). */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Rows as lines of columns separated by two spaces; the last column is not padded. */
export function renderTable(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

function isRecord(value: StatValue): value is { [name: string]: StatValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar statistic; sizes (names ending in bytes or size) also in a readable unit: `3565158 (3.4 MiB)`. */
function scalar(name: string, value: StatValue): string {
  if (typeof value === 'number' && /(bytes|size)$/i.test(name) && Math.abs(value) >= 1024) return `${value} (${formatBytes(value)})`;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((v) => scalar('', v)).join(', ');
  if (isRecord(value)) return JSON.stringify(value);
  return String(value);
}

/** Lines for a statistics record: `name  value`, aligned; nested values indented below their name. */
export function renderStats(record: { [name: string]: StatValue }, indent = ''): string[] {
  const entries = Object.entries(record);
  const width = Math.max(0, ...entries.filter(([, v]) => !isNested(v)).map(([name]) => name.length));
  const lines: string[] = [];
  for (const [name, value] of entries) {
    if (isRecord(value)) {
      lines.push(`${indent}${name}`, ...renderStats(value, `${indent}  `));
    } else if (isNested(value)) {
      const rows = value as { [name: string]: StatValue }[];
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      const cells = rows.map((row) => columns.map((c) => (row[c] === undefined ? '' : scalar(c, row[c]!))));
      lines.push(`${indent}${name}`, ...renderTable([columns, ...cells], `${indent}  `));
    } else {
      lines.push(`${indent}${name.padEnd(width)}  ${scalar(name, value)}`);
    }
  }
  return lines;
}

/** True iff `value` is shown below its name: a record, or a non-empty array of records (a table). */
function isNested(value: StatValue): boolean {
  return isRecord(value) || (Array.isArray(value) && value.length > 0 && value.every(isRecord));
}

/** `kvs check`'s report: what was read, then each problem with its place, then what the engine cannot check. */
export function renderVerifyReport(report: VerifyReport): string[] {
  const read = Object.entries(report.checked).map(([unit, n]) => (/bytes$/i.test(unit) ? `${formatBytes(n)}` : `${n.toLocaleString('en-US')} ${unit}`));
  const lines = [`Checked ${read.length === 0 ? 'nothing' : read.join(', ')}.`];
  if (report.ok) lines.push('No damage found.');
  else {
    lines.push(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found:`);
    for (const p of report.problems) lines.push(`  ${p.file}${p.offset === undefined ? '' : ` at byte offset ${p.offset}`}: ${p.message}`);
  }
  if (report.notChecked.length > 0) lines.push('Not checked:', ...report.notChecked.map((what) => `  ${what}`));
  return lines;
}
