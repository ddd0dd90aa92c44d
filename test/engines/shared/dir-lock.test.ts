/**
 * The directory lock (src/engines/shared/dir-lock.ts), on its own and through the engines that use
 * it (bitcask, lsm): one writer per directory, stale locks of dead processes recovered, live ones
 * (and other hosts') refused, readers take no lock. The many-process race is in dir-lock-race.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, openStore, type OpenOptions } from '../../../src/index.js';
import { DirectoryLock, LOCK_FILE } from '../../../src/engines/shared/dir-lock.js';
import { newOwner, type LockOwner } from '../../../src/engines/shared/lock-owner.js';
import { tempStoreDir } from '../../support/temp-store-dir.js';

const HELD = path.join(LOCK_FILE, 'held');

/** The owner records in `dir`'s lock (one while held, none when free). */
function owners(dir: string): LockOwner[] {
  const held = path.join(dir, HELD);
  if (!fs.existsSync(held)) return [];
  return fs.readdirSync(held).map((name) => JSON.parse(fs.readFileSync(path.join(held, name), 'utf8')) as LockOwner);
}

/** Leaves a lock record as a holder would: `fields` over a record of this process. */
function plantLock(dir: string, fields: Partial<LockOwner>): LockOwner {
  const owner = { ...newOwner(), since: '2024-01-01T00:00:00.000Z', ...fields };
  fs.mkdirSync(path.join(dir, HELD), { recursive: true });
  fs.writeFileSync(path.join(dir, HELD, owner.token), JSON.stringify(owner));
  return owner;
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  return child.pid!;
}

/** This process's start time as the lock records it (Linux), to forge a record of another process with it. */
function startOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

const onLinux = fs.existsSync('/proc/self/stat');

describe('DirectoryLock', () => {
  it('holds exactly one record while held, and leaves nothing behind when released', () => {
    const dir = tempStoreDir('lock');
    const lock = DirectoryLock.acquire(dir);
    const [owner, ...more] = owners(dir);
    expect(more).toEqual([]);
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(fs.readdirSync(path.join(dir, LOCK_FILE))).toEqual(['held']); // no staging directory left
    lock.release();
    lock.release(); // idempotent
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a second acquire in this process is LOCKED and leaves the first holder in place', () => {
    const dir = tempStoreDir('lock');
    const lock = DirectoryLock.acquire(dir);
    const before = owners(dir);
    let err: unknown;
    try {
      DirectoryLock.acquire(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { pid: process.pid, holder: 'this-process' } });
    expect((err as Error).message).toContain('already open in this process');
    expect(owners(dir)).toEqual(before);
    lock.release();
  });

  it.runIf(onLinux)('a record of this very process under a token this module does not hold (another thread) is refused', () => {
    const dir = tempStoreDir('lock');
    plantLock(dir, {}); // our pid, our start time, a token nobody here holds
    expect(() => DirectoryLock.acquire(dir)).toThrow(expect.objectContaining({ code: ErrorCodes.LOCKED, details: expect.objectContaining({ holder: 'this-process' }) }));
  });

  it.runIf(onLinux)('a record with our pid but another start time (a restarted container) is stale', () => {
    const dir = tempStoreDir('lock');
    const old = plantLock(dir, { start: '1' });
    const lock = DirectoryLock.acquire(dir);
    expect(owners(dir).map((o) => o.token)).not.toContain(old.token);
    expect(owners(dir)).toHaveLength(1);
    lock.release();
  });

  it.runIf(onLinux)('a record from before a reboot (another boot id) is stale even if its pid runs now', () => {
    const dir = tempStoreDir('lock');
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      plantLock(dir, { pid: holder.pid!, start: startOf(holder.pid!), boot: 'a-boot-before-this-one' });
      const lock = DirectoryLock.acquire(dir);
      expect(owners(dir)[0]!.pid).toBe(process.pid);
      lock.release();
    } finally {
      void killAndWait(holder);
    }
  });

  it.runIf(onLinux)('a record whose pid now belongs to a process started later (pid reuse) is stale', () => {
    const dir = tempStoreDir('lock');
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      plantLock(dir, { pid: holder.pid!, start: String(Number(startOf(holder.pid!)) - 1) });
      const lock = DirectoryLock.acquire(dir);
      expect(owners(dir)[0]!.pid).toBe(process.pid);
      lock.release();
    } finally {
      void killAndWait(holder);
    }
  });

  it('a damaged (unparseable) record is stale: records are complete before they are renamed into place', () => {
    const dir = tempStoreDir('lock');
    fs.mkdirSync(path.join(dir, HELD), { recursive: true });
    fs.writeFileSync(path.join(dir, HELD, 'x'), '{"pid": 12');
    const lock = DirectoryLock.acquire(dir);
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    lock.release();
  });

  it('an empty held directory (a holder that stopped between unlinking its record and removing the directory) is free', () => {
    const dir = tempStoreDir('lock');
    fs.mkdirSync(path.join(dir, HELD), { recursive: true });
    const lock = DirectoryLock.acquire(dir);
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    lock.release();
  });

  it('staging directories of contenders that died are removed by the next holder; a live one is left alone', () => {
    const dir = tempStoreDir('lock');
    const dead = path.join(dir, LOCK_FILE, `new-${deadPid()}-x-y`);
    const live = path.join(dir, LOCK_FILE, `new-${process.pid}-x-y`);
    for (const stage of [dead, live]) fs.mkdirSync(stage, { recursive: true });
    const lock = DirectoryLock.acquire(dir);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    lock.release();
    expect(fs.existsSync(path.join(dir, HELD))).toBe(false);
  });

  it('an old-format LOCK file of a dead process is replaced; one of a live process is honoured', async () => {
    const dir = tempStoreDir('lock');
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: os.hostname(), since: 'then' }));
    const lock = DirectoryLock.acquire(dir);
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    lock.release();

    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await once(holder, 'spawn');
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: os.hostname(), since: 'then' }));
      expect(() => DirectoryLock.acquire(dir)).toThrow(expect.objectContaining({ code: ErrorCodes.LOCKED, details: expect.objectContaining({ pid: holder.pid }) }));
      expect(fs.statSync(path.join(dir, LOCK_FILE)).isFile()).toBe(true);
    } finally {
      await killAndWait(holder);
    }
  });
});

