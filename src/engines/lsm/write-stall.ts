/**
 * Room for a write: the memtable switch and the write-stall rule (LevelDB's MakeRoomForWrite).
 * Concurrency: roomNow() and switchMemtable() are synchronous; makeRoom() awaits the background
 * worker, and the engine queues every later operation behind a write that waits.
 */
import { ioError } from '../../engine/errors.js';
import { fsyncDirSync } from '../../util/fs.js';
import type { BackgroundWorker } from './background.js';
import { logPath } from './file-names.js';
import { Memtable } from './memtable/memtable.js';
import { throwIfBroken, type StoreState } from './store-state.js';
import { LogWriter } from './wal/wal-writer.js';

/** Level-0 files as the stall rule counts them: 0 when compactions are off or the store is closing (no compaction would come to end a stall). */
function l0Files(s: StoreState): number {
  return s.options.autoCompact && !s.closing ? s.vs.current.levels[0]!.length : 0;
}

/**
 * The full memtable becomes immutable; a new memtable and WAL take the writes. The caller
 * schedules the flush. REQUIRES: no immutable memtable (s.imm is undefined).
 */
export function switchMemtable(s: StoreState): void {
  const number = s.vs.newFileNumber();
  const old = s.wal!;
  let wal: LogWriter;
  try {
    // Whatever the sync policy: recovery allows a torn tail only in the newest WAL holding records,
    // so an older one must be complete on disk even after a power loss (one fsync per memtable).
    old.fsync();
    wal = LogWriter.create(logPath(s.dir, number));
    fsyncDirSync(s.dir);
    s.vs.recordLog(number); // the manifest names every WAL holding writes: a missing one is CORRUPTION at open
  } catch (err) {
    s.fatal ??= err;
    throw ioError(`cannot start write-ahead log ${logPath(s.dir, number)}`, err);
  }
  s.immWal = old;
  s.wal = wal;
  s.imm = s.mem;
  s.mem = new Memtable(number);
}

/** True iff a write may go ahead now; switches a full memtable when that needs no waiting. */
export function roomNow(s: StoreState, worker: BackgroundWorker): boolean {
  const o = s.options;
  if (l0Files(s) >= o.l0SlowdownTrigger) return false;
  if (s.mem.approximateBytes < o.memtableSize) return true;
  if (s.imm !== undefined || l0Files(s) >= o.l0StopTrigger) return false;
  switchMemtable(s);
  worker.schedule();
  return true;
}

/** Resolves once a write may go ahead: delays once at the slowdown trigger, waits for a flush or for level 0 to shrink, then switches the memtable. */
export async function makeRoom(s: StoreState, worker: BackgroundWorker): Promise<void> {
  const o = s.options;
  let delayed = false;
  for (;;) {
    throwIfBroken(s);
    if (!delayed && l0Files(s) >= o.l0SlowdownTrigger) {
      delayed = true;
      s.counters.writeSlowdowns++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    } else if (s.mem.approximateBytes < o.memtableSize) {
      return;
    } else if (s.imm !== undefined || l0Files(s) >= o.l0StopTrigger) {
      s.counters.writeStalls++;
      await worker.progress();
    } else {
      switchMemtable(s);
      worker.schedule();
      return;
    }
  }
}
