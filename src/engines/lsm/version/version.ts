/**
 * A Version: the live tables of every level at one moment. Immutable once built; a flush or
 * compaction makes a new one. Reference-counted: the version set holds its current version,
 * and each scan holds the version it started on, so compaction can replace tables without
 * pulling them from under a reader; a table file is deleted only when no live version lists it.
 *
 * Level 0 holds flushed memtables, which may overlap: ordered by file number (oldest first).
 * Levels >= 1 hold tables with disjoint key ranges, ordered by smallest key.
 */
import { compareBytes } from '../../../util/bytes.js';
import type { FileMeta } from '../manifest/version-edit.js';

export class Version {
  readonly levels: readonly (readonly FileMeta[])[];
  #refs = 0;
  readonly #onUnused: (v: Version) => void;

  constructor(levels: readonly (readonly FileMeta[])[], onUnused: (v: Version) => void) {
    this.levels = levels;
    this.#onUnused = onUnused;
  }

  ref(): void {
    this.#refs++;
  }

  /** Drops a reference; the last one tells the version set the version is no longer live. */
  unref(): void {
    if (--this.#refs === 0) this.#onUnused(this);
  }

  get refs(): number {
    return this.#refs;
  }

  levelBytes(level: number): number {
    let total = 0;
    for (const f of this.levels[level]!) total += f.fileSize;
    return total;
  }

  /** Index of the first file of sorted level `level` (>= 1) whose largest key is >= `key`. */
  findFile(level: number, key: Uint8Array): number {
    const files = this.levels[level]!;
    let lo = 0;
    let hi = files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(files[mid]!.largest, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Files of `level` whose key range intersects [smallest, largest] (either bound undefined =
   * unbounded). At level 0 the range grows to cover every file it pulls in, since L0 files
   * overlap each other and a key's versions must move down together.
   */
  overlapping(level: number, smallest: Buffer | undefined, largest: Buffer | undefined): FileMeta[] {
    const files = this.levels[level]!;
    const hits = (f: FileMeta): boolean =>
      (largest === undefined || compareBytes(f.smallest, largest) <= 0) && (smallest === undefined || compareBytes(f.largest, smallest) >= 0);
    if (level > 0) {
      const out: FileMeta[] = [];
      for (let i = smallest === undefined ? 0 : this.findFile(level, smallest); i < files.length && hits(files[i]!); i++) out.push(files[i]!);
      return out;
    }
    for (;;) {
      const out = files.filter(hits);
      let grew = false;
      for (const f of out) {
        if (smallest !== undefined && compareBytes(f.smallest, smallest) < 0) [smallest, grew] = [f.smallest, true];
        if (largest !== undefined && compareBytes(f.largest, largest) > 0) [largest, grew] = [f.largest, true];
      }
      if (!grew) return out;
    }
  }

  /** True iff some file of `level` may hold a key in [smallest, largest]. */
  overlaps(level: number, smallest: Buffer, largest: Buffer): boolean {
    const files = this.levels[level]!;
    if (level === 0) return files.some((f) => compareBytes(f.smallest, largest) <= 0 && compareBytes(f.largest, smallest) >= 0);
    const i = this.findFile(level, smallest);
    return i < files.length && compareBytes(files[i]!.smallest, largest) <= 0;
  }
}

/** Smallest and largest user key over `files`. REQUIRES: files is non-empty. */
export function keyRange(files: readonly FileMeta[]): { smallest: Buffer; largest: Buffer } {
  let { smallest, largest } = files[0]!;
  for (const f of files) {
    if (compareBytes(f.smallest, smallest) < 0) smallest = f.smallest;
    if (compareBytes(f.largest, largest) > 0) largest = f.largest;
  }
  return { smallest, largest };
}

export function totalBytes(files: readonly FileMeta[]): number {
  return files.reduce((s, f) => s + f.fileSize, 0);
}
