/**
 * Slow: an lsm store on a small tmpfs fills it. Writes then fail with an error (never a lost
 * acknowledged write), close() returns, no partial table is left behind, and once a little space
 * is back (far less than the memtable) the store reopens for writing with every acknowledged
 * write: recovery replays the WAL into the memtable and keeps the log instead of first writing
 * it to a table (before: that flush hit ENOSPC again and only a read-only open worked).
 * Mounting needs root; otherwise the test says so in its name.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type KvsEngine } from '../../src/index.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const MOUNT_BYTES = 3 * 1024 * 1024;
const BALLAST_BYTES = 256 * 1024;
/** A 1 MiB memtable fills the disk in a flush; a 16 MiB one in a WAL append (a short write leaves a torn record). */
const CASES = [
  { what: 'a flush', options: { memtableSize: 1024 * 1024, targetFileSize: 256 * 1024 } },
  { what: 'a WAL append', options: { memtableSize: 16 * 1024 * 1024 } },
];

function tryMount(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const at = tempStoreDir('lsm-full-disk');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_BYTES}`, 'tmpfs', at], { stdio: 'pipe' });
    return at;
  } catch {
    return undefined;
  }
}

const mount = tryMount();
afterAll(() => {
  if (mount !== undefined) execFileSync('umount', ['-l', mount], { stdio: 'pipe' });
});

const open = (dir: string, options: Record<string, unknown>): Promise<KvsEngine> => openStore({ engine: 'lsm', dir, sync: 'never', options });
const value = (i: number): string => `value-${i}-`.padEnd(200, String.fromCharCode(97 + (i % 26)));

describe('lsm: a full disk', () => {
  if (mount === undefined) {
    it(`skipped: mounting a small tmpfs needs root and a working mount (uid ${process.getuid?.() ?? '?'})`, () => {
      expect(tryMount()).toBeUndefined();
    });
    return;
  }

  it.each(CASES)('ENOSPC in $what: writes fail with an error; with 256 KiB freed (less than a flush needs) the store reopens for writing with every acknowledged write', async ({ what, options }) => {
    // A clean disk whatever an earlier case left (it may have failed half-way).
    for (const name of fs.readdirSync(mount)) fs.rmSync(path.join(mount, name), { recursive: true, force: true });
    const ballast = path.join(mount, 'ballast');
    fs.writeFileSync(ballast, Buffer.alloc(BALLAST_BYTES, 1));
    const dir = path.join(mount, `store-${what.replace(/ /g, '-')}`);
    const db = await open(dir, options);
    let acked = 0;
    let failure: unknown;
    for (let i = 0; i < 100_000; i++) {
      try {
        await db.set(`k${String(i).padStart(6, '0')}`, value(i));
        acked = i + 1;
      } catch (err) {
        failure = err;
        break;
      }
    }
    expect(failure, 'the disk filled up').toBeDefined();
    expect((failure as { code?: string }).code).toBe('IO_ERROR');
    expect(acked).toBeGreaterThan(1000);
    // The output of the failed flush or compaction is gone at once: every table left is live.
    const live = ((await db.stats()).tables as unknown as { file: string }[]).map((t) => t.file).sort();
    const names = fs.readdirSync(dir);
    console.log(`full disk after ${acked} writes: ${(failure as Error).message}; files: ${names.join(' ')}`);
    expect(names.filter((n) => n.endsWith('.sst')).sort()).toEqual(live);
    expect(names.filter((n) => /\.tmp/.test(n))).toEqual([]);
    // close() settles (no hang); after a failed WAL write it reports that acknowledged writes may not be durable.
    const closed = await db.close().then(
      () => 'closed',
      (err: { code?: string }) => err.code,
    );
    expect(['closed', 'IO_ERROR']).toContain(closed);

    // Someone else takes whatever space is left; then 256 KiB come back, far less than a flush of the WAL needs.
    const filler = fs.openSync(path.join(mount, 'filler'), 'w');
    const chunk = Buffer.alloc(16 * 1024, 2);
    try {
      for (;;) fs.writeSync(filler, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(filler);
    }
    fs.rmSync(ballast);
    const again = await open(dir, options);
    for (let i = 0; i < acked; i += 97) expect((await again.get(`k${String(i).padStart(6, '0')}`))?.toString(), `k${i}`).toBe(value(i));
    expect((await again.get(`k${String(acked - 1).padStart(6, '0')}`))?.toString()).toBe(value(acked - 1));
    expect(await again.count()).toBeGreaterThanOrEqual(acked);
    expect(await again.count()).toBeLessThanOrEqual(acked + 1); // the write that failed may have landed whole
    await again.set('after-full-disk', 'ok');
    await again.close();
    const third = await open(dir, options);
    expect((await third.get('after-full-disk'))?.toString()).toBe('ok');
    await third.close();
  }, 120_000);
});
