/**
 * Slow: a child process writes through the built library with sync 'always', printing each
 * acknowledged write (test/support/crash-writer.ts), and is killed with SIGKILL at a random
 * moment, with small memtables so that flushes and compactions are in flight. The reopened
 * store holds every acknowledged write and nothing that was never written. The moment is drawn
 * from a seed, printed in the describe name; replay it with KVS_LSM_CRASH_SEED=<seed>.
 */
import { describe, expect, it } from 'vitest';
import { crashValue, distIsBuilt, runAndKill as runWriter, type CrashWriter } from '../../support/crash-writer.js';
import { seededRandom } from '../../support/fault-store.js';
import { contents, open, tempDir } from './store-dir.js';

const OPTIONS = { memtableSize: 4096, blockSize: 512, targetFileSize: 8192, level1MaxBytes: 16384, l0CompactionTrigger: 2, compactionSliceBytes: 1024 };
const writer = (workload: CrashWriter['workload']): CrashWriter => ({ engine: 'lsm', options: OPTIONS, workload, valueChars: 60, keys: 53, batchSize: 4 });
const value = (i: number): string => crashValue(i, 60);

/** KVS_LSM_CRASH_SEED when set (to replay a failure), else a fresh seed. */
function chooseSeed(): number {
  const given = process.env.KVS_LSM_CRASH_SEED;
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`KVS_LSM_CRASH_SEED must be an integer; got ${JSON.stringify(given)}`);
  return seed;
}

const SEED = chooseSeed();
const random = seededRandom(SEED);

/** Runs the writer until it has acknowledged between `min` and `min * 2` writes (drawn from the seed), kills it, returns the last ack. */
function runAndKill(dir: string, workload: CrashWriter['workload'], min: number): Promise<number> {
  return runWriter(dir, writer(workload), min + Math.floor(random() * min));
}

describe(`crash (kill -9) of an lsm writer with sync always (seed ${SEED}; replay with KVS_LSM_CRASH_SEED=${SEED})`, () => {
  it('dist is built (run `npx tsc -p tsconfig.build.json` or `npm test`)', () => {
    expect(distIsBuilt()).toBe(true);
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
