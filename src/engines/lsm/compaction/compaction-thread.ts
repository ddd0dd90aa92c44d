/**
 * The lsm engine's background thread (a worker_thread, as LevelDB runs compactions on a thread of
 * their own): it writes flushed and compacted tables, so that the merge, block building, checksums
 * and bloom filters do not run on the event loop that serves reads and writes. It only writes new
 * table files under numbers the engine reserved, and fsyncs them and the directory before it
 * answers; the engine alone edits the manifest, installs
 * the result, and deletes files. Jobs interleave: a compaction pauses between slices, so a flush
 * sent meanwhile (writes waiting for room) is not held up behind it.
 *
 * Started by thread-client.ts; from TypeScript sources (tests) through test/support's loader.
 */
import { parentPort } from 'node:worker_threads';
import { fsyncDirSync } from '../../../util/fs.js';
import { writeFlushTable } from '../flush.js';
import { TableCache } from '../table-cache.js';
import { Version } from '../version/version.js';
import { runCompaction } from './compaction.js';
import { REFILL_BELOW, reviveMeta, serializeError, type CompactJob, type FromThread, type ToThread } from './thread-protocol.js';

/** Blocks a compaction's input iterators keep cached here: reads are sequential, so little is needed. */
const THREAD_CACHE_BYTES = 1024 * 1024;

const port = parentPort!;
const post = (m: FromThread): void => port.postMessage(m);
const numberPools = new Map<number, { numbers: number[]; refill: (() => void) | undefined }>();
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Test hook: the thread exits abruptly once a compaction has written this many outputs (a worker that dies mid-compaction). */
const dieAfterOutputs = Number(process.env.KVS_LSM_TEST_THREAD_EXIT_AFTER_OUTPUTS ?? 0);

async function compact(job: CompactJob): Promise<void> {
  const pool = { numbers: [...job.numbers], refill: undefined as (() => void) | undefined };
  numberPools.set(job.id, pool);
  const tables = new TableCache(job.dir, THREAD_CACHE_BYTES);
  const perSlice = Math.ceil(job.sliceBytes / job.targetFileSize) + REFILL_BELOW;
  let outputs = 0;
  try {
    const levels = job.levels.map((files) => files.map(reviveMeta));
    const pick = { level: job.level, outputLevel: job.outputLevel, inputs: job.inputs.map(reviveMeta), nextInputs: job.nextInputs.map(reviveMeta), reason: '' };
    const result = await runCompaction(new Version(levels, () => undefined), pick, {
      dir: job.dir,
      tableOptions: job.tableOptions,
      targetFileSize: job.targetFileSize,
      sliceBytes: job.sliceBytes,
      smallestSnapshot: job.smallestSnapshot,
      openTable: (f) => tables.get(f.number).iterator(),
      newOutputNumber: () => {
        const n = pool.numbers.shift();
        if (n === undefined) throw new Error('the compaction ran out of reserved file numbers');
        if (dieAfterOutputs > 0 && ++outputs > dieAfterOutputs) process.exit(70);
        return n;
      },
      yieldPoint: async () => {
        await yieldToLoop(); // lets a flush job or a numbers reply in
        if (pool.numbers.length < perSlice) {
          const refilled = new Promise<void>((resolve) => (pool.refill = resolve));
          post({ type: 'need-numbers', id: job.id, count: perSlice * 2 });
          await refilled;
        }
      },
    });
    if (result.outputs.length > 0) fsyncDirSync(job.dir); // the outputs' directory entries are durable before the engine's manifest edit names them
    post({ type: 'compacted', id: job.id, result });
  } finally {
    numberPools.delete(job.id);
    tables.closeAll();
  }
}

port.on('message', (m: ToThread) => {
  if (m.type === 'numbers') {
    const pool = numberPools.get(m.id);
    if (pool === undefined) return;
    pool.numbers.push(...m.numbers);
    const refill = pool.refill;
    pool.refill = undefined;
    refill?.();
    return;
  }
  const run = async (): Promise<void> => {
    if (m.type === 'compact') return compact(m);
    const meta = writeFlushTable(Buffer.from(m.entries.buffer, m.entries.byteOffset, m.entries.byteLength), m.dir, m.number, m.tableOptions);
    fsyncDirSync(m.dir);
    post({ type: 'flushed', id: m.id, meta });
  };
  run().catch((err: unknown) => post({ type: 'failed', id: m.id, error: serializeError(err) }));
});
