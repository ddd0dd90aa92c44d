/**
 * db_bench's write workloads: fills in key order and in random order, single and batched,
 * overwrite, fillsync (an fsync per write) and deleterandom.
 */
import { KvsError, type BatchOp, type KvsEngine } from '../../index.js';
import { SequentialChooser, ShuffledChooser, UniformChooser, type KeyChooser } from '../distributions.js';
import { timeLoop } from '../measure.js';
import { NotApplicable, type Workload, type WorkloadContext } from './types.js';

/** fillsync writes a small count: an fsync per write takes milliseconds. */
export function fillsyncCount(num: number): number {
  return Math.min(num, Math.max(50, Math.floor(num / 100)));
}

async function setLoop(ctx: WorkloadContext, store: KvsEngine, name: string, calls: number, chooser: KeyChooser) {
  const figures = await timeLoop({
    workload: name,
    calls,
    signal: ctx.signal,
    call: async () => {
      const key = ctx.keys.key(chooser.next());
      const value = ctx.values.next();
      await store.set(key, value);
      return key.length + value.length;
    },
  });
  ctx.wrote(figures.bytes);
  return figures;
}

async function batchLoop(ctx: WorkloadContext, store: KvsEngine, name: string, chooser: KeyChooser) {
  const size = ctx.batchSize;
  const calls = Math.ceil(ctx.num / size);
  const figures = await timeLoop({
    workload: name,
    calls,
    opsPerCall: size,
    unit: 'batch',
    signal: ctx.signal,
    call: async (i) => {
      const ops: BatchOp[] = [];
      let bytes = 0;
      for (let j = i * size; j < Math.min((i + 1) * size, ctx.num); j++) {
        const key = ctx.keys.key(chooser.next());
        const value = ctx.values.next();
        ops.push({ type: 'set', key, value });
        bytes += key.length + value.length;
      }
      await store.batch(ops);
      return bytes;
    },
  });
  figures.ops = ctx.num;
  figures.opsPerSec = figures.seconds > 0 ? ctx.num / figures.seconds : 0;
  ctx.wrote(figures.bytes);
  return figures;
}

/** Runs `use` on a fresh store and drops the store whatever happens. */
async function onFresh<T>(ctx: WorkloadContext, open: () => Promise<KvsEngine>, use: (store: KvsEngine) => Promise<T>): Promise<T> {
  const store = await open();
  try {
    return await use(store);
  } finally {
    await ctx.dropStore(store);
  }
}

export const fillseq: Workload = {
  name: 'fillseq',
  summary: 'num sets in key order into an empty store',
  needs: 'fresh',
  writes: true,
  explainedBy: ['write'],
  run: (ctx) => onFresh(ctx, () => ctx.freshStore(), (s) => setLoop(ctx, s, 'fillseq', ctx.num, new SequentialChooser(ctx.num))),
};

export const fillrandom: Workload = {
  name: 'fillrandom',
  summary: 'num sets in random order into an empty store (each key once); this store is the one later workloads read',
  needs: 'fill-main',
  writes: true,
  explainedBy: ['write'],
  run: (ctx) => setLoop(ctx, ctx.main, 'fillrandom', ctx.num, new ShuffledChooser(ctx.num, ctx.rng('fillrandom'))),
};

export const overwrite: Workload = {
  name: 'overwrite',
  summary: 'num sets of random existing keys (uniform, with repetition)',
  needs: 'main',
  writes: true,
  explainedBy: ['write'],
  run: (ctx) => setLoop(ctx, ctx.main, 'overwrite', ctx.num, new UniformChooser(ctx.records, ctx.rng('overwrite'))),
};

export const fillsync: Workload = {
  name: 'fillsync',
  summary: 'a small count of random-order sets into an empty store opened with sync "always" (an fsync per write)',
  needs: 'fresh',
  writes: true,
  explainedBy: ['sync'],
  run: async (ctx) => {
    const count = fillsyncCount(ctx.num);
    const open = async () => {
      try {
        return await ctx.freshStore('always');
      } catch (err) {
        if (err instanceof KvsError && err.code === 'UNSUPPORTED') throw new NotApplicable(err.message);
        throw err;
      }
    };
    return onFresh(ctx, open, (s) => setLoop(ctx, s, 'fillsync', count, new ShuffledChooser(count, ctx.rng('fillsync'))));
  },
};

export const fillseqBatch: Workload = {
  name: 'fillseq-batch',
  summary: 'fillseq through batch() calls of --batch sets; latency is per batch call',
  needs: 'fresh',
  writes: true,
  explainedBy: ['batch'],
  run: (ctx) => onFresh(ctx, () => ctx.freshStore(), (s) => batchLoop(ctx, s, 'fillseq-batch', new SequentialChooser(ctx.num))),
};

export const fillrandomBatch: Workload = {
  name: 'fillrandom-batch',
  summary: 'fillrandom through batch() calls of --batch sets; latency is per batch call',
  needs: 'fresh',
  writes: true,
  explainedBy: ['batch'],
  run: (ctx) =>
    onFresh(ctx, () => ctx.freshStore(), (s) => batchLoop(ctx, s, 'fillrandom-batch', new ShuffledChooser(ctx.num, ctx.rng('fillrandom-batch')))),
};

export const deleterandom: Workload = {
  name: 'deleterandom',
  summary: 'deletes of the num loaded records in random order (each key once, so each delete finds its key)',
  needs: 'main',
  writes: true,
  explainedBy: ['write'],
  run: async (ctx) => {
    const chooser = new ShuffledChooser(ctx.num, ctx.rng('deleterandom'));
    let found = 0;
    const figures = await timeLoop({
      workload: 'deleterandom',
      calls: ctx.num,
      signal: ctx.signal,
      call: async () => {
        const key = ctx.keys.key(chooser.next());
        if (await ctx.main.delete(key)) found++;
        return key.length;
      },
    });
    ctx.wrote(figures.bytes);
    figures.found = found;
    return figures;
  },
};
