/** The memtable: internal order with versions, reads at a sequence number, and its iterator in both directions. */
import { describe, expect, it } from 'vitest';
import { EntryKind } from '../../../src/engines/lsm/entry.js';
import { Memtable } from '../../../src/engines/lsm/memtable/memtable.js';
import type { InternalIterator } from '../../../src/engines/lsm/iterator.js';

const b = (s: string): Buffer => Buffer.from(s);

function entries(it: InternalIterator, reverse = false): string[] {
  const out: string[] = [];
  if (reverse) for (it.seekToLast(); it.valid(); it.prev()) out.push(`${it.key()}@${it.seq()}${it.kind() === EntryKind.DELETION ? 'x' : `=${it.value()}`}`);
  else for (it.seekToFirst(); it.valid(); it.next()) out.push(`${it.key()}@${it.seq()}${it.kind() === EntryKind.DELETION ? 'x' : `=${it.value()}`}`);
  return out;
}

function sample(): Memtable {
  const mem = new Memtable(1);
  mem.add(1, EntryKind.VALUE, b('b'), b('b1'));
  mem.add(2, EntryKind.VALUE, b('a'), b('a2'));
  mem.add(3, EntryKind.VALUE, b('b'), b('b3'));
  mem.add(4, EntryKind.DELETION, b('a'), b(''));
  mem.add(5, EntryKind.VALUE, b('c'), b('c5'));
  mem.add(6, EntryKind.VALUE, b('ab'), b('ab6'));
  return mem;
}

describe('memtable', () => {
  it('orders by user key, then newest version first', () => {
    expect(entries(sample().iterator())).toEqual(['a@4x', 'a@2=a2', 'ab@6=ab6', 'b@3=b3', 'b@1=b1', 'c@5=c5']);
  });

  it('iterates backwards in exactly the reverse order', () => {
    expect(entries(sample().iterator(), true)).toEqual(['c@5=c5', 'b@1=b1', 'b@3=b3', 'ab@6=ab6', 'a@2=a2', 'a@4x']);
  });

  it('get returns the newest version at or below the sequence number, deletions included', () => {
    const mem = sample();
    expect(mem.get(b('b'))).toMatchObject({ seq: 3, kind: EntryKind.VALUE });
    expect(mem.get(b('b'), 2)!.value.toString()).toBe('b1');
    expect(mem.get(b('b'), 0)).toBeUndefined();
    expect(mem.get(b('a'))).toMatchObject({ seq: 4, kind: EntryKind.DELETION });
    expect(mem.get(b('a'), 3)!.value.toString()).toBe('a2');
    expect(mem.get(b('aa'))).toBeUndefined();
    expect(mem.get(b('d'))).toBeUndefined();
  });

  it('seek finds the first entry at or after (key, seq); seekForPrev the oldest version of the last key <= key', () => {
    const it = sample().iterator();
    it.seek(b('b'));
    expect([it.key().toString(), it.seq()]).toEqual(['b', 3]);
    it.seek(b('b'), 2);
    expect([it.key().toString(), it.seq()]).toEqual(['b', 1]);
    it.seek(b('bb'));
    expect(it.key().toString()).toBe('c');
    it.seek(b('d'));
    expect(it.valid()).toBe(false);
    it.seekForPrev(b('b'));
    expect([it.key().toString(), it.seq()]).toEqual(['b', 1]);
    it.seekForPrev(b('bz'));
    expect([it.key().toString(), it.seq()]).toEqual(['b', 1]);
    it.seekForPrev(b('0'));
    expect(it.valid()).toBe(false);
    it.seekForPrev(b('zz'));
    expect(it.key().toString()).toBe('c');
  });

  it('an iterator stays valid across inserts and sees entries inserted ahead of it', () => {
    const mem = sample();
    const it = mem.iterator();
    it.seek(b('ab'));
    mem.add(7, EntryKind.VALUE, b('abc'), b('new'));
    mem.add(8, EntryKind.VALUE, b('aa'), b('behind'));
    it.next();
    expect(it.key().toString()).toBe('abc');
    it.prev();
    it.prev();
    expect(it.key().toString()).toBe('aa');
  });

  it('counts entries and grows its size estimate with keys and values', () => {
    const mem = new Memtable(1);
    expect(mem.approximateBytes).toBe(0);
    mem.add(1, EntryKind.VALUE, b('k'), Buffer.alloc(1000));
    expect(mem.approximateBytes).toBeGreaterThan(1000);
    expect(mem.entryCount).toBe(1);
  });

  it('many random inserts come out sorted', () => {
    const mem = new Memtable(1);
    const keys = Array.from({ length: 2000 }, (_, i) => b(String((i * 7919) % 2003)));
    keys.forEach((k, i) => mem.add(i + 1, EntryKind.VALUE, k, k));
    const seen: Buffer[] = [];
    const it = mem.iterator();
    for (it.seekToFirst(); it.valid(); it.next()) seen.push(it.key());
    expect(seen).toEqual([...keys].sort(Buffer.compare));
  });
});
