/** The LOCK file (lock.ts): one writer per directory, stale locks of dead processes are recovered, readers take no lock. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { ErrorCodes } from '../../../src/index.js';
import { LOCK_FILE } from '../../../src/engines/shared/dir-lock.js';
import { open, tempDir } from './store-dir.js';

/** A store that exists (marker written) and is closed. */
async function closedStore(): Promise<string> {
  const dir = tempDir('lock');
  const db = await open(dir);
  await db.set('k', 'v');
  await db.close();
  return dir;
}

function writeLock(dir: string, owner: { pid: number; host?: string }): void {
  const lock = { pid: owner.pid, host: owner.host ?? os.hostname(), since: '2024-01-01T00:00:00.000Z' };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(lock));
}

function lockOwner(dir: string): { pid: number; host: string } {
  return JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string };
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  expect(child.pid).toBeGreaterThan(0);
  return child.pid!;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('directory lock', () => {
  it('second open in the same process is LOCKED', async () => {
    const dir = await closedStore();
    const db = await open(dir);
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { pid: process.pid } });
    expect((err as Error).message).toContain('already open in this process');
    // The refused open did not disturb the holder.
    expect(lockOwner(dir).pid).toBe(process.pid);
    await db.set('still', 'writable');
    await db.close();
  });

  it('a live process holding the lock gives LOCKED naming its pid', async () => {
    const dir = await closedStore();
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await once(holder, 'spawn');
      writeLock(dir, { pid: holder.pid! });
      const err = await open(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { pid: holder.pid, host: os.hostname() } });
      expect((err as Error).message).toContain(`process ${holder.pid}`);
      expect(lockOwner(dir).pid).toBe(holder.pid); // not taken over
    } finally {
      await killAndWait(holder);
    }
    // Once the holder is gone, its lock is stale.
    const db = await open(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
    await db.close();
  });

  it('a lock naming another host is never taken over (its pid cannot be checked here)', async () => {
    const dir = await closedStore();
    writeLock(dir, { pid: deadPid(), host: `not-${os.hostname()}` });
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.LOCKED, details: { host: `not-${os.hostname()}` } });
  });

  it('a stale lock bearing our own pid (a restarted container) is recovered, not mistaken for a second open here', async () => {
    const dir = await closedStore();
    writeLock(dir, { pid: process.pid });
    const db = await open(dir);
    expect((await db.get('k'))?.toString()).toBe('v');
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.LOCKED }); // now it is held here
    await db.close();
  });

  it('a stale lock left by a dead process is recovered', async () => {
    const dir = await closedStore();
    const pid = deadPid();
    writeLock(dir, { pid });
    const db = await open(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
    expect((await db.get('k'))?.toString()).toBe('v');
    await db.set('k', 'v2');
    await db.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith(`${LOCK_FILE}.`))).toEqual([]); // no .stale-* left behind
  });

  it('a half-written (unparseable) lock is stale', async () => {
    const dir = await closedStore();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
    const db = await open(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
    await db.close();
  });

  it('read-only open does not take the lock', async () => {
    const dir = await closedStore();
    const writer = await open(dir);
    const reader = await open(dir, {}, { readOnly: true });
    expect(lockOwner(dir).pid).toBe(process.pid);
    expect((await reader.get('k'))?.toString()).toBe('v');
    await reader.close();
    // Closing the reader leaves the writer's lock in place.
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.LOCKED });
    await writer.close();

    // A reader never writes a LOCK file.
    const alone = await open(dir, {}, { readOnly: true });
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    await alone.close();
  });

  it('close releases the lock', async () => {
    const dir = await closedStore();
    const first = await open(dir);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    await first.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const second = await open(dir);
    await second.close();
    await second.close(); // idempotent
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('a failed open releases the lock it took', async () => {
    const dir = await closedStore();
    // Damage before valid records (not a torn tail): open must fail with CORRUPTION.
    const data = path.join(dir, '0000000001.data');
    fs.writeFileSync(data, Buffer.concat([Buffer.from('definitely not a record'.repeat(4)), fs.readFileSync(data)]));
    fs.rmSync(path.join(dir, '0000000001.hint'), { force: true });
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
