/**
 * openStore's lockTimeoutMs (src/engine/lock-wait.ts): a writable open waits, backing off, for a
 * directory another process holds; 0 (the default) fails at once; a store open in this very
 * process is never waited for. The holder is a real process (the lock race tests' contender).
 */
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, openStore } from '../../src/index.js';
import { LineProcess } from '../cli/line-process.js';
import { distIsBuilt, DIST_INDEX } from '../support/crash-writer.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const CONTENDER = path.join(import.meta.dirname, '..', 'engines', 'shared', 'fixtures', 'lock-contender.mjs');
const holders: LineProcess[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((h) => h.kill()));
});

/** A process that holds the bitcask store in `dir` until told to release it. */
async function holder(dir: string): Promise<LineProcess> {
  const h = new LineProcess(process.execPath, [CONTENDER, DIST_INDEX.href, 'bitcask', dir, '1']);
  holders.push(h);
  expect(await h.line(/^ready$/)).toBe('ready');
  h.send('go 1');
  expect(await h.line(/^(holding|refused) 1/), h.stderr).toBe('holding 1');
  return h;
}

describe.runIf(distIsBuilt())('lockTimeoutMs', () => {
  it('by default a store held by another process is LOCKED at once, naming the holder', async () => {
    const dir = tempStoreDir('lock-wait');
    const h = await holder(dir);
    const started = Date.now();
    const err = await openStore({ dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { pid: h.pid } });
    expect((err as { details: Record<string, unknown> }).details.waitedMs).toBeUndefined();
    // Not a timing test: well under the CLI's 5 s wait, so no wait ran (generous for a loaded machine).
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a holder that releases within the wait: the open succeeds once it has', async () => {
    const dir = tempStoreDir('lock-wait');
    const h = await holder(dir);
    const started = Date.now();
    const opening = openStore({ dir, lockTimeoutMs: 20_000 });
    setTimeout(() => h.send('release 1'), 400);
    const db = await opening;
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(h.lines).toContain('released 1');
    expect((await db.get('r1-0'))?.toString()).toBe('value of round 1, write 0');
    await db.close();
  });

  it('held past the wait: LOCKED after it, saying how long it waited (details.waitedMs)', async () => {
    const dir = tempStoreDir('lock-wait');
    await holder(dir);
    const started = Date.now();
    const err = await openStore({ dir, lockTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(err).toMatchObject({ code: ErrorCodes.LOCKED });
    expect((err as Error).message).toMatch(/ \(waited 0\.[3-9] s for it\)$/);
    expect((err as { details: { waitedMs: number } }).details.waitedMs).toBeGreaterThanOrEqual(300);
  });

  it('a store already open in this process is LOCKED at once, however long the wait', async () => {
    const dir = tempStoreDir('lock-wait');
    const db = await openStore({ dir });
    const started = Date.now();
    await expect(openStore({ dir, lockTimeoutMs: 10_000 })).rejects.toMatchObject({ code: ErrorCodes.LOCKED, details: { holder: 'this-process' } });
    expect(Date.now() - started).toBeLessThan(5000); // half the wait it was given: it did not wait (generous for a loaded machine)
    await db.close();
  });

  it('a negative, infinite or non-numeric lockTimeoutMs is INVALID_ARGUMENT, before touching the disk', async () => {
    const dir = path.join(tempStoreDir('lock-wait'), 'never-made');
    for (const lockTimeoutMs of [-1, Number.POSITIVE_INFINITY, Number.NaN, '100' as unknown as number]) {
      await expect(openStore({ dir, lockTimeoutMs })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    }
  });
});
