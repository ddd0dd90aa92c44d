/**
 * The parent's side of a worker: fork it, send the job, relay its progress, and turn every way
 * it can end (a record, a crash, a signal) into a run record. Aborting kills the worker.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunRecord, WorkloadFigures } from './figures.js';
import type { SessionJob } from './session.js';
import type { RunMessage, WorkerMessage } from './worker.js';

/** The compiled worker beside this file (dist/bench/worker.js). */
export const DEFAULT_WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Lines of the worker's stderr kept to explain a crash. */
const STDERR_TAIL = 4000;

export function runInWorker(job: SessionJob, options: { workerPath?: string; signal?: AbortSignal; onWorkload?: (workload: string, figures: WorkloadFigures | null) => void }): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    // The worker's stdout is ignored: nothing an engine prints may reach --json output. --expose-gc
    // lets it collect garbage before taking the store's memory (memoryInUseBytes).
    const child = fork(options.workerPath ?? DEFAULT_WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: ['--expose-gc'] });
    let record: RunRecord | undefined;
    let stderr = '';
    const done: WorkloadFigures[] = []; // kept in case the worker dies before its record
    let spawnError: Error | undefined;
    const kill = (): void => void child.kill('SIGKILL');
    options.signal?.addEventListener('abort', kill, { once: true });
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)));
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'workload') {
        if (message.figures !== null) done.push(message.figures);
        options.onWorkload?.(message.workload, message.figures);
      }
      else if (message.type === 'record') record = message.record;
    });
    child.on('error', (err) => (spawnError = err));
    child.on('exit', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      if (options.signal?.aborted === true) return reject(options.signal.reason);
      if (record !== undefined) return resolve(record);
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      const why = spawnError?.message ?? stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({
        engine: job.engine,
        repeat: job.repeat,
        isolated: true,
        sync: job.sync,
        workloads: done,
        resources: null,
        error: { message: `the worker process ${how} before reporting${why === '' ? '' : `: ${why}`}`, stage: 'worker' },
      });
    });
    child.send({ type: 'run', job } satisfies RunMessage);
  });
}
