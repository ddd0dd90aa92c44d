/** Compaction policy: scores, the L0 trigger, level budgets, round robin, trivial moves, flush placement. */
import { describe, expect, it } from 'vitest';
import { isTrivialMove, levelBudget, levelScores, pickCompaction, pickFlushLevel } from '../../../src/engines/lsm/compaction/compaction-policy.js';
import type { FileMeta } from '../../../src/engines/lsm/manifest/version-edit.js';
import { Version } from '../../../src/engines/lsm/version/version.js';

const options = { l0CompactionTrigger: 4, level1MaxBytes: 1000, levelSizeRatio: 10, levels: 4, targetFileSize: 100 };
let n = 0;
const file = (smallest: string, largest: string, fileSize = 10): FileMeta => ({ number: ++n, fileSize, entryCount: 1, smallest: Buffer.from(smallest), largest: Buffer.from(largest) });
const version = (...levels: FileMeta[][]): Version => new Version([...levels, ...Array.from({ length: 4 - levels.length }, () => [])], () => undefined);

describe('compaction policy', () => {
  it('budgets grow by the ratio per level', () => {
    expect([1, 2, 3].map((l) => levelBudget(l, options))).toEqual([1000, 10_000, 100_000]);
  });

  it('level 0 scores by file count and compacts all its files with the L1 files they overlap', () => {
    const l0 = [file('a', 'c'), file('b', 'd'), file('x', 'y'), file('c', 'e')];
    const l1 = [file('a', 'b'), file('f', 'g'), file('w', 'z')];
    const v = version(l0, l1);
    expect(levelScores(v, options)[0]).toBe(1);
    const pick = pickCompaction(v, options, [])!;
    expect(pick.level).toBe(0);
    expect(pick.inputs).toHaveLength(4);
    expect(pick.nextInputs.map((f) => f.smallest.toString())).toEqual(['a', 'f', 'w']);
  });

  it('below every trigger nothing is picked', () => {
    expect(pickCompaction(version([file('a', 'b')], [file('a', 'b', 999)]), options, [])).toBeUndefined();
  });

  it('the level furthest over budget goes first, one file at a time, round robin from the compact pointer', () => {
    const l1 = [file('a', 'b', 600), file('c', 'd', 600), file('e', 'f', 600)];
    const v = version([], l1, [file('c', 'c')]);
    expect(pickCompaction(v, options, [])!.inputs).toEqual([l1[0]]);
    const next = pickCompaction(v, options, [undefined, Buffer.from('b')])!;
    expect(next.inputs).toEqual([l1[1]]);
    expect(next.nextInputs).toHaveLength(1);
    expect(pickCompaction(v, options, [undefined, Buffer.from('f')])!.inputs).toEqual([l1[0]]); // wraps around
  });

  it('a lone file with nothing under it moves down without a rewrite (trivial move)', () => {
    const v = version([], [file('a', 'b', 2000)], [file('x', 'y')]);
    const pick = pickCompaction(v, options, [])!;
    expect(pick.nextInputs).toEqual([]);
    expect(isTrivialMove(v, pick, options)).toBe(true);
  });

  it('a flushed memtable goes to level 0 if it overlaps there or level 1, else to level 1, never deeper', () => {
    const v = version([file('m', 'p')], [file('a', 'c')], []);
    expect(pickFlushLevel(v, Buffer.from('n'), Buffer.from('o'), options)).toBe(0);
    expect(pickFlushLevel(v, Buffer.from('b'), Buffer.from('d'), options)).toBe(0); // overlaps L1: stays above it
    expect(pickFlushLevel(v, Buffer.from('x'), Buffer.from('z'), options)).toBe(1);
  });

  it('a flush placed in level 1 is reached by the next level-0 compaction, which drops its shadowed versions', () => {
    const v = version([file('a', 'z'), file('a', 'z')], [file('a', 'z')], []);
    const pick = pickCompaction(v, { ...options, l0CompactionTrigger: 2 }, [])!;
    expect(pick.level).toBe(0);
    expect(pick.nextInputs.map((f) => f.number)).toEqual(v.levels[1]!.map((f) => f.number));
  });
});
