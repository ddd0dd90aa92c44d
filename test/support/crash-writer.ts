/**
 * Kill -9 tests: a child process writes to a store through the built library (dist/, built by
 * `npm test`'s pretest or `npx tsc -p tsconfig.build.json`) with sync 'always', printing the index
 * of each write once it has resolved; the parent SIGKILLs it after some acknowledgements, then
 * checks the reopened store. Children still running when the test file ends are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const DIST_INDEX = new URL('../../dist/index.js', import.meta.url);

/** True iff dist/ holds a build the child can import. */
export function distIsBuilt(): boolean {
  return fs.existsSync(fileURLToPath(DIST_INDEX));
}

/**
 * What write `i` does, with values crashValue(i, valueChars):
 * - set:       sets key-i;
 * - overwrite: sets key-(i % keys);
 * - delete:    deletes key-(i - 1) when i % 3 is 2, else sets key-i;
 * - batch:     one batch setting batch-i-0 .. batch-i-(batchSize - 1).
 */
export interface CrashWriter {
  engine: string;
  options?: Record<string, unknown>;
  workload: 'set' | 'overwrite' | 'delete' | 'batch';
  valueChars: number;
  /** Keys the overwrite workload cycles through. */
  keys?: number;
  /** Sets per batch in the batch workload. */
  batchSize?: number;
}

/** The value of write `i`: `value-<i>-` padded with `x` to `chars` characters. */
export function crashValue(i: number, chars: number): string {
  return `value-${i}-`.padEnd(chars, 'x');
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function childScript(dir: string, w: CrashWriter): string {
  const config = { dir, keys: 1, batchSize: 1, options: {}, ...w };
  return `
import * as fs from 'node:fs';
import { openStore } from ${JSON.stringify(DIST_INDEX.href)};
const w = ${JSON.stringify(config)};
const db = await openStore({ engine: w.engine, dir: w.dir, sync: 'always', options: w.options });
const value = (i) => ('value-' + i + '-').padEnd(w.valueChars, 'x');
for (let i = 0; ; i++) {
  if (w.workload === 'set') await db.set('key-' + i, value(i));
  else if (w.workload === 'overwrite') await db.set('key-' + (i % w.keys), value(i));
  else if (w.workload === 'delete') await (i % 3 === 2 ? db.delete('key-' + (i - 1)) : db.set('key-' + i, value(i)));
  else await db.batch(Array.from({ length: w.batchSize }, (_, j) => ({ type: 'set', key: 'batch-' + i + '-' + j, value: value(i) })));
  fs.writeSync(1, i + '\\n'); // synchronous: the parent never sees an ack before the write resolved
}
`;
}

/**
 * Runs writer `w` on the store at `dir` until it has acknowledged `acks` writes, kills it with
 * SIGKILL and returns the index of the last acknowledged write. Rejects if the child exits by
 * itself or acknowledges out of order.
 */
export async function runAndKill(dir: string, w: CrashWriter, acks: number): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(dir, w)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = once(child, 'exit');
  let out = '';
  let err = '';
  let lastAck = -1;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!; // a partial line is not an acknowledgement
      for (const line of lines) {
        if (Number(line) !== lastAck + 1) reject(new Error(`acknowledgement ${line} out of order after ${lastAck}`));
        lastAck = Number(line);
      }
      if (lastAck + 1 >= acks) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${err}`));
    });
  });
  const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  if (signal !== 'SIGKILL') throw new Error(`writer ended by ${signal ?? 'exit'}, not SIGKILL`);
  return lastAck;
}
