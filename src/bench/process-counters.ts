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
