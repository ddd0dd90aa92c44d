/**
 * Where the tables of a flush or a compaction are written: on the background thread
 * (thread-client.ts; the default), or in slices on the event loop (`backgroundThread: false`).
 * Either way the result is tables that are fsynced, with their directory entries, and in no
 * manifest edit yet: background.ts installs them. Output numbers come from `reserve`, which
 * records them as pending outputs so that cleanup leaves the files alone meanwhile.
 */
import { fsyncDirSync } from '../../../util/fs.js';
import { encodeFlushEntries, flushMemtable } from '../flush.js';
import type { FileMeta } from '../manifest/version-edit.js';
import type { Memtable } from '../memtable/memtable.js';
import type { StoreState } from '../store-state.js';
import { totalBytes, type Version } from '../version/version.js';
import { runCompaction, type CompactionResult } from './compaction.js';
import type { CompactionPick } from './compaction-policy.js';
import { BackgroundThread } from './thread-client.js';
import { initialNumbers } from './thread-protocol.js';

export interface TableJobHooks {
  /** Awaited between slices on the event loop. */
  pause(): Promise<void>;
  /** Wraps a wait for the thread's answer (BackgroundWorker counts it for shareTurn). */
  onLoop<T>(p: () => Promise<T>): Promise<T>;
  /** `count` new file numbers, recorded as pending outputs. */
  reserve(count: number): number[];
}

export class TableJobs {
  readonly #s: StoreState;
  readonly #hooks: TableJobHooks;
  readonly #thread: BackgroundThread | undefined;

  constructor(s: StoreState, hooks: TableJobHooks) {
    this.#s = s;
    this.#hooks = hooks;
    this.#thread = s.options.backgroundThread && !s.readOnly ? new BackgroundThread() : undefined;
  }

  /** Ends the background thread. REQUIRES: no job runs. */
  async stop(): Promise<void> {
    await this.#thread?.stop();
  }

  /** Table `number` written from `imm` (the versions `smallestSnapshot` needs), or undefined iff it holds nothing. */
  async flush(imm: Memtable, number: number, smallestSnapshot: number): Promise<FileMeta | undefined> {
    const s = this.#s;
    const slice = s.options.compactionSliceBytes;
    const thread = this.#thread;
    if (thread === undefined) {
      const meta = await flushMemtable(imm, s.dir, number, s.tableOptions, slice, () => this.#hooks.pause(), smallestSnapshot);
      if (meta !== undefined) fsyncDirSync(s.dir);
      return meta;
    }
    // Copying the kept entries is the only part on the event loop, in slices; the thread builds, writes and fsyncs.
    const entries = await encodeFlushEntries(imm, smallestSnapshot, slice, () => this.#hooks.pause());
    if (entries === undefined) return undefined;
    return this.#hooks.onLoop(() => thread.flush({ dir: s.dir, tableOptions: s.tableOptions, number, entries }));
  }

  /** The merge of `pick`'s inputs (pinned by `version`) into new tables. */
  async merge(pick: CompactionPick, version: Version, smallestSnapshot: number): Promise<CompactionResult> {
    const s = this.#s;
    const thread = this.#thread;
    if (thread === undefined) {
      const result = await runCompaction(version, pick, {
        dir: s.dir,
        tableOptions: s.tableOptions,
        targetFileSize: s.options.targetFileSize,
        sliceBytes: s.options.compactionSliceBytes,
        smallestSnapshot,
        openTable: (f) => s.tables.get(f.number).iterator(),
        newOutputNumber: () => this.#hooks.reserve(1)[0]!,
        yieldPoint: () => this.#hooks.pause(),
      });
      if (result.outputs.length > 0) fsyncDirSync(s.dir);
      return result;
    }
    const first = initialNumbers(totalBytes(pick.inputs) + totalBytes(pick.nextInputs), s.options.targetFileSize);
    const job = {
      dir: s.dir,
      tableOptions: s.tableOptions,
      targetFileSize: s.options.targetFileSize,
      sliceBytes: s.options.compactionSliceBytes,
      smallestSnapshot,
      level: pick.level,
      outputLevel: pick.outputLevel,
      inputs: pick.inputs,
      nextInputs: pick.nextInputs,
      levels: version.levels.map((files) => [...files]),
      numbers: this.#hooks.reserve(first),
    };
    return this.#hooks.onLoop(() => thread.compact(job, (count) => this.#hooks.reserve(count)));
  }
}
