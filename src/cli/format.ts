/**
 * Human-readable rendering for the CLI: byte sizes, aligned tables, engine statistics (nested
 * records indented, arrays of records as tables), and bytes made safe to show on a terminal.
 */
import { isUtf8 } from 'node:buffer';
import type { StatValue, VerifyReport } from '../engine/types.js';

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

/** The first line of `kvs compact`: what the store's size did, in the direction it went. */
export function describeCompaction(result: { bytesBefore: number; bytesAfter: number; reclaimedBytes: number }): string {
  const sizes = `(${formatBytes(result.bytesBefore)} -> ${formatBytes(result.bytesAfter)})`;
  if (result.bytesAfter > result.bytesBefore) return `Grew by ${formatBytes(result.bytesAfter - result.bytesBefore)} ${sizes}`;
  return `Reclaimed ${formatBytes(result.reclaimedBytes)} ${sizes}`;
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

/** Characters a terminal would act on instead of showing (C0 and C1 controls, DEL), and the escape character itself. */
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\\]/g;
const NAMED_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };

function escapeChar(ch: string): string {
  const named = NAMED_ESCAPES[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code < 0x80 ? `\\x${hex(code)}` : `\\u00${hex(code)}`;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function escapeText(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/**
 * `bytes` as text a terminal shows as it is: valid UTF-8 stays text; tab, newline, carriage
 * return and backslash become \t \n \r \\; other controls \xHH (C0, DEL) or \u00HH (C1); a
 * byte that is not part of valid UTF-8 becomes \xHH (HH at least 80, so never a character).
 */
export function escapeForTerminal(bytes: Buffer): string {
  if (isUtf8(bytes)) return escapeText(bytes.toString('utf8'));
  let out = '';
  let text = 0; // start of the valid run not yet written
  for (let i = 0; i < bytes.length; ) {
    const n = utf8Length(bytes[i]!);
    if (n > 0 && i + n <= bytes.length && isUtf8(bytes.subarray(i, i + n))) {
      i += n;
      continue;
    }
    out += escapeText(bytes.toString('utf8', text, i)) + `\\x${hex(bytes[i]!)}`;
    text = ++i;
  }
  return out + escapeText(bytes.toString('utf8', text));
}

/** Bytes in the UTF-8 sequence that `lead` starts, or 0 iff no sequence starts with it. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}
