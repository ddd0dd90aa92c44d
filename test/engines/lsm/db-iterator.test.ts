/** The DB iterator over an internal stream: snapshot visibility, deletions, bounds, both directions. */
import { describe, expect, it } from 'vitest';
import type { Bound } from '../../../src/engine/key-range.js';
import { DbIterator } from '../../../src/engines/lsm/db-iterator.js';
import { EntryKind } from '../../../src/engines/lsm/entry.js';
import { ArrayIterator, type Entry } from '../../../src/engines/lsm/iterators/array-iterator.js';

const V = EntryKind.VALUE;
const D = EntryKind.DELETION;
const e = (key: string, seq: number, kind: EntryKind, value = ''): Entry => ({ key: Buffer.from(key), seq, kind, value: Buffer.from(value) });

// Internal order: key ascending, newest first.
const stream: Entry[] = [
  e('a', 9, D),
  e('a', 3, V, 'a3'),
  e('b', 5, V, 'b5'),
  e('c', 8, V, 'c8'),
  e('c', 4, D),
  e('c', 2, V, 'c2'),
  e('d', 1, V, 'd1'),
  e('e', 7, D),
];

function scan(seq: number, reverse: boolean, lower?: Bound, upper?: Bound): string[] {
  const it = new DbIterator(new ArrayIterator(stream), seq, { reverse, ...(lower && { lower }), ...(upper && { upper }) });
  const out: string[] = [];
  for (it.first(); it.valid(); it.advance()) out.push(`${it.key()}=${it.value()}`);
  it.close();
  return out;
}

const incl = (k: string): Bound => ({ key: Buffer.from(k), inclusive: true });
const excl = (k: string): Bound => ({ key: Buffer.from(k), inclusive: false });

describe('DB iterator', () => {
  it('shows the newest visible version of each key and hides deleted keys', () => {
    expect(scan(100, false)).toEqual(['b=b5', 'c=c8', 'd=d1']);
    expect(scan(100, true)).toEqual(['d=d1', 'c=c8', 'b=b5']);
  });

  it('hides versions newer than the snapshot: older values and deletions reappear as of then', () => {
    expect(scan(5, false)).toEqual(['a=a3', 'b=b5', 'd=d1']); // c deleted at 4, a's deletion is at 9
    expect(scan(3, false)).toEqual(['a=a3', 'c=c2', 'd=d1']);
    expect(scan(3, true)).toEqual(['d=d1', 'c=c2', 'a=a3']);
    expect(scan(0, false)).toEqual([]);
  });

  it('applies inclusive and exclusive bounds in both directions', () => {
    expect(scan(100, false, incl('c'), incl('d'))).toEqual(['c=c8', 'd=d1']);
    expect(scan(100, false, excl('c'), excl('e'))).toEqual(['d=d1']);
    expect(scan(100, true, incl('b'), excl('d'))).toEqual(['c=c8', 'b=b5']);
    expect(scan(100, true, excl('b'), incl('c'))).toEqual(['c=c8']);
    expect(scan(3, true, undefined, excl('d'))).toEqual(['c=c2', 'a=a3']);
    expect(scan(100, false, incl('bb'), incl('cc'))).toEqual(['c=c8']);
  });
});
