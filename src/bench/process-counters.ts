/**
 * The process's own resource counters: bytes written to storage (Linux /proc/self/io) and peak
 * resident memory. Per engine only when each engine run has a process of its own (the runner's
 * default), which is why runs are isolated in worker processes.
 */
import * as fs from 'node:fs';

/**
 * Bytes this process (all its threads, including native background threads such as LevelDB's
 * compaction) caused to be written to storage, or null where /proc/self/io is not available.
 * Linux counts a buffered write when the page is dirtied, so the figure moves without waiting for
 * writeback.
 */
export function ioWriteBytes(): number | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/io', 'utf8');
  } catch {
    return null;
  }
  const match = /^write_bytes:\s*(\d+)$/m.exec(text);
  return match === null ? null : Number(match[1]);
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Memory in use, for taking differences: the live JavaScript heap after a full garbage collection
 * (the worker runs with --expose-gc; without `gc`, whatever is live now) plus the resident memory
 * outside the JavaScript heap (native allocations, mapped file pages). The heap is counted by
 * what is live rather than by what it has reserved, which grows with allocation pressure alone.
 */
export function memoryInUseBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + Math.max(0, m.rss - m.heapTotal);
}
