/**
 * Slow: a child process writes through the built library with sync 'always'
 * (test/support/crash-writer.ts) and is killed with SIGKILL mid-stream; the parent reopens the
 * store and checks every acknowledged write is there.
 */
import { describe, it, expect } from 'vitest';
import { parseFileName } from '../../../src/engines/bitcask/file-names.js';
import { crashValue, distIsBuilt, runAndKill as runWriter, type CrashWriter } from '../../support/crash-writer.js';
import { contents, dataFiles, open, tempDir } from './store-dir.js';

const value = (i: number): string => crashValue(i, 100);

/** Runs the writer in `workload` until it has acknowledged `acks` writes, kills it with SIGKILL, and returns the highest acknowledged index. */
function runAndKill(dir: string, workload: 'set' | 'overwrite' | 'batch', acks: number): Promise<number> {
  const options = workload === 'overwrite' ? { maxFileSize: 4096, mergeMinDeadBytes: 0 } : {};
  const writer: CrashWriter = { engine: 'bitcask', options, workload, valueChars: 100, keys: 37, batchSize: 5 };
  return runWriter(dir, writer, acks);
}

describe('crash (kill -9)', () => {
  it('dist is built (run `npx tsc -p tsconfig.build.json` or `npm test`)', () => {
    expect(distIsBuilt()).toBe(true);
  });

  it('writes acknowledged under sync=always survive kill -9', async () => {
    const dir = tempDir('crash-set');
    const lastAck = await runAndKill(dir, 'set', 300);
    expect(lastAck).toBeGreaterThanOrEqual(299);

    const db = await open(dir);
    const seen = await contents(db);
    for (let i = 0; i <= lastAck; i++) expect(seen.get(`key-${i}`), `acknowledged key-${i}`).toBe(value(i));
    // At most the one write in flight when the child died got in beyond the acknowledged ones.
    expect(seen.size === lastAck + 1 || (seen.size === lastAck + 2 && seen.get(`key-${lastAck + 1}`) === value(lastAck + 1))).toBe(true);
    await db.set('after-crash', 'ok');
    await db.close();
    const again = await open(dir);
    expect((await again.get('after-crash'))?.toString()).toBe('ok');
    expect(await again.count()).toBe(seen.size + 1);
    await again.close();
  });

  it('acknowledged overwrites survive kill -9 during rotations and automatic merges', async () => {
    const dir = tempDir('crash-overwrite');
    const lastAck = await runAndKill(dir, 'overwrite', 400);

    const db = await open(dir, { maxFileSize: 4096 });
    const seen = await contents(db);
    expect(seen.size).toBe(37);
    for (let k = 0; k < 37; k++) {
      const lastAckedWrite = lastAck - ((((lastAck - k) % 37) + 37) % 37); // the last i <= lastAck with i % 37 === k
      const inFlight = lastAck + 1;
      const allowed = [value(lastAckedWrite), ...(inFlight % 37 === k ? [value(inFlight)] : [])];
      expect(allowed, `key-${k}`).toContain(seen.get(`key-${k}`));
    }
    // The child rotated files and merged them (merge outputs have a minor number).
    expect(dataFiles(dir).length).toBeGreaterThan(1);
    expect(dataFiles(dir).some((f) => parseFileName(f)!.id.minor > 0), dataFiles(dir).join(' ')).toBe(true);
    await db.set('after-crash', 'ok');
    await db.close();
  });

  it('acknowledged batches survive kill -9 whole; the batch in flight is all or nothing', async () => {
    const dir = tempDir('crash-batch');
    const lastAck = await runAndKill(dir, 'batch', 300);

    const db = await open(dir);
    const seen = await contents(db);
    const present = (i: number): number => [0, 1, 2, 3, 4].filter((j) => seen.get(`batch-${i}-${j}`) === value(i)).length;
    for (let i = 0; i <= lastAck; i++) expect(present(i), `acknowledged batch ${i}`).toBe(5);
    expect([0, 5], 'batch in flight').toContain(present(lastAck + 1));
    expect(seen.size).toBe(5 * (lastAck + 1) + present(lastAck + 1));
    await db.batch([{ type: 'set', key: 'after-crash', value: 'ok' }]);
    await db.close();
  });
});
