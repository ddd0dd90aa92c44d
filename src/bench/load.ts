/**
 * Untimed set-up work: loading the main store when no measured fill did (YCSB's load phase), and
 * the warm-up that runs before the first timed workload so that module loading, JIT compilation
 * and first-touch allocations are not charged to whichever workload happens to come first.
 */
import type { BatchOp, KvsEngine } from '../index.js';
import { ShuffledChooser } from './distributions.js';
import type { WorkloadContext } from './workloads/index.js';

/** Writes per batch() call while loading: loading is not measured, so it may as well be quick. */
const LOAD_BATCH = 1000;

/** Operations of the warm-up, of each kind. */
const WARM_UP_OPS = 2000;

/** Writes records 0 .. num-1 in random order into the (empty) main store, untimed. */
export async function loadMain(ctx: WorkloadContext): Promise<void> {
  const chooser = new ShuffledChooser(ctx.num, ctx.rng('load'));
  for (let done = 0; done < ctx.num; done += LOAD_BATCH) {
    ctx.signal?.throwIfAborted();
    const ops: BatchOp[] = [];
    for (let i = done; i < Math.min(done + LOAD_BATCH, ctx.num); i++) {
      const key = ctx.keys.key(chooser.next());
      const value = ctx.values.next();
      ops.push({ type: 'set', key, value });
      ctx.wrote(key.length + value.length);
    }
    await ctx.main.batch(ops);
  }
  ctx.records = ctx.num;
}

/** Sets, gets, a scan and deletes on a scratch store, through the same calls the workloads make. */
export async function warmUp(store: KvsEngine, ctx: WorkloadContext): Promise<void> {
  const n = Math.min(WARM_UP_OPS, ctx.num);
  for (let i = 0; i < n; i++) await store.set(ctx.keys.key(i), ctx.values.next());
  await store.batch([{ type: 'set', key: ctx.keys.key(0), value: ctx.values.next() }]);
  for (let i = 0; i < n; i++) await store.get(ctx.keys.key((i * 7919) % n));
  for (let i = 0; i < n; i++) await store.get(ctx.keys.missingKey(i));
  for await (const entry of store.scan({ limit: n })) void entry;
  for await (const entry of store.scan({ reverse: true, limit: 100 })) void entry;
  for (let i = 0; i < n; i += 2) await store.delete(ctx.keys.key(i));
}
