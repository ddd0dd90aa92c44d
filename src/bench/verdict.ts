/**
 * The verdict of a run, from its own figures: per workload the winner and its margin over the
 * runner-up (or "no clear winner" when their min–max ranges overlap), with one sentence of why
 * taken from each engine's registered traits; then per engine when to choose it (advice.ts).
 * Pure: the same summary and profiles always give the same verdict.
 */
import type { EngineTraits } from '../index.js';
import { adviseEngines, PER_RECORD_MIN_RECORDS, type EngineAdvice } from './advice.js';
import { formatCount, formatRatio } from './format.js';
import type { ResourceSummary, WorkloadSummary } from './report.js';
import { MIN_LEAD, standing } from './standing.js';
import type { Spread } from './stats.js';

/** What the verdict knows of an engine besides its figures. */
export interface EngineProfile {
  name: string;
  /** False for an engine that keeps nothing (memory): a reference model, not a candidate. */
  persistent: boolean;
  /** The registry's one-line summary: the why when a trait is missing. */
  summary: string;
  traits: EngineTraits;
}

export interface WorkloadVerdict {
  workload: string;
  /** The contenders that ran it, by median ops/s, fastest first. */
  ranking: string[];
  /** The runner-up, iff at least two contenders ran it. */
  runnerUp: string | null;
  /** The fastest contender, iff its lead is clear (standing.ts: ranges apart, by MIN_LEAD or more). */
  winner: string | null;
  /** Leader's median ops/s over the runner-up's; null iff one contender. */
  margin: number | null;
  /** Leader's slowest run over the runner-up's fastest: above 1 iff the ranges do not overlap. */
  marginAtWorst: number | null;
  /** One sentence: who wins and by how much, or why nobody does. */
  text: string;
  /** One sentence from the traits of the leader and the runner-up. */
  why: string;
}

export interface Verdict {
  /** The rule, in words, for the reader of the report. */
  rule: string;
  /** What limits this verdict (one round, an interruption, engines not ranked, small counts). */
  notes: string[];
  /** Engines ranked: those that keep data, when any ran; otherwise all. */
  contenders: string[];
  /** Engines that ran but are not ranked, and why. */
  excluded: { engine: string; reason: string }[];
  workloads: WorkloadVerdict[];
  engines: EngineAdvice[];
}

/** What a workload's verdict needs of the workload itself. */
export interface WorkloadInfo {
  name: string;
  explainedBy: readonly (keyof EngineTraits)[];
}

/** "In bitcask, a get is …, and …" (or the summary where the engine registered no such trait). */
export function explain(profile: EngineProfile | undefined, engine: string, aspects: readonly (keyof EngineTraits)[]): string {
  const clauses = aspects.map((a) => profile?.traits[a]).filter((t): t is string => t !== undefined);
  if (clauses.length === 0) return `${engine}: ${profile?.summary ?? 'no traits registered'}`;
  return `in ${engine}, ${clauses.join(', and ')}`;
}

/** A lead as a percentage: 1.034 -> "3.4%". */
const percent = (ratio: number): string => `${Number(((ratio - 1) * 100).toPrecision(2))}%`;

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const opsRange = (s: Spread): string => (s.min === s.max ? formatCount(s.median) : `${formatCount(s.median)} (${formatCount(s.min)}–${formatCount(s.max)})`);

