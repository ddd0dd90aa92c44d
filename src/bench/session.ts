/**
 * One engine, one repeat: warm up, run the selected workloads in order on fresh and main stores
 * under a directory of its own, and collect the run's figures. Never throws for an engine's
 * failure: the record carries the error and the figures measured before it. Aborting (the
 * signal) closes the stores and rethrows; the caller removes the directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKvsError, loadEngine, openStore, type KvsEngine, type OpenOptions, type SyncPolicy } from '../index.js';
import { diskUsageSync } from './disk-usage.js';
import { needsServer } from './engine-selection.js';
import type { ResourceFigures, RunRecord, WorkloadFigures } from './figures.js';
import { KeyCodec, ValueSource } from './keys.js';
import { ioWriteBytes, peakRssBytes, memoryInUseBytes } from './process-counters.js';
import { Random } from './random.js';
import { streamSeed } from './seed.js';
import { loadMain, warmUp } from './load.js';
import { NotApplicable, REOPEN_AFTER, WORKLOADS, type WorkloadContext } from './workloads/index.js';

export interface SessionJob {
  engine: string;
  repeat: number;
  /** An empty directory the session may fill; the caller removes it. */
  dir: string;
  url?: string;
  workloads: readonly string[];
  num: number;
  keySize: number;
  valueSize: number;
  batch: number;
  sync: SyncPolicy;
  seed: number;
  warmup: boolean;
  /** Time cap of each read and YCSB workload, in seconds. */
  maxSeconds: number;
}

export interface SessionHooks {
  signal?: AbortSignal;
  /** True iff the session has a process of its own. */
  isolated: boolean;
  /** After each workload (skipped ones included, with null figures). */
  onWorkload?: (workload: string, figures: WorkloadFigures | null) => void;
}

