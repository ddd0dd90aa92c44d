/**
 * "Choose this engine if …": per engine, from the run's figures only, the kinds of work it won,
 * the kinds where it trailed far behind, and the whole-run figures (memory per key, space and
 * write amplification, reopen) where it was clearly best or worst. Pure; verdict.ts calls it.
 */
import type { EngineTraits } from '../index.js';
import { formatBytes, formatRatio, formatSig } from './format.js';
import type { ResourceSummary, WorkloadSummary } from './report.js';
import { standing } from './standing.js';
import type { WorkloadInfo, WorkloadVerdict } from './verdict.js';

/** Below this share of the leader's median ops/s, a last place is worth a warning. */
export const LAGGING = 0.5;

/**
 * Memory per key and space amplification are weighed only from this many records on: below it,
 * fixed costs (caches, buffers, preallocated files, what the allocator keeps) swamp the share of
 * each record (--quick's 2,000 records give noise, and a 4 MiB SQLite WAL reads as 19x).
 */
export const PER_RECORD_MIN_RECORDS = 50_000;

/** The whole-run figures that are per record, and so need PER_RECORD_MIN_RECORDS. */
const PER_RECORD: readonly string[] = ['memoryPerKeyBytes', 'spaceAmplification'];

/** Lagging workloads named in one sentence; the rest are counted. */
const MAX_NAMED = 4;

/** The whole-run figures the advice weighs; smaller is better for each. */
export const RESOURCE_FIGURES = ['memoryPerKeyBytes', 'spaceAmplification', 'writeAmplification', 'reopenMs'] as const;
export type ResourceFigure = (typeof RESOURCE_FIGURES)[number];

export interface EngineAdvice {
  engine: string;
  /** Workloads it won clearly. */
  won: string[];
  /** Workloads where it came last, under LAGGING of the leader's median; `ofLeader` is that share. */
  lagged: { workload: string; ofLeader: number }[];
  /** Whole-run figures where it was clearly the best, and clearly the worst, of the contenders. */
  best: ResourceFigure[];
  worst: ResourceFigure[];
  /** Its medians of those figures (null where the engine has no such thing, or it is not weighed). */
  figures: Record<ResourceFigure, number | null>;
  /** The advice, in a few sentences. */
  text: string;
}

/** Kinds of work, by the trait that decides them, as the advice names them. */
const KIND: Record<keyof EngineTraits, string> = {
  write: 'single writes',
  batch: 'batched loads',
  sync: 'synced writes',
  read: 'point reads',
  miss: 'lookups of absent keys',
  scan: 'ordered scans',
  concurrency: 'reads beside a busy writer',
  footprint: 'a small footprint',
};

/** Each figure as a strength ("choose X for …"), as a cost ("it …"), and as a measurement. */
const FIGURE_TEXT: Record<ResourceFigure, { best: string; worst: string; label: string; value: (n: number) => string }> = {
  memoryPerKeyBytes: { best: 'the least memory per key', worst: 'needs the most memory per key', label: 'memory per key', value: (n) => formatBytes(Math.round(n)) },
  spaceAmplification: { best: 'the smallest store on disk', worst: 'takes the most space on disk', label: 'space amp', value: (n) => `${n.toFixed(2)}x` },
  writeAmplification: { best: 'the least disk writing per byte stored', worst: 'writes the most to disk per byte stored', label: 'write amp', value: (n) => `${n.toFixed(2)}x` },
  reopenMs: { best: 'the quickest reopen', worst: 'reopens slowest', label: 'reopen', value: (n) => `${formatSig(n)} ms` },
};

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}

export interface AdviceInput {
  contenders: readonly string[];
  excluded: readonly { engine: string; reason: string }[];
  judged: readonly WorkloadVerdict[];
  workloads: readonly WorkloadInfo[];
  rows: readonly WorkloadSummary[];
  resources: readonly ResourceSummary[];
  /** Records of the run: per-record figures are weighed only from PER_RECORD_MIN_RECORDS on. */
  records: number;
}

