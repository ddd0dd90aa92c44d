/**
 * The verdict on constructed figures, so each edge is exact: a winner only when the min–max ranges
 * do not overlap and the lead is 10% or more; the runner-up and both margins; one run each; a
 * reference engine that keeps nothing is not ranked; the why quotes the registered traits (or the
 * summary); the "choose this engine if" advice from wins, last places and whole-run figures.
 */
import { describe, expect, it } from 'vitest';
import { LAGGING, PER_RECORD_MIN_RECORDS } from '../../src/bench/advice.js';
import { formatRatio, wrapText } from '../../src/bench/format.js';
import type { ResourceSummary, WorkloadSummary } from '../../src/bench/report.js';
import { MIN_LEAD, standing } from '../../src/bench/standing.js';
import type { Spread } from '../../src/bench/stats.js';
import { decideVerdict, type EngineProfile, type VerdictInput, type WorkloadInfo } from '../../src/bench/verdict.js';

const s = (median: number, min = median, max = median): Spread => ({ median, min, max });

function row(engine: string, workload: string, ops: Spread): WorkloadSummary {
  return { engine, workload, unit: 'op', runs: 3, ops: 1000, truncated: false, opsPerSec: ops, mbPerSec: s(1), latencyUs: { p50: s(1), p99: s(2), p999: s(3) } };
}

function resources(engine: string, figures: Partial<Record<'memoryPerKeyBytes' | 'spaceAmplification' | 'writeAmplification' | 'reopenMs', Spread>>): ResourceSummary {
  return {
    engine,
    runs: 3,
    diskAfterFillBytes: null,
    diskAfterOverwriteBytes: null,
    spaceAmplification: figures.spaceAmplification ?? null,
    writeAmplification: figures.writeAmplification ?? null,
    reopenMs: figures.reopenMs ?? null,
    peakRssBytes: null,
    memoryPerKeyBytes: figures.memoryPerKeyBytes ?? null,
  };
}

const profile = (name: string, persistent = true, traits: EngineProfile['traits'] = { read: `a get in ${name} is magic`, write: `a set in ${name} is a wish` }): EngineProfile => ({
  name,
  persistent,
  summary: `${name}: the summary line`,
  traits,
});

const READS: WorkloadInfo = { name: 'readrandom', explainedBy: ['read'] };
const WRITES: WorkloadInfo = { name: 'fillrandom', explainedBy: ['write'] };
const MIXED: WorkloadInfo = { name: 'ycsb-a', explainedBy: ['read', 'write'] };

function verdictOf(rows: WorkloadSummary[], extra: Partial<VerdictInput> = {}) {
  const engines = [...new Set(rows.map((r) => r.engine))];
  return decideVerdict({
    summary: { workloads: rows, resources: [] },
    engines,
    workloads: [WRITES, READS, MIXED],
    profiles: new Map(engines.map((e) => [e, profile(e)])),
    records: 100_000,
    repeats: 3,
    complete: true,
    ...extra,
  });
}

