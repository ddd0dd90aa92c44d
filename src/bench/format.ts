/** Number formatting shared by the text tables and the HTML report. */
import type { Spread } from './stats.js';

/** 1234567 -> "1,234,567"; below 100, one decimal place. */
export function formatCount(n: number): string {
  if (Math.abs(n) < 100) return n.toFixed(1);
  return Math.round(n).toLocaleString('en-US');
}

/** Three significant digits: 0.0123 -> "0.0123", 12.34 -> "12.3", 12345 -> "12,345". */
export function formatSig(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

/** A ratio of two figures: 1.784 -> "1.78x", 12.34 -> "12x", 0.0123 -> "0.012x". */
export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return 'unboundedly many times';
  if (x >= 10) return `${Math.round(x).toLocaleString('en-US')}x`;
  if (x >= 1) return `${x.toFixed(2)}x`;
  return `${Number(x.toPrecision(2))}x`;
}

/**
 * `text` broken at spaces into lines of at most `width` characters (a longer word gets a line of
 * its own), the first line prefixed by `first` and the rest by `rest`.
 */
export function wrapText(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** "median (min–max)", or the median alone when the run had one repeat. */
export function formatSpread(s: Spread | null, format: (n: number) => string): string {
  if (s === null) return '-';
  if (s.min === s.max) return format(s.median);
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

/** Rows as lines of columns separated by two spaces; numeric-looking columns right-aligned. */
export function alignTable(rows: readonly (readonly string[])[], rightAlign: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (rightAlign[i] === true ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
