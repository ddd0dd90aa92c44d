/**
 * The YCSB core workloads A–F on the main store, with YCSB's request distributions: scrambled
 * zipfian (θ = 0.99) for A, B, C, E and F, latest for D. Each operation's kind and key are drawn
 * before timing starts, so the clock measures the store, not the generators.
 */
import type { Workload, WorkloadContext } from './types.js';
import { LatestChooser, ScrambledZipfianChooser } from '../zipfian.js';
import { UniformChooser } from '../distributions.js';
import { timeLoop } from '../measure.js';
import { scanFrom } from './read.js';

/** YCSB's maximum scan length; each scan's length is uniform in 1 .. this. */
export const YCSB_MAX_SCAN = 100;

const READ = 0;
const UPDATE = 1;
const INSERT = 2;
const SCAN = 3;
const READ_MODIFY_WRITE = 4;

interface Mix {
  read?: number;
  update?: number;
  insert?: number;
  scan?: number;
  readModifyWrite?: number;
}

interface YcsbSpec {
  letter: string;
  summary: string;
  mix: Mix;
  distribution: 'zipfian' | 'latest';
  /** The traits that decide it: reads for the read-mostly mixes, reads and writes for A and F, scans for E. */
  explainedBy: Workload['explainedBy'];
  /** Operations per run, from --num (scans are 100x the work of a read, so E runs fewer). */
  count(num: number): number;
}

/** The operation plan: kinds, record indexes and scan lengths, drawn before the clock starts. */
export interface YcsbPlan {
  kinds: Uint8Array;
  indexes: Float64Array;
  lengths: Uint8Array;
  /** Records after the plan's inserts. */
  recordsAfter: number;
}

export function planYcsb(spec: YcsbSpec, ctx: Pick<WorkloadContext, 'records' | 'num' | 'rng'>): YcsbPlan {
  const count = spec.count(ctx.num);
  const rng = ctx.rng(`ycsb-${spec.letter}`);
  const zipf = new ScrambledZipfianChooser(ctx.records, rng);
  const latest = new LatestChooser(ctx.records, rng);
  const scanLength = new UniformChooser(YCSB_MAX_SCAN, rng);
  const thresholds: [number, number][] = [];
  let acc = 0;
  for (const [kind, share] of [[READ, spec.mix.read], [UPDATE, spec.mix.update], [INSERT, spec.mix.insert], [SCAN, spec.mix.scan], [READ_MODIFY_WRITE, spec.mix.readModifyWrite]] as const) {
    if (share === undefined) continue;
    acc += share;
    thresholds.push([acc, kind]);
  }
  const plan: YcsbPlan = { kinds: new Uint8Array(count), indexes: new Float64Array(count), lengths: new Uint8Array(count), recordsAfter: ctx.records };
  for (let i = 0; i < count; i++) {
    const u = rng.next() * acc;
    const kind = thresholds.find(([limit]) => u < limit)?.[1] ?? thresholds[thresholds.length - 1]![1];
    plan.kinds[i] = kind;
    if (kind === INSERT) {
      plan.indexes[i] = plan.recordsAfter++;
    } else {
      plan.indexes[i] = spec.distribution === 'latest' ? latest.next(plan.recordsAfter) : zipf.next();
      if (kind === SCAN) plan.lengths[i] = 1 + scanLength.next();
    }
  }
  return plan;
}

function ycsb(spec: YcsbSpec): Workload {
  const name = `ycsb-${spec.letter}`;
  return {
    name,
    summary: spec.summary,
    needs: 'main',
    writes: spec.mix.update !== undefined || spec.mix.insert !== undefined || spec.mix.readModifyWrite !== undefined,
    explainedBy: spec.explainedBy,
    run: async (ctx) => {
      const plan = planYcsb(spec, ctx);
      let found = 0;
      let inserted = 0;
      const read = async (i: number): Promise<number> => {
        const value = await ctx.main.get(ctx.keys.key(i));
        if (value === undefined) return 0;
        found++;
        return ctx.keys.keySize + value.length;
      };
      const write = async (i: number): Promise<number> => {
        const key = ctx.keys.key(i);
        const value = ctx.values.next();
        await ctx.main.set(key, value);
        ctx.wrote(key.length + value.length);
        return key.length + value.length;
      };
      const figures = await timeLoop({
        workload: name,
        calls: plan.kinds.length,
        signal: ctx.signal,
        maxSeconds: ctx.maxSeconds,
        call: async (i) => {
          const index = plan.indexes[i]!;
          switch (plan.kinds[i]) {
            case READ:
              return read(index);
            case UPDATE:
              return write(index);
            case INSERT:
              inserted++;
              return write(index);
            case SCAN: {
              const [entries, bytes] = await scanFrom(ctx.main, ctx.keys.key(index), plan.lengths[i]!);
              found += entries;
              return bytes;
            }
            default:
              return (await read(index)) + (await write(index));
          }
        },
      });
      // Inserts take the next indexes in plan order, so the first `inserted` of them now exist.
      ctx.records += inserted;
      figures.found = found;
      return figures;
    },
  };
}

const all = (num: number): number => num;

export const ycsbA = ycsb({ letter: 'a', summary: 'YCSB A, update heavy: 50% reads, 50% updates, zipfian', mix: { read: 0.5, update: 0.5 }, distribution: 'zipfian', explainedBy: ['read', 'write'], count: all });
export const ycsbB = ycsb({ letter: 'b', summary: 'YCSB B, read mostly: 95% reads, 5% updates, zipfian', mix: { read: 0.95, update: 0.05 }, distribution: 'zipfian', explainedBy: ['read'], count: all });
export const ycsbC = ycsb({ letter: 'c', summary: 'YCSB C, read only: 100% reads, zipfian', mix: { read: 1 }, distribution: 'zipfian', explainedBy: ['read'], count: all });
export const ycsbD = ycsb({ letter: 'd', summary: 'YCSB D, read latest: 95% reads of recent records, 5% inserts', mix: { read: 0.95, insert: 0.05 }, distribution: 'latest', explainedBy: ['read'], count: all });
export const ycsbE = ycsb({
  letter: 'e',
  summary: `YCSB E, short ranges: 95% scans of 1-${YCSB_MAX_SCAN} entries from a zipfian key, 5% inserts; num/10 operations`,
  mix: { scan: 0.95, insert: 0.05 },
  distribution: 'zipfian',
  explainedBy: ['scan'],
  count: (num) => Math.max(10, Math.floor(num / 10)),
});
export const ycsbF = ycsb({ letter: 'f', summary: 'YCSB F, read-modify-write: 50% reads, 50% get-then-set, zipfian', mix: { read: 0.5, readModifyWrite: 0.5 }, distribution: 'zipfian', explainedBy: ['read', 'write'], count: all });
