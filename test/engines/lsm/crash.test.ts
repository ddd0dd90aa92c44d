/**
 * Slow: a child process writes through the built library (dist/, built by `npm test`'s pretest
 * or `npx tsc -p tsconfig.build.json`) with sync 'always', printing each acknowledged write, and
 * is killed with SIGKILL at a random moment, with small memtables so that flushes and
 * compactions are in flight. The reopened store holds every acknowledged write and nothing that
 * was never written.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contents, open, tempDir } from './store-dir.js';

const DIST = new URL('../../../dist/index.js', import.meta.url);
const OPTIONS = { memtableSize: 4096, blockSize: 512, targetFileSize: 8192, level1MaxBytes: 16384, l0CompactionTrigger: 2, compactionSliceBytes: 1024 };

/** The child: writes forever with sync 'always', printing `i` after write (or batch) i resolves. */
const CHILD = `
import * as fs from 'node:fs';
import { openStore } from ${JSON.stringify(DIST.href)};
const [dir, mode] = process.argv.slice(2);
const db = await openStore({ engine: 'lsm', dir, sync: 'always', options: ${JSON.stringify(OPTIONS)} });
const value = (i) => ('value-' + i + '-').padEnd(60, 'x');
for (let i = 0; ; i++) {
  if (mode === 'overwrite') await db.set('key-' + (i % 53), value(i));
  else if (mode === 'delete') await (i % 3 === 2 ? db.delete('key-' + (i - 1)) : db.set('key-' + i, value(i)));
  else await db.batch([0, 1, 2, 3].map((j) => ({ type: 'set', key: 'batch-' + i + '-' + j, value: value(i) })));
  fs.writeSync(1, i + '\\n'); // synchronous: the parent never sees an ack before the write resolved
}
`;

const value = (i: number): string => `value-${i}-`.padEnd(60, 'x');

/** Runs the child until it has acknowledged between `min` and `min * 2` writes (random), kills it, returns the last ack. */
async function runAndKill(dir: string, mode: 'overwrite' | 'delete' | 'batch', min: number): Promise<number> {
  const acks = min + Math.floor(Math.random() * min);
  const script = path.join(tempDir('child'), 'writer.mjs');
  fs.writeFileSync(script, CHILD);
  const child = spawn(process.execPath, [script, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let lastAck = -1;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
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
  expect(signal).toBe('SIGKILL');
  return lastAck;
}

describe('crash (kill -9) of an lsm writer with sync always', () => {
  it('dist is built (run `npx tsc -p tsconfig.build.json` or `npm test`)', () => {
    expect(fs.existsSync(fileURLToPath(DIST)), fileURLToPath(DIST)).toBe(true);
  });

  it('acknowledged overwrites survive kill -9 during flushes and compactions; nothing unwritten appears', async () => {
    const dir = tempDir('crash-overwrite');
    const lastAck = await runAndKill(dir, 'overwrite', 600);
    const db = await open(dir, OPTIONS);
    const seen = await contents(db);
    expect(seen.size).toBe(53);
    for (let k = 0; k < 53; k++) {
      const lastAcked = lastAck - ((((lastAck - k) % 53) + 53) % 53); // the last i <= lastAck with i % 53 === k
      const allowed = [value(lastAcked), ...((lastAck + 1) % 53 === k ? [value(lastAck + 1)] : [])];
      expect(allowed, `key-${k}`).toContain(seen.get(`key-${k}`));
    }
    const stats = await db.stats();
    expect((stats.tables as unknown[]).length).toBeGreaterThan(0); // the child flushed before it died
    await db.set('after-crash', 'ok');
    await db.close();
    const again = await open(dir, OPTIONS);
    expect((await again.get('after-crash'))?.toString()).toBe('ok');
    await again.close();
  });

  it('acknowledged sets and deletes survive kill -9; deleted keys stay deleted', async () => {
    const dir = tempDir('crash-delete');
    const lastAck = await runAndKill(dir, 'delete', 600);
    const db = await open(dir, OPTIONS);
    const seen = await contents(db);
    const expected = new Map<string, string>();
    for (let i = 0; i <= lastAck; i++) {
      if (i % 3 === 2) expected.delete(`key-${i - 1}`);
      else expected.set(`key-${i}`, value(i));
    }
    const inFlight = lastAck + 1;
    if (seen.size !== expected.size) {
      // Only the write in flight may have landed beyond the acknowledged ones.
      if (inFlight % 3 === 2) expected.delete(`key-${inFlight - 1}`);
      else expected.set(`key-${inFlight}`, value(inFlight));
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
    await db.close();
  });

  it('acknowledged batches survive kill -9 whole; the batch in flight is all or nothing', async () => {
    const dir = tempDir('crash-batch');
    const lastAck = await runAndKill(dir, 'batch', 300);
    const db = await open(dir, OPTIONS);
    const seen = await contents(db);
    const present = (i: number): number => [0, 1, 2, 3].filter((j) => seen.get(`batch-${i}-${j}`) === value(i)).length;
    for (let i = 0; i <= lastAck; i++) expect(present(i), `acknowledged batch ${i}`).toBe(4);
    expect([0, 4], 'batch in flight').toContain(present(lastAck + 1));
    expect(seen.size).toBe(4 * (lastAck + 1) + present(lastAck + 1));
    await db.close();
  });
});
