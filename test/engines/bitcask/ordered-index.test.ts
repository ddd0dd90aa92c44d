/**
 * The keydir's ordered index (ordered-index.ts) against a sorted model: random inserts and
 * removes (enough to split and empty leaves), the index built part-way through, every seek
 * direction and bound checked. Seeded: KVS_ORDERED_SEED replays a run.
 */
import { describe, it, expect } from 'vitest';
import { Keydir } from '../../../src/engines/bitcask/keydir.js';
import type { IndexPosition } from '../../../src/engines/bitcask/ordered-index.js';

const seed = Number(process.env.KVS_ORDERED_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Mulberry32: a small seeded generator, so a failing run can be replayed. */
function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

function walk(kd: Keydir, from: IndexPosition | undefined, reverse: boolean): string[] {
  const index = kd.ordered();
  const out: string[] = [];
  for (let p = from; p !== undefined; p = index.step(p, reverse)) out.push(kd.keyView(index.handleAt(p)).toString('latin1'));
  return out;
}

describe('ordered index', () => {
  it(`random inserts and removes match a sorted model at every check (seed ${seed}; replay with KVS_ORDERED_SEED=${seed})`, () => {
    const random = rng(seed);
    const kd = new Keydir();
    const model = new Set<string>();
    // Short and long keys (the long ones take the native compare path), with shared prefixes.
    const makeKey = (): string => (random() < 0.2 ? 'long-prefix-shared-by-many-keys/' : 'k') + Math.floor(random() * 3000).toString(36);
    for (let step = 0; step < 20_000; step++) {
      const k = makeKey();
      const h = kd.find(Buffer.from(k, 'latin1'));
      if (random() < 0.6) {
        if (h < 0) kd.insert(Buffer.from(k, 'latin1'), 0, step, 1, 0);
        model.add(k);
      } else {
        if (h >= 0) kd.remove(h);
        model.delete(k);
      }
      if (step === 5_000) kd.ordered(); // built from a populated keydir, then maintained
      if (step > 5_000 && step % 2_500 === 0) {
        const sorted = [...model].sort(cmp);
        const index = kd.ordered();
        expect(walk(kd, index.seekForward(undefined, true), false)).toEqual(sorted);
        expect(walk(kd, index.seekBackward(undefined, true), true)).toEqual([...sorted].reverse());
        for (let probe = 0; probe < 50; probe++) {
          const bound = makeKey();
          const b = Buffer.from(bound, 'latin1');
          const inclusive = random() < 0.5;
          const after = sorted.filter((x) => (inclusive ? cmp(x, bound) >= 0 : cmp(x, bound) > 0));
          const before = sorted.filter((x) => (inclusive ? cmp(x, bound) <= 0 : cmp(x, bound) < 0)).reverse();
          expect(walk(kd, index.seekForward(b, inclusive), false).slice(0, 5), `forward from ${bound}`).toEqual(after.slice(0, 5));
          expect(walk(kd, index.seekBackward(b, inclusive), true).slice(0, 5), `backward from ${bound}`).toEqual(before.slice(0, 5));
        }
      }
    }
  });

  it('removing every key leaves an empty index that still accepts inserts', () => {
    const kd = new Keydir();
    const keys = Array.from({ length: 2000 }, (_, i) => Buffer.from(`key-${String(i).padStart(5, '0')}`));
    for (const k of keys) kd.insert(k, 0, 0, 1, 0);
    const index = kd.ordered();
    for (const k of keys) kd.remove(kd.find(k));
    expect(index.seekForward(undefined, true)).toBeUndefined();
    expect(index.seekBackward(undefined, true)).toBeUndefined();
    kd.insert(Buffer.from('b'), 0, 0, 1, 0);
    kd.insert(Buffer.from('a'), 0, 0, 1, 0);
    expect(walk(kd, index.seekForward(undefined, true), false)).toEqual(['a', 'b']);
  });

  it('counts its memory in the keydir figure', () => {
    const kd = new Keydir();
    for (let i = 0; i < 10_000; i++) kd.insert(Buffer.from(`key-${i}`), 0, 0, 1, 0);
    const before = kd.memoryBytes;
    kd.ordered();
    expect(kd.memoryBytes - before).toBeGreaterThanOrEqual(10_000 * 4);
    expect(kd.memoryBytes - before).toBeLessThan(10_000 * 12);
  });
});