/** Advice for every contender, then a line for each engine left out of the ranking. */
export function adviseEngines(input: AdviceInput): EngineAdvice[] {
  const info = new Map(input.workloads.map((w) => [w.name, w]));
  const kindsOf = (workloads: readonly string[]): string[] => [...new Set(workloads.flatMap((w) => (info.get(w)?.explainedBy ?? []).map((a) => KIND[a])))];
  const ops = (engine: string, workload: string): number => input.rows.find((r) => r.engine === engine && r.workload === workload)?.opsPerSec.median ?? 0;
  const share = (engine: string, v: WorkloadVerdict): number => ops(engine, v.workload) / Math.max(ops(v.ranking[0]!, v.workload), Number.MIN_VALUE);
  const weighed = RESOURCE_FIGURES.filter((f) => !PER_RECORD.includes(f) || input.records >= PER_RECORD_MIN_RECORDS);
  const spreadOf = (engine: string, figure: ResourceFigure) => input.resources.find((r) => r.engine === engine)?.[figure] ?? null;
  const figuresOf = (engine: string) => Object.fromEntries(RESOURCE_FIGURES.map((f) => [f, weighed.includes(f) ? (spreadOf(engine, f)?.median ?? null) : null])) as Record<ResourceFigure, number | null>;

  const best = new Map<string, ResourceFigure[]>();
  const worst = new Map<string, ResourceFigure[]>();
  const add = (to: Map<string, ResourceFigure[]>, engine: string, figure: ResourceFigure): void => void to.set(engine, [...(to.get(engine) ?? []), figure]);
  for (const figure of weighed) {
    const entries = input.contenders.flatMap((engine) => {
      const spread = spreadOf(engine, figure);
      return spread === null ? [] : [{ engine, spread }];
    });
    if (entries.length < 2) continue;
    const low = standing(entries, 'lower');
    if (low.clear) add(best, low.order[0]!.engine, figure);
    const high = standing(entries, 'higher'); // the worst, among three or more
    if (high.clear && entries.length > 2) add(worst, high.order[0]!.engine, figure);
  }

  const advice = input.contenders.map((engine): EngineAdvice => {
    const won = input.judged.filter((v) => v.winner === engine).map((v) => v.workload);
    const lagged = input.judged
      .filter((v) => v.ranking.length >= 2 && v.ranking.at(-1) === engine && share(engine, v) < LAGGING)
      .map((v) => ({ workload: v.workload, ofLeader: share(engine, v) }));
    const a: EngineAdvice = { engine, won, lagged, best: best.get(engine) ?? [], worst: worst.get(engine) ?? [], figures: figuresOf(engine), text: '' };
    const strengths = won.length > 0 ? kindsOf(won) : [];
    const reasons = [
      ...(won.length > 0 ? [`fast ${listWords(strengths)} (it won ${listWords(won)})`] : []),
      ...a.best.map((f) => `${FIGURE_TEXT[f].best} (${FIGURE_TEXT[f].value(a.figures[f]!)})`),
    ];
    const sentences: string[] = [];
    if (reasons.length > 0) {
      sentences.push(`Choose ${engine} for ${listWords(reasons)}.`);
    } else {
      // No strength of its own: say where it came closest to the top.
      const nearest = input.judged
        .filter((v) => v.ranking.includes(engine))
        .map((v) => ({ v, share: share(engine, v) }))
        .sort((x, y) => y.share - x.share)[0];
      if (nearest === undefined) sentences.push('No figures to judge it by in this run.');
      else if (nearest.v.ranking[0] === engine) sentences.push(`It won nothing clearly; it leads ${nearest.v.workload}, within the noise of ${nearest.v.runnerUp}.`);
      else sentences.push(`It won nothing clearly; it came closest in ${nearest.v.workload}, at ${formatRatio(nearest.share)} the ops/s of ${nearest.v.ranking[0]}.`);
    }
    if (lagged.length > 0) {
      // Name the kinds of work it trails in, unless they are the kinds it also won (then the workloads).
      const weak = kindsOf(lagged.map((l) => l.workload)).filter((k) => !strengths.includes(k));
      const named = lagged.slice(0, MAX_NAMED).map((l, i) => `${formatRatio(l.ofLeader)}${i === 0 ? " the leader's ops/s" : ''} in ${l.workload}`);
      const more = lagged.length > MAX_NAMED ? [`${lagged.length - MAX_NAMED} more`] : [];
      const subject = weak.length > 0 ? listWords(weak) : listWords(lagged.map((l) => l.workload));
      sentences.push(`Not for ${subject} (last: ${listWords([...named, ...more])}).`);
    }
    if (a.worst.length > 0) sentences.push(`It ${listWords(a.worst.map((f) => `${FIGURE_TEXT[f].worst} (${FIGURE_TEXT[f].value(a.figures[f]!)})`))}.`);
    const measured = RESOURCE_FIGURES.flatMap((f) => (a.figures[f] === null ? [] : [`${FIGURE_TEXT[f].label} ${FIGURE_TEXT[f].value(a.figures[f])}`]));
    if (measured.length > 0) sentences.push(`Measured: ${measured.join(', ')}.`);
    a.text = sentences.join(' ');
    return a;
  });
  for (const { engine, reason } of input.excluded) {
    advice.push({ engine, won: [], lagged: [], best: [], worst: [], figures: figuresOf(engine), text: `Not ranked: it ${reason}.` });
  }
  return advice;
}
