/**
 * level and rocksdb on a full file system (a small tmpfs; needs root, skipped saying so
 * elsewhere): writes fail with IO_ERROR saying the disk is full, close() returns within its
 * bound, a reopen while still full fails with that same clear error (never CORRUPTION: a table
 * half written by an interrupted compaction is not damage), and once space is back the store
 * reopens for writing with every acknowledged write.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, isKvsError, openStore } from '../../src/index.js';
import { CLOSE_BOUND_MS } from '../../src/engines/rocksdb/rocksdb-engine.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts.splice(0)) spawnSync('umount', ['-l', dir]);
});

/** A fresh tmpfs of `size` mounted at a new directory, or undefined iff this machine cannot. */
function smallDisk(size: string): string | undefined {
  const dir = tempStoreDir('full-disk');
  if (process.getuid?.() !== 0 || spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}

const probe = smallDisk('64k');
const itWhen = probe === undefined ? it.skip : it;
const why = probe === undefined ? ' (SKIPPED: mounting a tmpfs needs root and mount rights)' : '';

describe.each(['level', 'rocksdb'])('%s on a full disk', (engine) => {
  itWhen(`writes fail as "disk full", close returns within its bound, a full reopen is that same clear error, and with space back every acknowledged write is there${why}`, async () => {
    const disk = smallDisk('6m')!;
    const ballast = path.join(disk, 'ballast');
    fs.writeFileSync(ballast, Buffer.alloc(1536 * 1024));
    const dir = path.join(disk, 'store');
    const db = await openStore({ engine, dir, sync: 'always', options: { writeBufferSize: 64 * 1024, compression: false } });
    const acked = new Map<string, string>();
    let failure: unknown;
    for (let n = 0; failure === undefined && n < 100_000; n += 20) {
      const batch = Array.from({ length: 20 }, (_, i) => [`key${String(n + i).padStart(6, '0')}`, `${n + i}:`.padEnd(3000, 'v')] as const);
      const results = await Promise.allSettled(batch.map(([k, v]) => db.set(k, v)));
      results.forEach((r, i) => (r.status === 'fulfilled' ? acked.set(batch[i]![0], batch[i]![1]) : (failure ??= r.reason)));
    }
    expect(isKvsError(failure, ErrorCodes.IO_ERROR), String(failure)).toBe(true);
    expect(String((failure as Error).message)).toMatch(/disk .* is full/);
    expect(acked.size).toBeGreaterThan(100);

    const started = Date.now();
    await db.close().catch((err: unknown) => expect(isKvsError(err), String(err)).toBe(true));
    expect(Date.now() - started).toBeLessThan(CLOSE_BOUND_MS + 5000);

    const full = await openStore({ dir }).then(
      async (again) => {
        await again.close().catch(() => undefined);
        return undefined;
      },
      (err: unknown) => err,
    );
    if (full !== undefined) {
      expect(isKvsError(full, ErrorCodes.IO_ERROR), String(full)).toBe(true);
      expect(String((full as Error).message)).toMatch(/full/);
    }

    fs.rmSync(ballast);
    const reopened = await openStore({ dir, sync: 'always' });
    try {
      const wrong: string[] = [];
      for (const [k, v] of acked) if ((await reopened.get(k))?.toString() !== v) wrong.push(k);
      expect(wrong).toEqual([]);
      await reopened.set('after', 'space is back');
      expect((await reopened.get('after'))?.toString()).toBe('space is back');
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
