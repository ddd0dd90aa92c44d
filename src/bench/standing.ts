/**
 * Who leads a figure measured over repeats, and whether the lead is clear: the one rule the
 * verdict applies to throughput and to the whole-run figures alike. Pure functions over spreads.
 */
import type { Spread } from './stats.js';

/**
 * The smallest lead called a win, as a ratio of medians. Three runs on a shared machine understate
 * its noise, so a lead under 10% is no win even when the ranges happen not to touch (and with one
 * run per engine the ranges are single points, which never overlap).
 */
export const MIN_LEAD = 1.1;

/** Whether bigger is better (ops/s) or smaller is (bytes, milliseconds). */
export type Better = 'higher' | 'lower';

export interface Contender {
  engine: string;
  spread: Spread;
}

export interface Standing {
  /** Best median first. */
  order: Contender[];
  /** How many times better the leader's median is than the runner-up's; null iff one contender. */
  margin: number | null;
  /**
   * The same ratio between the leader's worst run and the runner-up's best run: above 1 iff the
   * min–max ranges do not overlap. Null iff one contender.
   */
  marginAtWorst: number | null;
  /** True iff the ranges do not overlap and the margin is at least MIN_LEAD. */
  clear: boolean;
}

/** `a` as many times better than `b`: a / b for higher-is-better figures, b / a for lower. */
function ratio(a: number, b: number, better: Better): number {
  const [num, den] = better === 'higher' ? [a, b] : [b, a];
  if (den > 0) return num / den;
  return num > 0 ? Infinity : 1;
}

/** The standing of `contenders` on one figure. REQUIRES: at least one contender. */
export function standing(contenders: readonly Contender[], better: Better): Standing {
  const order = [...contenders].sort((x, y) => (better === 'higher' ? y.spread.median - x.spread.median : x.spread.median - y.spread.median));
  const [leader, runnerUp] = order;
  if (leader === undefined) throw new Error('standing() needs at least one contender');
  if (runnerUp === undefined) return { order, margin: null, marginAtWorst: null, clear: false };
  const margin = ratio(leader.spread.median, runnerUp.spread.median, better);
  const worstOfLeader = better === 'higher' ? leader.spread.min : leader.spread.max;
  const bestOfRunnerUp = better === 'higher' ? runnerUp.spread.max : runnerUp.spread.min;
  const marginAtWorst = ratio(worstOfLeader, bestOfRunnerUp, better);
  return { order, margin, marginAtWorst, clear: marginAtWorst > 1 && margin >= MIN_LEAD };
}
