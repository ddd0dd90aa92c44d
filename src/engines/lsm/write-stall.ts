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
    if (s.sync !== 'never') old.fsync(); // writers waiting on a group sync wrote to this file
    wal = LogWriter.create(logPath(s.dir, number));
    // The new WAL's directory entry is made durable before the manifest names it, so a power loss
    // can never leave a manifest naming a WAL that is not there (a false CORRUPTION at open).
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

/**
 * Whether a write may go ahead now: 'now', or 'slow' when level 0 has reached the slowdown
 * trigger (the write is applied at once, and its acknowledgment is delayed: slowDown()), or
 * false when it must wait (makeRoom). Switches a full memtable when that needs no waiting.
 */
export function roomNow(s: StoreState, worker: BackgroundWorker): 'now' | 'slow' | false {
  const o = s.options;
  if (s.mem.approximateBytes >= o.memtableSize) {
    if (s.imm !== undefined || l0Files(s) >= o.l0StopTrigger) return false;
    switchMemtable(s);
    worker.schedule();
  }
  if (l0Files(s) < o.l0SlowdownTrigger) return 'now';
  s.counters.writeSlowdowns++;
  return 'slow';
}

/**
 * The slowdown of LevelDB's MakeRoomForWrite (1 ms per write while level 0 is at the trigger),
 * applied to the acknowledgment rather than before the write: the writer is held back just as
 * much, but reads and other operations behind it need not wait, since the write is already in.
 */
export function slowDown<T>(result: T | Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setTimeout(resolve, 1)).then(() => result);
}

/** Resolves once a write may go ahead: waits for a flush or for level 0 to shrink, then switches the memtable. */
export async function makeRoom(s: StoreState, worker: BackgroundWorker): Promise<void> {
  const o = s.options;
  for (;;) {
    throwIfBroken(s);
    if (s.mem.approximateBytes < o.memtableSize) {
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
