/** The key generators give the distributions they claim: ranges, orders, and zipfian skew. */
import { describe, expect, it } from 'vitest';
import { SequentialChooser, ShuffledChooser, UniformChooser } from '../../src/bench/distributions.js';
import { KeyCodec, ValueSource } from '../../src/bench/keys.js';
import { Random } from '../../src/bench/random.js';
import { LatestChooser, ScrambledZipfianChooser, ZipfianChooser, zeta, ZIPFIAN_THETA } from '../../src/bench/zipfian.js';

function histogram(draw: () => number, samples: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < samples; i++) {
    const k = draw();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const SAMPLES = 200_000;

describe('zipfian', () => {
  it('index 0 and 1 get shares close to 1/ζ(n) and 1/(2^θ ζ(n)); every index is in range', () => {
    const n = 1000;
    const chooser = new ZipfianChooser(n, new Random(1));
    const counts = histogram(() => chooser.next(), SAMPLES);
    const z = zeta(n, ZIPFIAN_THETA);
    expect(chooser.topShare).toBeCloseTo(1 / z, 12);
    expect((counts.get(0) ?? 0) / SAMPLES).toBeCloseTo(1 / z, 2);
    expect((counts.get(1) ?? 0) / SAMPLES).toBeCloseTo(1 / (2 ** ZIPFIAN_THETA * z), 2);
    expect(Math.min(...counts.keys())).toBe(0);
    expect(Math.max(...counts.keys())).toBeLessThan(n);
    // Skew: the top 10% of indexes take most of the draws (about 69% for θ = 0.99, n = 1000).
    const top = [...counts.entries()].filter(([k]) => k < n / 10).reduce((s, [, c]) => s + c, 0);
    expect(top / SAMPLES).toBeGreaterThan(0.6);
  });

  it('a growing item count extends ζ incrementally to the same value as summing afresh', () => {
    const chooser = new ZipfianChooser(100, new Random(2));
    chooser.next(250);
    expect(chooser.topShare).toBeCloseTo(1 / zeta(250, ZIPFIAN_THETA), 12);
  });

  it('scrambled: the most popular key gets about 1/26.47 of draws, hot keys are spread, all in range', () => {
    const n = 10_000;
    const chooser = new ScrambledZipfianChooser(n, new Random(3));
    const counts = histogram(() => chooser.next(), SAMPLES);
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const topShare = sorted[0]![1] / SAMPLES;
    expect(chooser.topShare).toBeCloseTo(1 / 26.46902820178302, 10);
    expect(topShare).toBeGreaterThan(chooser.topShare * 0.9);
    expect(topShare).toBeLessThan(chooser.topShare * 1.2); // hash collisions may add a little
    for (const [k] of counts) expect(k >= 0 && k < n).toBe(true);
    // The ten hottest keys are not one block of neighbours, as unscrambled zipfian's are.
    const hot = sorted.slice(0, 10).map(([k]) => k);
    expect(Math.max(...hot) - Math.min(...hot)).toBeGreaterThan(100);
  });

  it('latest: the newest record is the most popular, and draws follow inserts', () => {
    const chooser = new LatestChooser(1000, new Random(4));
    const counts = histogram(() => chooser.next(), 50_000);
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(best).toBe(999);
    expect(Math.min(...counts.keys())).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 100; i++) expect(chooser.next(1500)).toBeLessThan(1500);
    expect(histogram(() => chooser.next(1500), 20_000).get(1499)! > 1000).toBe(true);
  });
});

describe('uniform, sequential, shuffled', () => {
  it('uniform covers [0, n) evenly', () => {
    const n = 20;
    const chooser = new UniformChooser(n, new Random(5));
    const counts = histogram(() => chooser.next(), SAMPLES);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    for (const c of counts.values()) expect(Math.abs(c / SAMPLES - 1 / n)).toBeLessThan(0.005);
  });

  it('sequential counts up from start and wraps after n', () => {
    const chooser = new SequentialChooser(3, 10);
    expect(Array.from({ length: 7 }, () => chooser.next())).toEqual([10, 11, 12, 10, 11, 12, 10]);
  });

  it('shuffled yields each index exactly once per round, not in order', () => {
    const chooser = new ShuffledChooser(1000, new Random(6));
    const round = Array.from({ length: 1000 }, () => chooser.next());
    expect([...round].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect(round).not.toEqual([...Array(1000).keys()]);
  });

  it('the same seed gives the same stream', () => {
    const a = new UniformChooser(1e6, new Random(7));
    const b = new UniformChooser(1e6, new Random(7));
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });
});

describe('keys and values', () => {
  it('keys are fixed-width and sort in index order; a missing key sorts between two present ones', () => {
    const codec = new KeyCodec(16);
    expect(codec.key(42).toString()).toBe('0000000000000042');
    expect(Buffer.compare(codec.key(9), codec.key(10))).toBe(-1);
    expect(Buffer.compare(codec.key(7), codec.missingKey(7))).toBe(-1);
    expect(Buffer.compare(codec.missingKey(7), codec.key(8))).toBe(-1);
    expect(codec.index(codec.key(123))).toBe(123);
    expect(codec.index(codec.missingKey(123))).toBe(-1);
  });

  it('values have the requested size and differ from one another', () => {
    const values = new ValueSource(100, new Random(8));
    const a = values.next();
    const b = values.next();
    expect(a.length).toBe(100);
    expect(b.length).toBe(100);
    expect(a.equals(b)).toBe(false);
    expect(new ValueSource(0, new Random(8)).next().length).toBe(0);
  });
});

describe('timed loops', () => {
  it('a loop that reaches its time cap stops early and says so, keeping the calls it made', async () => {
    const { timeLoop } = await import('../../src/bench/measure.js');
    let made = 0;
    const figures = await timeLoop({
      workload: 'slow',
      calls: 1000,
      maxSeconds: 0.05,
      call: async () => {
        made++;
        await new Promise((r) => setTimeout(r, 5));
        return 10;
      },
    });
    expect(figures.truncated).toBe(true);
    expect(figures.calls).toBe(made);
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(1000);
    expect(figures.bytes).toBe(10 * made);
    const full = await timeLoop({ workload: 'fast', calls: 20, call: async () => 1 });
    expect(full).toMatchObject({ truncated: false, calls: 20, ops: 20, bytes: 20 });
  });
});
