/**
 * Property tests: table, merge and concat iterators against a sorted-array model, under random
 * sequences of seek, seekForPrev, next, prev, seekToFirst and seekToLast.
 */
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { EntryKind } from '../../../../src/engines/lsm/entry.js';
import type { InternalIterator } from '../../../../src/engines/lsm/iterator.js';
import { ArrayIterator, type Entry } from '../../../../src/engines/lsm/iterators/array-iterator.js';
import { ConcatIterator } from '../../../../src/engines/lsm/iterators/concat-iterator.js';
import { MergingIterator } from '../../../../src/engines/lsm/iterators/merge-iterator.js';
import { b, buildTable, snap, sortInternal, tempDir } from '../sstable/helpers.js';

type Op = { op: 'first' } | { op: 'last' } | { op: 'next' } | { op: 'prev' } | { op: 'seek'; key: string; seq: number | undefined } | { op: 'seekForPrev'; key: string };

/** Short keys over a 3-letter alphabet: many shared prefixes and repeated user keys. */
const keyArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 4 });
const rawEntryArb = fc.record({ key: keyArb, kind: fc.constantFrom(EntryKind.VALUE, EntryKind.DELETION), value: fc.string({ maxLength: 12 }) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: 'first' as const }),
  fc.constant({ op: 'last' as const }),
  fc.constant({ op: 'next' as const }),
  fc.constant({ op: 'next' as const }),
  fc.constant({ op: 'prev' as const }),
  fc.constant({ op: 'prev' as const }),
  fc.record({ op: fc.constant('seek' as const), key: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 5 }), seq: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }) }),
  fc.record({ op: fc.constant('seekForPrev' as const), key: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 5 }) }),
);

/** Entries with globally unique sequence numbers 1..n, so (key, seq) never repeats across sources. */
function toEntries(raw: { key: string; kind: EntryKind; value: string }[]): Entry[] {
  return raw.map((r, i) => ({ key: b(r.key), seq: i + 1, kind: r.kind, value: r.kind === EntryKind.VALUE ? b(r.value) : Buffer.alloc(0) }));
}

/** Applies `ops` to both iterators, comparing position after each. */
function check(subject: InternalIterator, model: ArrayIterator, ops: Op[]): void {
  const trace: string[] = [];
  for (const o of ops) {
    if ((o.op === 'next' || o.op === 'prev') && !model.valid()) continue;
    trace.push(JSON.stringify(o));
    for (const it of [subject, model]) {
      if (o.op === 'first') it.seekToFirst();
      else if (o.op === 'last') it.seekToLast();
      else if (o.op === 'next') it.next();
      else if (o.op === 'prev') it.prev();
      else if (o.op === 'seek') it.seek(b(o.key), o.seq);
      else it.seekForPrev(b(o.key));
    }
    expect(subject.valid(), trace.join(' ')).toBe(model.valid());
    if (model.valid()) expect(snap(subject), trace.join(' ')).toEqual(snap(model));
  }
}

let tableNumber = 0;
/** Readers opened by the current run, closed after it so that file descriptors do not pile up. */
const openReaders: { close(): void }[] = [];
function tableOf(dir: string, entries: Entry[], blockSize: number, restartInterval: number): InternalIterator {
  const { reader } = buildTable(dir, entries, { blockSize, restartInterval }, `${String(++tableNumber).padStart(6, '0')}.sst`);
  openReaders.push(reader);
  return reader.iterator();
}
function closeReaders(): void {
  for (const r of openReaders.splice(0)) r.close();
}

describe('iterator properties', () => {
  it('table iterator behaves as the sorted array', () => {
    const dir = tempDir('prop');
    fc.assert(
      fc.property(fc.array(rawEntryArb, { maxLength: 120 }), fc.integer({ min: 16, max: 300 }), fc.integer({ min: 1, max: 20 }), fc.array(opArb, { maxLength: 60 }), (raw, blockSize, restart, ops) => {
        const entries = sortInternal(toEntries(raw));
        try {
          check(tableOf(dir, entries, blockSize, restart), new ArrayIterator(entries), ops);
        } finally {
          closeReaders();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('merge of array, table and concat children behaves as the sorted union', () => {
    const dir = tempDir('prop-merge');
    fc.assert(
      fc.property(fc.array(rawEntryArb, { maxLength: 150 }), fc.integer({ min: 1, max: 5 }), fc.array(opArb, { maxLength: 80 }), (raw, sources, ops) => {
        const entries = toEntries(raw);
        const parts: Entry[][] = Array.from({ length: sources }, () => []);
        entries.forEach((e, i) => parts[i % sources]!.push(e));
        const children: InternalIterator[] = parts.map((p, i) => {
          const sorted = sortInternal(p);
          if (i % 3 === 0) return new ArrayIterator(sorted);
          if (i % 3 === 1) return tableOf(dir, sorted, 64, 2);
          // A level: split at user-key boundaries into non-overlapping tables.
          const files: Entry[][] = [];
          for (const e of sorted) {
            const last = files.at(-1);
            if (last !== undefined && (last.length < 3 || last.at(-1)!.key.equals(e.key))) last.push(e);
            else files.push([e]);
          }
          const ranges = files.map((f) => ({ smallest: f[0]!.key, largest: f.at(-1)!.key }));
          return new ConcatIterator(ranges, (j) => tableOf(dir, files[j]!, 48, 1));
        });
        try {
          check(new MergingIterator(children), new ArrayIterator(sortInternal(entries)), ops);
        } finally {
          closeReaders();
        }
      }),
      { numRuns: 150 },
    );
    expect(tableNumber).toBeGreaterThan(0);
  });
});