describe('verdict per workload', () => {
  it('ranges apart and a lead over 10%: the winner, its margin and its margin at worst', () => {
    const v = verdictOf([row('a', 'readrandom', s(200, 180, 220)), row('b', 'readrandom', s(150, 140, 170)), row('c', 'readrandom', s(50, 40, 60))]);
    const w = v.workloads[0]!;
    expect(w).toMatchObject({ workload: 'readrandom', winner: 'a', runnerUp: 'b', ranking: ['a', 'b', 'c'] });
    expect(w.margin).toBeCloseTo(200 / 150, 10);
    expect(w.marginAtWorst).toBeCloseTo(180 / 170, 10);
    expect(w.text).toBe('a wins: 1.33x the ops/s of b (at least 1.06x, its slowest run against the fastest of b).');
  });

  it('overlapping ranges: no clear winner, naming both ranges, though the leader is still ranked first', () => {
    const v = verdictOf([row('a', 'readrandom', s(200, 150, 260)), row('b', 'readrandom', s(150, 140, 170))]);
    const w = v.workloads[0]!;
    expect(w.winner).toBeNull();
    expect(w.ranking).toEqual(['a', 'b']);
    expect(w.marginAtWorst).toBeLessThan(1);
    expect(w.text).toBe('No clear winner: a 200 (150–260) and b 150 (140–170) ops/s overlap.');
  });

  it('ranges that only touch overlap: the leader\'s slowest run equal to the runner-up\'s fastest is no win', () => {
    const w = verdictOf([row('a', 'readrandom', s(300, 170, 320)), row('b', 'readrandom', s(150, 140, 170))]).workloads[0]!;
    expect(w.marginAtWorst).toBe(1);
    expect(w.winner).toBeNull();
  });

  it('ranges apart but a lead under 10%: no clear winner, saying by how little', () => {
    const w = verdictOf([row('a', 'readrandom', s(105, 104.5, 106)), row('b', 'readrandom', s(100, 99, 101))]).workloads[0]!;
    expect(w.marginAtWorst).toBeGreaterThan(1);
    expect(w.winner).toBeNull();
    expect(w.text).toBe('No clear winner: a leads b by only 5%, under the 10% a win needs.');
  });

  it('one run each: a lead of 10% or more wins, the text says it was one run, and the notes ask for repeats', () => {
    const v = verdictOf([row('a', 'readrandom', s(120)), row('b', 'readrandom', s(100))], { repeats: 1 });
    expect(v.workloads[0]).toMatchObject({ winner: 'a', text: 'a wins: 1.20x the ops/s of b (one run each).' });
    expect(v.notes.join(' ')).toContain('--repeats 3');
    const close = verdictOf([row('a', 'readrandom', s(109)), row('b', 'readrandom', s(100))], { repeats: 1 });
    expect(close.workloads[0]!.winner).toBeNull();
    expect(MIN_LEAD).toBe(1.1);
  });

  it('an engine that keeps nothing is not ranked even when fastest; with no persistent engine, all are ranked', () => {
    const rows = [row('memory', 'readrandom', s(900, 880, 920)), row('a', 'readrandom', s(200, 190, 210)), row('b', 'readrandom', s(100, 90, 110))];
    const profiles = new Map([['memory', profile('memory', false)], ['a', profile('a')], ['b', profile('b')]]);
    const v = verdictOf(rows, { profiles });
    expect(v.contenders).toEqual(['a', 'b']);
    expect(v.excluded).toEqual([{ engine: 'memory', reason: expect.stringContaining('keeps nothing on disk') }]);
    expect(v.workloads[0]).toMatchObject({ winner: 'a', ranking: ['a', 'b'] });
    expect(v.engines.find((e) => e.engine === 'memory')!.text).toMatch(/^Not ranked: it keeps nothing on disk/);
    const alone = verdictOf([row('memory', 'readrandom', s(900)), row('x', 'readrandom', s(10))], { profiles: new Map([['memory', profile('memory', false)], ['x', profile('x', false)]]) });
    expect(alone.contenders).toEqual(['memory', 'x']);
    expect(alone.workloads[0]!.winner).toBe('memory');
  });

  it('a workload one contender ran has no winner; one nobody ran is left out', () => {
    const v = verdictOf([row('a', 'readrandom', s(200)), row('a', 'fillrandom', s(100)), row('b', 'fillrandom', s(10))]);
    expect(v.workloads.map((w) => w.workload)).toEqual(['fillrandom', 'readrandom']);
    expect(v.workloads[1]).toMatchObject({ winner: null, runnerUp: null, margin: null, text: 'a alone ran it.' });
  });

  it('the why quotes the traits of the workload\'s aspects for the leader and the runner-up, or the summary where a trait is missing', () => {
    const profiles = new Map([['a', profile('a')], ['b', profile('b', true, {})]]);
    const v = verdictOf([row('a', 'ycsb-a', s(200)), row('b', 'ycsb-a', s(100)), row('a', 'readrandom', s(300)), row('b', 'readrandom', s(100))], { profiles });
    expect(v.workloads.find((w) => w.workload === 'readrandom')!.why).toBe('In a, a get in a is magic; b: b: the summary line.');
    expect(v.workloads.find((w) => w.workload === 'ycsb-a')!.why).toBe('In a, a get in a is magic, and a set in a is a wish; b: b: the summary line.');
  });
});

