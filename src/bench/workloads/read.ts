/**
 * db_bench's read workloads on the main store: point reads of present and missing keys, full
 * scans in both directions, short range scans from random keys, and reads under a concurrent
 * writer.
 */
import type { KvsEngine, ScanOptions } from '../../index.js';
import { UniformChooser } from '../distributions.js';
import { timeLoop } from '../measure.js';
import type { Workload, WorkloadContext } from './types.js';

/** Entries per seekrandom scan, as db_bench's seek_nexts for range queries. */
export const SEEK_LENGTH = 100;

/** seekrandom's scan count: each scan reads up to SEEK_LENGTH entries. */
export function seekCount(num: number): number {
  return Math.max(10, Math.floor(num / SEEK_LENGTH));
}

async function getLoop(ctx: WorkloadContext, name: string, missing: boolean, between?: (i: number) => Promise<void>) {
  const chooser = new UniformChooser(ctx.records, ctx.rng(name));
  let found = 0;
  const figures = await timeLoop({
    workload: name,
    calls: ctx.num,
    signal: ctx.signal,
    maxSeconds: ctx.maxSeconds,
    between,
    call: async () => {
      const i = chooser.next();
      const value = await ctx.main.get(missing ? ctx.keys.missingKey(i) : ctx.keys.key(i));
      if (value === undefined) return 0;
      found++;
      return ctx.keys.keySize + value.length;
    },
  });
  figures.found = found;
  return figures;
}

/** Times each step of one scan over the whole store: one sample per entry. */
async function scanLoop(ctx: WorkloadContext, name: string, options: ScanOptions) {
  const iterator = ctx.main.scan(options)[Symbol.asyncIterator]();
  let found = 0;
  try {
    const figures = await timeLoop({
      workload: name,
      calls: ctx.records,
      signal: ctx.signal,
      maxSeconds: ctx.maxSeconds,
      call: async (i) => {
        const step = await iterator.next();
        if (step.done === true) throw new Error(`${name}: the scan ended after ${i} entries; the store holds ${ctx.records}`);
        found++;
        return step.value[0].length + step.value[1].length;
      },
    });
    figures.found = found;
    return figures;
  } finally {
    await iterator.return?.();
  }
}

export const readrandom: Workload = {
  name: 'readrandom',
  summary: 'num gets of random present keys (uniform)',
  needs: 'main',
  writes: false,
  explainedBy: ['read'],
  run: (ctx) => getLoop(ctx, 'readrandom', false),
};

export const readmissing: Workload = {
  name: 'readmissing',
  summary: 'num gets of keys that are not there (each sorts between two present keys)',
  needs: 'main',
  writes: false,
  explainedBy: ['miss'],
  run: (ctx) => getLoop(ctx, 'readmissing', true),
};

export const readseq: Workload = {
  name: 'readseq',
  summary: 'one scan of the whole store in key order; latency is per entry',
  needs: 'main',
  writes: false,
  explainedBy: ['scan'],
  run: (ctx) => scanLoop(ctx, 'readseq', {}),
};

export const readreverse: Workload = {
  name: 'readreverse',
  summary: 'one scan of the whole store in descending key order; latency is per entry',
  needs: 'main',
  writes: false,
  explainedBy: ['scan'],
  run: (ctx) => scanLoop(ctx, 'readreverse', { reverse: true }),
};

/** Reads up to `limit` entries from `gte`; resolves to [entries, bytes]. */
export async function scanFrom(store: KvsEngine, gte: Buffer, limit: number): Promise<[number, number]> {
  let entries = 0;
  let bytes = 0;
  for await (const [key, value] of store.scan({ gte, limit })) {
    entries++;
    bytes += key.length + value.length;
  }
  return [entries, bytes];
}

export const seekrandom: Workload = {
  name: 'seekrandom',
  summary: `num/${SEEK_LENGTH} scans of ${SEEK_LENGTH} entries from a random present key; latency is per scan, ops/s counts scans`,
  needs: 'main',
  writes: false,
  explainedBy: ['scan'],
  run: async (ctx) => {
    const chooser = new UniformChooser(ctx.records, ctx.rng('seekrandom'));
    let found = 0;
    const figures = await timeLoop({
      workload: 'seekrandom',
      calls: seekCount(ctx.num),
      signal: ctx.signal,
      maxSeconds: ctx.maxSeconds,
      call: async () => {
        const [entries, bytes] = await scanFrom(ctx.main, ctx.keys.key(chooser.next()), SEEK_LENGTH);
        found += entries;
        return bytes;
      },
    });
    figures.found = found;
    return figures;
  },
};

/** Reads (and writes) between the reader's (and the writer's) turns of the event loop in readwhilewriting. */
const READER_TURN = 16;

export const readwhilewriting: Workload = {
  name: 'readwhilewriting',
  summary: 'readrandom while a second task overwrites random keys as fast as the store accepts them',
  needs: 'main',
  writes: true,
  explainedBy: ['concurrency'],
  run: async (ctx) => {
    const writeChooser = new UniformChooser(ctx.records, ctx.rng('readwhilewriting-writer'));
    let stop = false;
    let writes = 0;
    // The writer shares the event loop with the reader, as two clients of one Node process would.
    // An engine whose get resolves on a microtask would never let a write that waits for the
    // event loop (a library's thread pool) complete, so the reader gives the loop one turn every
    // READER_TURN reads, outside the timed calls: every engine's writer gets the same chances;
    const writer = (async () => {
      while (!stop) {
        const key = ctx.keys.key(writeChooser.next());
        const value = ctx.values.next();
        await ctx.main.set(key, value);
        ctx.wrote(key.length + value.length);
        // and the writer does the same, or a set that resolves on a microtask would never let the reader's turn come
        if (++writes % READER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    let figures;
    try {
      figures = await getLoop(ctx, 'readwhilewriting', false, async (i) => {
        if (i % READER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      });
    } finally {
      stop = true;
      await writer;
    }
    figures.backgroundWrites = writes;
    return figures;
  },
};
