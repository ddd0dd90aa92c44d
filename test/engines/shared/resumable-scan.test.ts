/** Scans that re-read after writes: pagedScan (synchronous libraries) and reseekingScan (a write pipeline), over a sorted in-memory array. */
import { describe, expect, it } from 'vitest';
import { inRange, type KeyRange } from '../../../src/engine/key-range.js';
import { resumeAfter } from '../../../src/engine/key-range.js';
import { pagedScan, reseekingScan, type Entry } from '../../../src/engines/shared/resumable-scan.js';

const b = (s: string): Buffer => Buffer.from(s);
const all = (reverse = false, limit = Infinity): KeyRange => ({ reverse, limit });

/** A sorted store with a write generation, read the way a library iterator reads it. */
function store(keys: string[]) {
  const rows = new Map(keys.map((k) => [k, `v:${k}`]));
  const s = {
    generation: 0,
    opened: 0,
    set(k: string, v: string) {
      rows.set(k, v);
      s.generation++;
    },
    delete(k: string) {
      rows.delete(k);
      s.generation++;
    },
    read(range: KeyRange, n: number): Entry[] {
      s.opened++;
      const sorted = [...rows.keys()].sort();
      if (range.reverse) sorted.reverse();
      return sorted
        .filter((k) => inRange(range, b(k)))
        .slice(0, Number.isFinite(n) ? n : undefined)
        .map((k) => [b(k), b(rows.get(k)!)]);
    },
  };
  return s;
}

const keysOf = (entries: Iterable<Entry>): string[] => [...entries].map(([k]) => k.toString());

describe('resumeAfter', () => {
  it('moves the lower bound forward, or the upper bound back when reverse, and keeps the other bound', () => {
    const range: KeyRange = { lower: { key: b('a'), inclusive: true }, upper: { key: b('z'), inclusive: true }, limit: 5, reverse: false };
    expect(resumeAfter(range, b('m'))).toEqual({ ...range, lower: { key: b('m'), inclusive: false } });
    const rev = { ...range, reverse: true };
    expect(resumeAfter(rev, b('m'))).toEqual({ ...rev, upper: { key: b('m'), inclusive: false } });
  });
});

describe('pagedScan', () => {
  it('reads page after page until a short page, in both directions, honouring the limit', () => {
    const db = store(['a', 'b', 'c', 'd', 'e']);
    expect(keysOf(pagedScan(all(), 2, () => db.generation, db.read))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(db.opened).toBe(3);
    expect(keysOf(pagedScan(all(true), 2, () => db.generation, db.read))).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(keysOf(pagedScan(all(false, 3), 2, () => db.generation, db.read))).toEqual(['a', 'b', 'c']);
  });

  it('a write while a page is being yielded makes it re-read after the last yielded key', () => {
    const db = store(['a', 'b', 'c', 'd']);
    const got: string[] = [];
    for (const [k] of pagedScan(all(), 10, () => db.generation, db.read)) {
      got.push(k.toString());
      if (k.toString() === 'a') {
        db.set('c', 'new');
        db.delete('b');
        db.set('a2', 'x'); // after 'a': seen; a key before the cursor would not be
      }
    }
    expect(got).toEqual(['a', 'a2', 'c', 'd']);
    expect(db.opened).toBe(2);
  });
});

describe('reseekingScan', () => {
  /** A pipeline-like generation source whose idle() records that it was awaited. */
  function writes(db: ReturnType<typeof store>) {
    const w = {
      idles: 0,
      get generation() {
        return db.generation;
      },
      async idle() {
        w.idles++;
      },
    };
    return w;
  }
  async function* iterate(db: ReturnType<typeof store>, closed: string[], range: KeyRange, n: number): AsyncGenerator<Entry> {
    try {
      for (const e of db.read(range, n)) yield e;
    } finally {
      closed.push('closed');
    }
  }

  it('yields the native iterator, waiting for idle writes first, and re-seeks after a write issued meanwhile', async () => {
    const db = store(['a', 'b', 'c']);
    const w = writes(db);
    const closed: string[] = [];
    const got: string[] = [];
    for await (const [k, v] of reseekingScan(all(), w, (cursor, n) => iterate(db, closed, cursor, n))) {
      got.push(`${k}=${v}`);
      if (k.toString() === 'a') db.set('b', 'changed');
    }
    expect(got).toEqual(['a=v:a', 'b=changed', 'c=v:c']);
    expect(w.idles).toBe(2);
    expect(closed).toEqual(['closed', 'closed']); // the dropped iterator was closed too
  });

  it('stops at the limit across re-seeks and closes the iterator when the consumer breaks', async () => {
    const db = store(['a', 'b', 'c', 'd']);
    const closed: string[] = [];
    const got: string[] = [];
    for await (const [k] of reseekingScan(all(true, 3), writes(db), (cursor, n) => iterate(db, closed, cursor, n))) {
      got.push(k.toString());
      if (got.length === 1) db.delete('c');
    }
    expect(got).toEqual(['d', 'b', 'a']);
    for await (const entry of reseekingScan(all(), writes(db), (cursor, n) => iterate(db, closed, cursor, n))) {
      expect(entry[0].toString()).toBe('a');
      break;
    }
    expect(closed).toHaveLength(3);
  });
});