describe('choose this engine if', () => {
  const rows = [
    row('a', 'fillrandom', s(300, 290, 310)),
    row('b', 'fillrandom', s(100, 90, 110)),
    row('c', 'fillrandom', s(90, 80, 95)),
    row('a', 'readrandom', s(100, 95, 105)),
    row('b', 'readrandom', s(400, 390, 410)),
    row('c', 'readrandom', s(40, 30, 45)),
  ];
  const res = [
    resources('a', { memoryPerKeyBytes: s(100, 95, 105), spaceAmplification: s(1.1, 1.1, 1.1), reopenMs: s(60, 55, 70) }),
    resources('b', { memoryPerKeyBytes: s(400, 390, 420), spaceAmplification: s(1.6, 1.6, 1.6), reopenMs: s(1, 0.9, 1.2) }),
    resources('c', { memoryPerKeyBytes: s(900, 880, 950), spaceAmplification: s(1.12, 1.11, 1.13), reopenMs: s(10, 9, 11) }),
  ];

  it('names the kinds of work each engine won, its clearly best whole-run figures, and warns off last places far behind', () => {
    const v = verdictOf(rows, { summary: { workloads: rows, resources: res } });
    const [a, b, c] = v.engines;
    expect(a).toMatchObject({ engine: 'a', won: ['fillrandom'], best: ['memoryPerKeyBytes'], worst: ['reopenMs'], lagged: [] });
    expect(a!.text).toBe('Choose a for fast single writes (it won fillrandom) and the least memory per key (100 B). It reopens slowest (60 ms). Measured: memory per key 100 B, space amp 1.10x, reopen 60 ms.');
    expect(b).toMatchObject({ engine: 'b', won: ['readrandom'], best: ['reopenMs'], worst: ['spaceAmplification'] });
    expect(b!.text).toContain('Choose b for fast point reads (it won readrandom) and the quickest reopen (1 ms).');
    expect(b!.text).toContain('It takes the most space on disk (1.60x).');
    // c is last in readrandom at 0.1x the leader (under LAGGING) and in fillrandom at 0.3x.
    expect(c!.lagged.map((l) => l.workload)).toEqual(['fillrandom', 'readrandom']);
    expect(c!.lagged.every((l) => l.ofLeader < LAGGING)).toBe(true);
    expect(c!.text).toMatch(/^It won nothing clearly; it came closest in fillrandom, at 0\.3x the ops\/s of a\. Not for single writes and point reads \(last: 0\.3x the leader's ops\/s in fillrandom and 0\.1x in readrandom\)\. It needs the most memory per key \(900 B\)\./);
  });

  it('memory per key and space amplification are not weighed, nor shown, below PER_RECORD_MIN_RECORDS records; reopen still is', () => {
    const v = verdictOf(rows, { summary: { workloads: rows, resources: res }, records: PER_RECORD_MIN_RECORDS - 1 });
    const [a, b] = v.engines;
    expect(a!.best).toEqual([]);
    expect(a!.figures).toEqual({ memoryPerKeyBytes: null, spaceAmplification: null, writeAmplification: null, reopenMs: 60 });
    expect(a!.text).not.toMatch(/memory per key|space amp/);
    expect(b!.worst).toEqual([]); // its 1.6x space amplification is not held against it
    expect(b!.best).toEqual(['reopenMs']);
    expect(v.notes.join(' ')).toContain('Memory per key and space amplification are not weighed below 50,000 records');
  });

  it('an interrupted run says so in its notes', () => {
    expect(verdictOf(rows, { complete: false }).notes.join(' ')).toContain('interrupted');
  });
});

describe('standing and formatting', () => {
  it('for a smaller-is-better figure the lowest median leads, and the margin is how many times smaller', () => {
    const st = standing([{ engine: 'x', spread: s(10, 9, 11) }, { engine: 'y', spread: s(2, 1.5, 2.5) }], 'lower');
    expect(st.order.map((c) => c.engine)).toEqual(['y', 'x']);
    expect(st.margin).toBe(5);
    expect(st.marginAtWorst).toBeCloseTo(9 / 2.5, 10);
    expect(st.clear).toBe(true);
  });

  it('ratios keep two decimals near 1 and two significant digits below it; text wraps at spaces with a hanging indent', () => {
    expect([formatRatio(1.004), formatRatio(1.784), formatRatio(12.4), formatRatio(0.0754)]).toEqual(['1.00x', '1.78x', '12x', '0.075x']);
    expect(wrapText('aaa bbb ccc ddd', 9, '> ', '  ')).toEqual(['> aaa bbb', '  ccc ddd']);
    expect(wrapText('averyveryverylongword x', 8)).toEqual(['averyveryverylongword', 'x']);
  });
});
