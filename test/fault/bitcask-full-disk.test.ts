/**
 * A full disk (a small tmpfs, mounted when running as root): a merge that fails with ENOSPC
 * removes its partial outputs at once, the store keeps serving every acknowledged write, and once
 * space is back it reopens for writing and merges. Skipped, with the reason in the test name,
 * where a tmpfs cannot be mounted.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, isKvsError, openStore, type KvsEngine } from '../../src/index.js';

const OPTIONS = { maxFileSize: 32 * 1024, autoMerge: false };
const TMPFS_BYTES = 4 * 1024 * 1024;

/** Mounts a tmpfs of `bytes` at a new directory; undefined (and why) iff that is not possible here. */
function mountTmpfs(bytes: number): { dir?: string; why?: string } {
  if (process.getuid?.() !== 0) return { why: 'not running as root' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { why: `mount -t tmpfs failed: ${String((err as Error).message).split('\n')[0]}` };
  }
}

const mounted = mountTmpfs(TMPFS_BYTES);
afterAll(() => {
  if (mounted.dir === undefined) return;
  execFileSync('umount', ['-l', mounted.dir]); // lazily: a failed case may leave files open
  fs.rmSync(mounted.dir, { recursive: true, force: true });
});

/** Fills the file system holding `file` with it until ENOSPC; returns the bytes written. */
function fillUp(file: string): number {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024, 0x5a);
  let written = 0;
  try {
    for (;;) written += fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

async function expectServes(db: KvsEngine, model: Map<string, string>): Promise<void> {
  for (const [k, v] of model) expect((await db.get(k))?.toString(), k).toBe(v);
  expect(await db.count()).toBe(model.size);
}

const title = mounted.dir !== undefined ? 'on a 4 MiB tmpfs' : `(skipped: ${mounted.why})`;

describe(`bitcask: a full disk ${title}`, () => {
  it.skipIf(mounted.dir === undefined)(`a merge that hits ENOSPC removes its partial outputs at once; the store keeps serving and reopens for writing once space is back ${title}`, async () => {
    const root = fs.mkdtempSync(path.join(mounted.dir!, 'case-'));
    const dir = path.join(root, 'store');
    const filler = path.join(root, 'filler');
    const db = await openStore({ engine: 'bitcask', dir, sync: 'always', options: OPTIONS });
    const model = new Map<string, string>();
    // About 700 KiB of live data over a few hundred keys, overwritten once, so a merge has much to copy.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 900; i++) {
        const key = `key-${String(i).padStart(4, '0')}`;
        const value = `${key}:${round}:`.padEnd(700 + (i % 50), 'v');
        await db.set(key, value);
        model.set(key, value);
      }
    }
    fillUp(filler);
    // Free a little: enough for a few writes, far from enough for the merge's outputs.
    fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - 96 * 1024));

    const failed = await db.compact().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed, 'the merge must fail: the disk is full').toBeDefined();
    expect(String((failed as Error).message) + String((failed as { cause?: Error }).cause?.message)).toMatch(/ENOSPC|no space/i);
    const leftovers = fs.readdirSync(dir).filter((f) => f.includes('.tmp-') || /-\d{4}\.(data|hint)$/.test(f));
    expect(leftovers, 'partial merge outputs are removed at once').toEqual([]);
    await expectServes(db, model);

    // Writes while the disk is nearly full either succeed (and are kept) or fail with IO_ERROR.
    for (let i = 0; i < 400; i++) {
      const key = `late-${i}`;
      const value = `late value ${i}`.padEnd(400, 'w');
      try {
        await db.set(key, value);
        model.set(key, value);
      } catch (err) {
        expect(isKvsError(err, ErrorCodes.IO_ERROR), String(err)).toBe(true);
        break;
      }
    }
    await expectServes(db, model);
    await db.close(); // on a full disk the close gives up the active file's hint, not the fsync

    fs.rmSync(filler);
    const again = await openStore({ engine: 'bitcask', dir, sync: 'always', options: OPTIONS });
    await expectServes(again, model);
    await again.set('after', 'space is back');
    model.set('after', 'space is back');
    const merged = await again.compact();
    expect(merged.reclaimedBytes).toBeGreaterThan(0);
    await expectServes(again, model);
    await again.close();
    const last = await openStore({ engine: 'bitcask', dir, readOnly: true });
    await expectServes(last, model);
    await last.close();
  });

  it.skipIf(mounted.dir === undefined)(`a rotation that cannot record the new file in FILESET fails the write with IO_ERROR and leaves no unlisted file; writes resume once space is back ${title}`, async () => {
    const root = fs.mkdtempSync(path.join(mounted.dir!, 'case-'));
    const dir = path.join(root, 'store');
    const filler = path.join(root, 'filler');
    const db = await openStore({ engine: 'bitcask', dir, sync: 'always', options: { maxFileSize: 4096, autoMerge: false } });
    const model = new Map<string, string>();
    let i = 0;
    const put = async (): Promise<void> => {
      const key = `key-${i}`;
      const value = `value ${i}`.padEnd(900, 'v');
      i++;
      await db.set(key, value);
      model.set(key, value);
    };
    while (fs.readdirSync(dir).filter((f) => f.endsWith('.data')).length < 2) await put();
    const fileSetBefore = fs.readFileSync(path.join(dir, 'FILESET'));
    fillUp(filler);
    // Writes go on into the active file's page-cache-free tail until one needs a new file (or space).
    let failure: unknown;
    for (let n = 0; n < 20 && failure === undefined; n++) await put().catch((err: unknown) => (failure = err));
    expect(isKvsError(failure, ErrorCodes.IO_ERROR), String(failure)).toBe(true);
    // tmpfs gives the active file's last page for free, so the write that fails is the one that rotates.
    expect(String((failure as Error).message)).toContain('the file set was not updated');
    const names = fs.readdirSync(dir);
    expect(names.filter((f) => f.includes('.tmp-')), 'no temporary FILESET left').toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'FILESET')).equals(fileSetBefore), 'FILESET unchanged').toBe(true);
    expect(names.filter((f) => f.endsWith('.data')).length, 'the new, unlisted file was removed').toBe(2);
    await expectServes(db, model);

    fs.rmSync(filler);
    for (let n = 0; n < 10; n++) await put(); // space is back: rotations succeed again
    await expectServes(db, model);
    await db.close();
    const again = await openStore({ engine: 'bitcask', dir, readOnly: true, onWarning: (w) => expect.fail(w) });
    await expectServes(again, model);
    await again.close();
  });
});