export async function runSession(job: SessionJob, hooks: SessionHooks): Promise<RunRecord> {
  const record: RunRecord = { engine: job.engine, repeat: job.repeat, isolated: hooks.isolated, sync: job.sync, workloads: [], resources: null };
  const open = new Set<KvsEngine>();
  let stage = 'open';
  try {
    const module = await loadEngine(job.engine);
    const sync = module.supports.syncPolicies.includes(job.sync) ? job.sync : module.supports.syncPolicies[0]!;
    record.sync = sync;
    const onDisk = module.supports.directory;
    // A server engine's stores share the server: each gets a key space (the redis engine's
    // namespace option) of its own, emptied before it is closed for good.
    const remote = needsServer(module.supports);
    let freshCount = 0;
    const freshDirs = new Map<KvsEngine, string>();
    const openAt = async (name: string, policy: SyncPolicy): Promise<KvsEngine> => {
      const options: OpenOptions = { engine: job.engine, sync: policy };
      if (onDisk) options.dir = path.join(job.dir, name);
      if (job.url !== undefined) options.url = job.url;
      if (remote) options.options = { namespace: `kvs-bench-${process.pid}-${job.repeat}-${name}` };
      const store = await openStore(options);
      open.add(store);
      return store;
    };
    const closeStore = async (store: KvsEngine, final = true): Promise<void> => {
      open.delete(store);
      if (final && remote) await emptyStore(store);
      await store.close();
    };
    const seed = job.seed + job.repeat - 1;
    const keys = new KeyCodec(job.keySize);
    const userDataBytes = job.num * (job.keySize + job.valueSize);
    let main: KvsEngine | undefined;
    let written = 0;
    const ctx: WorkloadContext = {
      get main(): KvsEngine {
        if (main === undefined) throw new Error('the main store is not open');
        return main;
      },
      records: 0,
      num: job.num,
      keys,
      values: new ValueSource(job.valueSize, new Random(streamSeed(seed, 'values'))),
      batchSize: job.batch,
      signal: hooks.signal,
      maxSeconds: job.maxSeconds,
      rng: (stream) => new Random(streamSeed(seed, stream)),
      freshStore: async (policy) => {
        const name = `fresh-${++freshCount}`;
        const store = await openAt(name, policy ?? sync);
        freshDirs.set(store, name);
        return store;
      },
      dropStore: async (store) => {
        await closeStore(store);
        const name = freshDirs.get(store);
        freshDirs.delete(store);
        if (onDisk && name !== undefined) fs.rmSync(path.join(job.dir, name), { recursive: true, force: true });
      },
      wrote: (bytes) => (written += bytes),
    };
    if (job.warmup) {
      stage = 'warm-up';
      const scratch = await openAt('warm-up', sync);
      await warmUp(scratch, ctx);
      await closeStore(scratch);
      if (onDisk) fs.rmSync(path.join(job.dir, 'warm-up'), { recursive: true, force: true });
      written = 0;
    }
    const memoryBeforeStore = memoryInUseBytes();
    const io0 = ioWriteBytes();
    const resources: ResourceFigures = {
      records: job.num,
      userDataBytes,
      diskAfterFillBytes: null,
      diskAfterOverwriteBytes: null,
      spaceAmplification: null,
      userBytesWritten: 0,
      ioWriteBytes: null,
      writeAmplification: null,
      reopenMs: null,
      peakRssBytes: 0,
      memoryPerKeyBytes: null,
    };
    const mainDisk = (): number | null => (onDisk ? diskUsageSync(path.join(job.dir, 'main')) : null);
    const afterFill = (): void => {
      resources.diskAfterFillBytes = mainDisk();
      resources.spaceAmplification = resources.diskAfterFillBytes === null ? null : resources.diskAfterFillBytes / userDataBytes;
    };
    let reopened = false;
    // After the writes: reopen (timed) and take the store's memory, all records in, before the reads.
    const reopen = async (): Promise<void> => {
      reopened = true;
      if (main === undefined) return;
      if (module.supports.persistent) {
        stage = 'reopen';
        await closeStore(main, false);
        main = undefined;
        const started = performance.now();
        main = await openAt('main', sync);
        await main.get(keys.key(0));
        resources.reopenMs = performance.now() - started;
      }
      if (ctx.records > 0) resources.memoryPerKeyBytes = Math.max(0, memoryInUseBytes() - memoryBeforeStore) / ctx.records;
    };
    const selected = WORKLOADS.filter((w) => job.workloads.includes(w.name));
    const reopenIndex = WORKLOADS.findIndex((w) => w.name === REOPEN_AFTER);
    for (const workload of selected) {
      hooks.signal?.throwIfAborted();
      if (workload.needs !== 'fresh' && main === undefined) {
        main = await openAt('main', sync);
        if (workload.needs === 'main') {
          stage = 'load';
          await loadMain(ctx);
          afterFill();
        }
      }
      if (!reopened && main !== undefined && WORKLOADS.indexOf(workload) > reopenIndex) await reopen();
      stage = workload.name;
      let figures: WorkloadFigures | null = null;
      try {
        figures = await workload.run(ctx);
      } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
        record.skipped = [...(record.skipped ?? []), { workload: workload.name, reason: err.message }];
      }
      if (workload.needs === 'fill-main') {
        ctx.records = job.num;
        afterFill();
      }
      if (workload.name === 'overwrite') resources.diskAfterOverwriteBytes = mainDisk();
      if (figures !== null) record.workloads.push(figures);
      hooks.onWorkload?.(workload.name, figures);
    }
    if (!reopened) await reopen();
    stage = 'close';
    for (const store of [...open]) await closeStore(store);
    const io1 = ioWriteBytes();
    resources.userBytesWritten = written;
    if (io0 !== null && io1 !== null && !remote) {
      resources.ioWriteBytes = io1 - io0;
      resources.writeAmplification = written > 0 ? resources.ioWriteBytes / written : null;
    }
    resources.peakRssBytes = peakRssBytes();
    record.resources = resources;
  } catch (err) {
    for (const store of open) await store.close().catch(() => {}); // a server engine's keys may stay behind here
    if (hooks.signal?.aborted === true) throw err;
    record.error = { message: err instanceof Error ? err.message : String(err), stage };
    if (isKvsError(err)) record.error.code = err.code;
  }
  return record;
}

/** Deletes every key of a store (untimed), so a run leaves nothing behind on a shared server. */
async function emptyStore(store: KvsEngine): Promise<void> {
  for (;;) {
    const ops: { type: 'delete'; key: Buffer }[] = [];
    for await (const [key] of store.scan({ limit: 1000 })) ops.push({ type: 'delete', key });
    if (ops.length === 0) return;
    await store.batch(ops);
  }
}