const ENGINES = ['bitcask', 'lsm'] as const;

describe.each(ENGINES)('%s: the lock through openStore', (engine) => {
  const open = (dir: string, extra: Omit<OpenOptions, 'dir'> = {}) => openStore({ engine, dir, sync: 'never', ...extra });

  async function closedStore(): Promise<string> {
    const dir = tempStoreDir(`lock-${engine}`);
    const db = await open(dir);
    await db.set('k', 'v');
    await db.close();
    return dir;
  }

  it('second open in the same process is LOCKED; the holder stays writable', async () => {
    const dir = await closedStore();
    const db = await open(dir);
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { pid: process.pid } });
    expect((err as Error).message).toContain('already open in this process');
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    await db.set('still', 'writable');
    await db.close();
  });

  it('ten opens started together in one process: exactly one wins', async () => {
    const dir = await closedStore();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => open(dir)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: ErrorCodes.LOCKED });
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof open>>>).value.close();
  });

  it('a live process holding the lock gives LOCKED naming its pid; once it dies its lock is stale', async () => {
    const dir = await closedStore();
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await once(holder, 'spawn');
      plantLock(dir, { pid: holder.pid!, ...(onLinux ? { start: startOf(holder.pid!) } : {}) });
      const err = await open(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.LOCKED, details: { pid: holder.pid, host: os.hostname() } });
      expect((err as Error).message).toContain(`process ${holder.pid}`);
      expect(owners(dir).map((o) => o.pid)).toEqual([holder.pid]); // not taken over
    } finally {
      await killAndWait(holder);
    }
    const db = await open(dir);
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    expect((await db.get('k'))?.toString()).toBe('v');
    await db.close();
  });

  it('a lock naming another host is never taken over (its pid cannot be checked here)', async () => {
    const dir = await closedStore();
    plantLock(dir, { pid: deadPid(), host: `not-${os.hostname()}` });
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.LOCKED, details: { host: `not-${os.hostname()}` } });
  });

  it('a stale lock left by a dead process is recovered, and close leaves no lock behind', async () => {
    const dir = await closedStore();
    plantLock(dir, { pid: deadPid() });
    const db = await open(dir);
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    await db.set('k', 'v2');
    await db.close();
    await db.close(); // idempotent
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = await open(dir);
    expect((await again.get('k'))?.toString()).toBe('v2');
    await again.close();
  });

  it('read-only open takes no lock, and does not disturb a writer\'s', async () => {
    const dir = await closedStore();
    const writer = await open(dir);
    const reader = await open(dir, { readOnly: true });
    expect((await reader.get('k'))?.toString()).toBe('v');
    await reader.close();
    expect(owners(dir).map((o) => o.pid)).toEqual([process.pid]);
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.LOCKED });
    await writer.close();

    const alone = await open(dir, { readOnly: true });
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    await alone.close();
  });

  it('a failed open releases the lock it took', async () => {
    const dir = await closedStore();
    // Damage the open reads after taking the lock: it must fail with CORRUPTION.
    if (engine === 'bitcask') {
      const data = fs.readdirSync(dir).find((n) => n.endsWith('.data'))!;
      fs.writeFileSync(path.join(dir, data), Buffer.concat([Buffer.from('definitely not a record'.repeat(4)), fs.readFileSync(path.join(dir, data))]));
      for (const hint of fs.readdirSync(dir).filter((n) => n.endsWith('.hint'))) fs.rmSync(path.join(dir, hint));
    } else {
      fs.writeFileSync(path.join(dir, 'CURRENT'), 'MANIFEST-999999\n');
    }
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
