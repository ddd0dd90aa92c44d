/**
 * The worker process: runs one session (engine, repeat) sent by the parent over IPC and sends
 * back progress and the run record. A process per run gives each engine its own I/O counters,
 * peak RSS, heap and native threads. Ctrl-C is the parent's to handle: it kills the worker.
 */
import { loadEngineModules } from '../engine/engine-modules.js';
import { runSession, type SessionJob } from './session.js';

/** Messages from the worker to the parent. */
export type WorkerMessage =
  | { type: 'workload'; workload: string; figures: import('./figures.js').WorkloadFigures | null }
  | { type: 'record'; record: import('./figures.js').RunRecord };

/** The message from the parent. */
export interface RunMessage {
  type: 'run';
  job: SessionJob;
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

if (process.send === undefined) {
  process.stderr.write('kvs bench worker: start me with child_process.fork (I take a job over IPC)\n');
  process.exit(2);
}

// The terminal sends SIGINT to the whole process group; the parent stops the run and kills us.
process.on('SIGINT', () => {});
// If the parent dies, there is nobody to report to.
process.on('disconnect', () => process.exit(1));

process.once('message', (message: RunMessage) => {
  void (async () => {
    await loadEngineModules(); // engines from outside kvs (KVS_ENGINE_MODULES), as the parent had them
    const record = await runSession(message.job, {
      isolated: true,
      onWorkload: (workload, figures) => void send({ type: 'workload', workload, figures }),
    });
    await send({ type: 'record', record });
    process.exit(0);
  })();
});
