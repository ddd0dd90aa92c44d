/** Merging iterator: duplicate user keys across sources, interleaving, empty children, direction switches, seeks. */
import { describe, it, expect } from 'vitest';
import { EntryKind } from '../../../../src/engines/lsm/entry.js';
import { ArrayIterator, type Entry } from '../../../../src/engines/lsm/iterators/array-iterator.js';
import { MergingIterator } from '../../../../src/engines/lsm/iterators/merge-iterator.js';
import { b, backwardAll, forwardAll, plain, snap, sortInternal, value } from '../sstable/helpers.js';

const merge = (...sources: Entry[][]): MergingIterator => new MergingIterator(sources.map((s) => new ArrayIterator(sortInternal(s))));
const tag = (it: MergingIterator): string => `${it.key().toString()}@${it.seq()}`;

describe('merging iterator', () => {
  it('duplicate user keys across sources come newest first', () => {
    const it = merge([value('a', 9), value('c', 7)], [value('a', 5), value('b', 4)], [value('a', 1, EntryKind.DELETION)]);
    expect(forwardAll(it).map((e) => `${e.key}@${e.seq}`)).toEqual(['a@9', 'a@5', 'a@1', 'b@4', 'c@7']);
    expect(backwardAll(it).map((e) => `${e.key}@${e.seq}`)).toEqual(['c@7', 'b@4', 'a@1', 'a@5', 'a@9']);
  });

  it('interleaved sources merge into one sorted stream', () => {
    const odd = Array.from({ length: 50 }, (_, i) => value(`k${String(2 * i + 1).padStart(3, '0')}`, 1));
    const even = Array.from({ length: 50 }, (_, i) => value(`k${String(2 * i).padStart(3, '0')}`, 2));
    const all = sortInternal([...odd, ...even]).map(plain);
    expect(forwardAll(merge(odd, even))).toEqual(all);
    expect(backwardAll(merge(even, odd))).toEqual([...all].reverse());
  });

  it('empty children, and no children at all, are skipped', () => {
    const it = merge([], [value('x', 1)], []);
    expect(forwardAll(it)).toEqual([plain(value('x', 1))]);
    const none = new MergingIterator([]);
    none.seekToFirst();
    expect(none.valid()).toBe(false);
    none.seekForPrev(b('z'));
    expect(none.valid()).toBe(false);
  });

  it('next then prev then next switches direction without skipping or repeating', () => {
    const it = merge([value('a', 3), value('d', 3), value('e', 3)], [value('b', 2), value('d', 2)], [value('c', 1), value('f', 1)]);
    it.seekToFirst();
    const walk: string[] = [tag(it)];
    for (const move of ['next', 'next', 'prev', 'next', 'next', 'next', 'prev', 'prev', 'next', 'next', 'next', 'next'] as const) {
      it[move]();
      walk.push(it.valid() ? tag(it) : 'end');
    }
    expect(walk).toEqual(['a@3', 'b@2', 'c@1', 'b@2', 'c@1', 'd@3', 'd@2', 'd@3', 'c@1', 'd@3', 'd@2', 'e@3', 'f@1']);
  });

  it('prev then next from the last entry, and prev past the first', () => {
    const it = merge([value('a', 1), value('c', 1)], [value('b', 2)]);
    it.seekToLast();
    expect(tag(it)).toBe('c@1');
    it.prev();
    expect(tag(it)).toBe('b@2');
    it.next();
    expect(tag(it)).toBe('c@1');
    it.next();
    expect(it.valid()).toBe(false);
    it.seekToFirst();
    it.prev();
    expect(it.valid()).toBe(false);
  });

  it('seek and seekForPrev position across children, with versions', () => {
    const it = merge([value('k', 8), value('m', 8)], [value('k', 4), value('n', 4)], [value('j', 2)]);
    it.seek(b('k'));
    expect(tag(it)).toBe('k@8');
    it.seek(b('k'), 5);
    expect(tag(it)).toBe('k@4');
    it.seek(b('k'), 3);
    expect(tag(it)).toBe('m@8');
    it.seek(b('l'));
    expect(tag(it)).toBe('m@8');
    it.prev();
    expect(tag(it)).toBe('k@4');
    it.seekForPrev(b('k'));
    expect(tag(it)).toBe('k@4'); // the oldest version of the last key <= k
    it.prev();
    expect(tag(it)).toBe('k@8');
    it.next();
    it.next();
    expect(tag(it)).toBe('m@8');
    it.seekForPrev(b('a'));
    expect(it.valid()).toBe(false);
    it.seek(b('z'));
    expect(it.valid()).toBe(false);
  });

  it('equal (key, seq) in two children: lower child index first forward, exact reverse backward', () => {
    const x = (v: string): Entry => ({ key: b('k'), seq: 5, kind: EntryKind.VALUE, value: b(v) });
    const it = new MergingIterator([new ArrayIterator([x('new')]), new ArrayIterator([x('old')])]);
    expect(forwardAll(it).map((e) => e.value)).toEqual(['new', 'old']);
    expect(backwardAll(it).map((e) => e.value)).toEqual(['old', 'new']);
    it.seekToFirst();
    it.next();
    it.prev();
    expect(snap(it).value).toBe('new');
    it.next();
    expect(snap(it).value).toBe('old');
  });

  it('close closes every child', () => {
    const a = new ArrayIterator([value('a', 1)]);
    const it = new MergingIterator([a]);
    it.seekToFirst();
    it.close();
    expect(a.valid()).toBe(false);
    expect(it.valid()).toBe(false);
  });
});
