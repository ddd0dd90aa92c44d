/**
 * compact() (`kvs compact`): flush everything, then LevelDB's CompactRange over the whole key
 * space, so that no shadowed version or deletion marker is left. Concurrency: runs as the
 * background worker's job once no other job runs (overlapping calls queue); reads and writes go on meanwhile.
 */
import type { CompactResult } from '../../engine/types.js';
import type { BackgroundWorker } from './background.js';
import { pickWholeLevel } from './compaction/compaction-policy.js';
import { storeBytes } from './lsm-stats.js';
import type { StoreState } from './store-state.js';
import { switchMemtable } from './write-stall.js';

/** Compacts every level into the next down to the deepest level holding data, which is rewritten in place. */
export async function compactAll(s: StoreState, worker: BackgroundWorker): Promise<CompactResult> {
  const started = performance.now();
  let bytesBefore = 0;
  let bytesAfter = 0;
  const details = { flushed: false, compactions: 0, filesCompacted: 0, filesWritten: 0, bytesRead: 0, bytesWritten: 0, entriesDropped: 0 };
  // Queued behind any running job, including another compact() that was not awaited.
  await worker.exclusive(async () => {
    bytesBefore = storeBytes(s.dir);
    await worker.flushNow();
    if (s.mem.entryCount > 0) {
      if (s.imm === undefined) switchMemtable(s); // else a write switched it meanwhile
      await worker.flushNow();
      details.flushed = true;
    }
    const deepest = s.vs.current.levels.reduce((d, files, level) => (files.length > 0 ? level : d), 0);
    for (let level = 0; level <= deepest; level++) {
      const pick = pickWholeLevel(s.vs.current, level, level === deepest && level > 0);
      if (pick === undefined) continue;
      const r = await worker.compact(pick, true);
      details.compactions++;
      details.filesCompacted += r.filesIn;
      details.filesWritten += r.filesOut;
      details.bytesRead += r.bytesRead;
      details.bytesWritten += r.bytesWritten;
      details.entriesDropped += r.entriesDropped;
    }
    bytesAfter = storeBytes(s.dir); // inside the job: before any other job starts writing new tables
  });
  worker.schedule();
  return {
    bytesBefore,
    bytesAfter,
    reclaimedBytes: Math.max(0, bytesBefore - bytesAfter),
    details: { ...details, durationMs: Math.round(performance.now() - started) },
  };
}
