/**
 * The engine's side of its background thread (compaction-thread.ts): starts it on the first job,
 * sends flush and compaction jobs, hands out file numbers it asks for, and turns its answers into
 * results or KvsErrors. If the thread dies, every job it had fails with IO_ERROR (the engine then
 * stops taking writes, as for any failed flush or compaction; what the thread wrote is in no
 * manifest edit, so nothing is lost and the next open cleans it up). Runs on the event loop.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KvsError, ErrorCodes } from '../../../engine/errors.js';
import type { FileMeta } from '../manifest/version-edit.js';
import type { CompactionResult } from './compaction.js';
import { reviveError, reviveMeta, type CompactJob, type FlushJob, type FromThread, type ToThread } from './thread-protocol.js';

interface Pending {
  what: string;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Reserves more output numbers (compactions only). */
  numbers: ((count: number) => number[]) | undefined;
}

/** The thread's module: the compiled .js beside this one, or, from TypeScript sources (tests), the .ts through test/support's loader. */
function threadEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./compaction-thread.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  const register = new URL('../../../../test/support/ts-worker-register.mjs', import.meta.url);
  return { url: new URL('./compaction-thread.ts', import.meta.url), execArgv: ['--import', register.href] };
}

export class BackgroundThread {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  /** Jobs sent and not yet answered. */
  get busy(): number {
    return this.#pending.size;
  }

  compact(job: Omit<CompactJob, 'type' | 'id'>, moreNumbers: (count: number) => number[]): Promise<CompactionResult> {
    return this.#send<CompactionResult>({ ...job, type: 'compact', id: 0 }, 'compaction', moreNumbers);
  }

  flush(job: Omit<FlushJob, 'type' | 'id'>): Promise<FileMeta> {
    return this.#send<FileMeta>({ ...job, type: 'flush', id: 0 }, 'flush', undefined, [job.entries.buffer as ArrayBuffer]);
  }

  /** Stops the thread. REQUIRES: no job is pending (the engine waits for its jobs first). */
  async stop(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w !== undefined) await w.terminate();
  }

  #send<T>(job: CompactJob | FlushJob, what: string, numbers: ((count: number) => number[]) | undefined, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.#nextId++;
    job.id = id;
    const worker = this.#start();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { what, resolve: resolve as (v: unknown) => void, reject, numbers });
      worker.postMessage(job satisfies ToThread, transfer);
      worker.ref(); // a job in flight keeps the process alive until it is answered
    });
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const entry = threadEntry();
    const worker = new Worker(entry.url, { execArgv: entry.execArgv });
    worker.unref();
    worker.on('message', (m: FromThread) => this.#onMessage(worker, m));
    worker.on('error', (err) => this.#died(worker, `the lsm background thread failed: ${err.message}`));
    worker.on('exit', (code) => this.#died(worker, `the lsm background thread exited (code ${code})`));
    this.#worker = worker;
    return worker;
  }

  #onMessage(worker: Worker, m: FromThread): void {
    const p = this.#pending.get(m.id);
    if (p === undefined) return;
    if (m.type === 'need-numbers') {
      worker.postMessage({ type: 'numbers', id: m.id, numbers: p.numbers!(m.count) } satisfies ToThread);
      return;
    }
    this.#pending.delete(m.id);
    if (this.#pending.size === 0) worker.unref();
    if (m.type === 'failed') p.reject(reviveError(m.error, `${p.what} on the background thread failed`));
    else if (m.type === 'flushed') p.resolve(reviveMeta(m.meta));
    else p.resolve({ ...m.result, outputs: m.result.outputs.map(reviveMeta) });
  }

  /** The thread is gone: its jobs fail; the next job starts a new thread. */
  #died(worker: Worker, reason: string): void {
    if (this.#worker === worker) this.#worker = undefined;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new KvsError(ErrorCodes.IO_ERROR, `${reason} during a ${p.what}; its output was not installed and nothing is lost`));
    }
  }
}