function judgeWorkload(workload: WorkloadInfo, rows: readonly WorkloadSummary[], profiles: ReadonlyMap<string, EngineProfile>): WorkloadVerdict {
  const s = standing(rows.map((r) => ({ engine: r.engine, spread: r.opsPerSec })), 'higher');
  const [leader, runnerUp] = s.order;
  const ranking = s.order.map((c) => c.engine);
  const verdict: WorkloadVerdict = { workload: workload.name, ranking, runnerUp: runnerUp?.engine ?? null, winner: null, margin: s.margin, marginAtWorst: s.marginAtWorst, text: '', why: '' };
  const reasons = s.order.slice(0, 2).map((c) => explain(profiles.get(c.engine), c.engine, workload.explainedBy));
  verdict.why = `${capitalize(reasons.join('; '))}.`;
  if (leader === undefined) return verdict;
  if (runnerUp === undefined) {
    verdict.text = `${leader.engine} alone ran it.`;
  } else if (s.clear) {
    verdict.winner = leader.engine;
    const single = leader.spread.min === leader.spread.max && runnerUp.spread.min === runnerUp.spread.max;
    const atWorst = single ? 'one run each' : `at least ${formatRatio(s.marginAtWorst!)}, its slowest run against the fastest of ${runnerUp.engine}`;
    verdict.text = `${leader.engine} wins: ${formatRatio(s.margin!)} the ops/s of ${runnerUp.engine} (${atWorst}).`;
  } else if (s.marginAtWorst! <= 1) {
    verdict.text = `No clear winner: ${leader.engine} ${opsRange(leader.spread)} and ${runnerUp.engine} ${opsRange(runnerUp.spread)} ops/s overlap.`;
  } else {
    verdict.text = `No clear winner: ${leader.engine} leads ${runnerUp.engine} by only ${percent(s.margin!)}, under the ${percent(MIN_LEAD)} a win needs.`;
  }
  return verdict;
}

/** Which engines are ranked: those that keep data when any ran, so a reference model wins nothing. */
function pickContenders(engines: readonly string[], profiles: ReadonlyMap<string, EngineProfile>): Pick<Verdict, 'contenders' | 'excluded'> {
  const persistent = engines.filter((e) => profiles.get(e)?.persistent !== false);
  if (persistent.length === 0) return { contenders: [...engines], excluded: [] };
  const excluded = engines.filter((e) => !persistent.includes(e)).map((engine) => ({ engine, reason: 'keeps nothing on disk (a reference model, not a store to choose)' }));
  return { contenders: persistent, excluded };
}

export interface VerdictInput {
  summary: { workloads: readonly WorkloadSummary[]; resources: readonly ResourceSummary[] };
  /** Engines in report order. */
  engines: readonly string[];
  /** Workloads in run order; one that no contender ran is left out. */
  workloads: readonly WorkloadInfo[];
  profiles: ReadonlyMap<string, EngineProfile>;
  /** Records per fill (--num), repeats, and whether the run finished. */
  records: number;
  repeats: number;
  complete: boolean;
}

/** The verdict over a run's summary. */
export function decideVerdict(input: VerdictInput): Verdict {
  const { summary, profiles } = input;
  const ran = input.engines.filter((e) => summary.workloads.some((w) => w.engine === e));
  const { contenders, excluded } = pickContenders(ran, profiles);
  const judged: WorkloadVerdict[] = [];
  for (const workload of input.workloads) {
    const rows = summary.workloads.filter((w) => w.workload === workload.name && contenders.includes(w.engine));
    if (rows.length > 0) judged.push(judgeWorkload(workload, rows, profiles));
  }
  const notes: string[] = [];
  if (input.repeats === 1) notes.push('One round only: each range is a single run, so repeat the run (--repeats 3) before trusting a close call.');
  if (!input.complete) notes.push('The run was interrupted: an engine that did not reach a workload is missing from its verdict.');
  for (const { engine, reason } of excluded) notes.push(`${engine} is not ranked: it ${reason}.`);
  if (input.records < PER_RECORD_MIN_RECORDS) {
    notes.push(`Memory per key and space amplification are not weighed below ${PER_RECORD_MIN_RECORDS.toLocaleString('en-US')} records, where fixed costs (caches, preallocated files) swamp them.`);
  }
  return {
    rule: `A winner is named only when its slowest run beat the fastest run of the runner-up and its median ops/s leads by ${percent(MIN_LEAD)} or more; otherwise there is no clear winner.`,
    notes,
    contenders,
    excluded,
    workloads: judged,
    engines: adviseEngines({ contenders, excluded, judged, workloads: input.workloads, rows: summary.workloads, resources: summary.resources, records: input.records }),
  };
}
