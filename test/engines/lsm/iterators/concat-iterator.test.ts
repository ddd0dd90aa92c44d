/** Level concatenation: file boundaries in both directions, seeks into gaps, one open child at a time. */
import { describe, it, expect } from 'vitest';
import { ArrayIterator, type Entry } from '../../../../src/engines/lsm/iterators/array-iterator.js';
import { ConcatIterator } from '../../../../src/engines/lsm/iterators/concat-iterator.js';
import type { InternalIterator } from '../../../../src/engines/lsm/iterator.js';
import { b, backwardAll, forwardAll, plain, value } from '../sstable/helpers.js';

/** Files [b c] [e f@2 f@1] [h]; counts open and close calls. */
function level(files: Entry[][] = [[value('b', 1), value('c', 1)], [value('e', 1), value('f', 2), value('f', 1)], [value('h', 1)]]) {
  const stats = { opened: [] as number[], open: 0 };
  const ranges = files.map((f) => ({ smallest: f[0]!.key, largest: f.at(-1)!.key }));
  const it = new ConcatIterator(ranges, (i) => {
    stats.opened.push(i);
    stats.open++;
    const child = new ArrayIterator(files[i]!);
    const close = child.close.bind(child);
    child.close = () => {
      stats.open--;
      close();
    };
    return child;
  });
  return { it, stats, all: files.flat() };
}

const at = (it: InternalIterator): string => (it.valid() ? `${it.key().toString()}@${it.seq()}` : 'end');

describe('concat iterator', () => {
  it('iterates across file boundaries forward and backward, one child open at a time', () => {
    const { it, stats, all } = level();
    expect(forwardAll(it)).toEqual(all.map(plain));
    expect(backwardAll(it)).toEqual(all.map(plain).reverse());
    expect(stats.open).toBeLessThanOrEqual(1);
    it.close();
    expect(stats.open).toBe(0);
  });

  it('next and prev across a boundary', () => {
    const { it } = level();
    it.seek(b('c'));
    it.next();
    expect(at(it)).toBe('e@1');
    it.prev();
    expect(at(it)).toBe('c@1');
    it.prev();
    it.prev();
    expect(at(it)).toBe('end');
  });

  it('seek into a gap between files lands on the next file\'s first key', () => {
    const { it, stats } = level();
    it.seek(b('d'));
    expect(at(it)).toBe('e@1');
    it.seek(b('g'));
    expect(at(it)).toBe('h@1');
    it.seek(b('a'));
    expect(at(it)).toBe('b@1');
    it.seek(b('i'));
    expect(at(it)).toBe('end');
    expect(stats.open).toBe(0);
  });

  it('seek past the last version of a file\'s largest key moves to the next file', () => {
    const { it } = level();
    it.seek(b('f'), 0); // f@2 and f@1 are both newer than seq 0
    expect(at(it)).toBe('h@1');
  });

  it('seekForPrev into a gap lands on the previous file\'s last entry', () => {
    const { it } = level();
    it.seekForPrev(b('d'));
    expect(at(it)).toBe('c@1');
    it.seekForPrev(b('g'));
    expect(at(it)).toBe('f@1');
    it.seekForPrev(b('a'));
    expect(at(it)).toBe('end');
    it.seekForPrev(b('z'));
    expect(at(it)).toBe('h@1');
    it.seekForPrev(b('e'));
    expect(at(it)).toBe('e@1');
  });

  it('seek within the open file does not reopen it', () => {
    const { it, stats } = level();
    it.seek(b('e'));
    it.seek(b('f'));
    expect(stats.opened).toEqual([1]);
  });

  it('an empty level is never valid', () => {
    const it = new ConcatIterator([], () => {
      throw new Error('must not open');
    });
    it.seekToFirst();
    expect(it.valid()).toBe(false);
    it.seekToLast();
    it.seek(b('x'));
    it.seekForPrev(b('x'));
    expect(it.valid()).toBe(false);
  });
});
