/**
 * Compaction policy: when to compact and what (LevelDB's leveled rules). The mechanism that
 * merges the chosen tables is compaction.ts. Pure functions of a Version and the options.
 *
 * - Level 0 scores (files / l0CompactionTrigger): its files overlap, so reads check all of them.
 * - Level n >= 1 scores (bytes / budget), budget(n) = level1MaxBytes * levelSizeRatio^(n-1).
 * - The level with the highest score >= 1 is compacted into the next. L0 gives all its files
 *   (with the L1 files they overlap); a level n >= 1 gives one file, the first after the key
 *   where its last compaction ended (round robin, so every key range takes its turn).
 */
import { compareBytes } from '../../../util/bytes.js';
import type { FileMeta } from '../manifest/version-edit.js';
import type { LsmOptions } from '../options.js';
import { keyRange, totalBytes, type Version } from '../version/version.js';

export type PolicyOptions = Pick<LsmOptions, 'l0CompactionTrigger' | 'level1MaxBytes' | 'levelSizeRatio' | 'levels' | 'targetFileSize'>;

/** A compaction of `inputs` (level `level`) with `nextInputs` (level + 1) into `outputLevel` (level + 1, or `level` itself for a manual rewrite of the last level holding data). */
export interface CompactionPick {
  level: number;
  inputs: FileMeta[];
  nextInputs: FileMeta[];
  outputLevel: number;
  reason: string;
}

/**
 * Deepest level a flush is placed in. LevelDB allows 2 (kMaxMemCompactLevel), but a table in
 * level 2 is compacted only when level 1 outgrows its budget, which an overwrite workload whose
 * live data fits level 1 never does: its shadowed versions stayed forever. Every level-0
 * compaction merges with the level-1 tables it overlaps, so a flush placed at 1 is reached.
 */
const MAX_FLUSH_LEVEL = 1;

/** A trivial move or a flush placed deeper must not make a later compaction read more than this of level + 2. */
export function maxGrandparentOverlap(options: PolicyOptions): number {
  return 10 * options.targetFileSize;
}

/** Size budget of level `level` >= 1. */
export function levelBudget(level: number, options: PolicyOptions): number {
  return options.level1MaxBytes * options.levelSizeRatio ** (level - 1);
}

/** Score of every level but the last: >= 1 means it needs compaction. */
export function levelScores(version: Version, options: PolicyOptions): number[] {
  const scores: number[] = [];
  for (let level = 0; level < options.levels - 1; level++) {
    scores.push(level === 0 ? version.levels[0]!.length / options.l0CompactionTrigger : version.levelBytes(level) / levelBudget(level, options));
  }
  return scores;
}

/** The compaction the version needs most, or undefined iff every score is below 1. */
export function pickCompaction(version: Version, options: PolicyOptions, compactPointers: readonly (Buffer | undefined)[]): CompactionPick | undefined {
  const scores = levelScores(version, options);
  let level = -1;
  scores.forEach((s, l) => {
    if (s >= 1 && (level < 0 || s > scores[level]!)) level = l;
  });
  if (level < 0) return undefined;
  const reason = `level ${level} score ${scores[level]!.toFixed(2)}`;
  if (level === 0) return withNextLevel(version, 0, [...version.levels[0]!], reason);
  const files = version.levels[level]!;
  const pointer = compactPointers[level];
  const first = files.find((f) => pointer === undefined || compareBytes(f.largest, pointer) > 0) ?? files[0]!;
  return withNextLevel(version, level, [first], reason);
}

/**
 * Manual compaction of a whole level, or undefined iff it is empty: into the next level with
 * what it overlaps there, or, for the deepest level holding data (`inPlace`), rewritten into
 * itself, so that versions and markers a flush placed there directly are dropped too (RocksDB's
 * forced bottommost compaction).
 */
export function pickWholeLevel(version: Version, level: number, inPlace: boolean): CompactionPick | undefined {
  const files = version.levels[level]!;
  if (files.length === 0) return undefined;
  if (inPlace) return { level, inputs: [...files], nextInputs: [], outputLevel: level, reason: `compact() rewrite of level ${level}` };
  return withNextLevel(version, level, [...files], `compact() of level ${level}`);
}

function withNextLevel(version: Version, level: number, inputs: FileMeta[], reason: string): CompactionPick {
  const { smallest, largest } = keyRange(inputs);
  return { level, inputs, nextInputs: version.overlapping(level + 1, smallest, largest), outputLevel: level + 1, reason };
}

/** True iff the pick can move its one file down by editing the manifest, without rewriting it. */
export function isTrivialMove(version: Version, pick: CompactionPick, options: PolicyOptions): boolean {
  if (pick.inputs.length !== 1 || pick.nextInputs.length !== 0) return false;
  const grandparent = pick.level + 2;
  if (grandparent >= options.levels) return true;
  const f = pick.inputs[0]!;
  return totalBytes(version.overlapping(grandparent, f.smallest, f.largest)) <= maxGrandparentOverlap(options);
}

/**
 * The level a flushed memtable with keys [smallest, largest] goes to: 0, or 1 while it overlaps
 * nothing there and not too much in level 2, as LevelDB does (up to MAX_FLUSH_LEVEL): a
 * sequential fill then skips the L0 -> L1 rewrite.
 */
export function pickFlushLevel(version: Version, smallest: Buffer, largest: Buffer, options: PolicyOptions): number {
  if (version.overlaps(0, smallest, largest)) return 0;
  let level = 0;
  while (level < MAX_FLUSH_LEVEL && level + 1 < options.levels - 1) {
    if (version.overlaps(level + 1, smallest, largest)) break;
    if (level + 2 < options.levels && totalBytes(version.overlapping(level + 2, smallest, largest)) > maxGrandparentOverlap(options)) break;
    level++;
  }
  return level;
}
