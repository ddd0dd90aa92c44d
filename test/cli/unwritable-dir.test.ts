/**
 * A store the process cannot write (bitcask, lsm): a read-only bind mount (EROFS), an immutable
 * directory (chattr +i, EPERM) and a directory without write permission (EACCES) refuse writes with
 * a message that says what is wrong and what to do, change nothing, and still serve reads. The
 * mounts need root (and a kernel that allows bind mounts here); chattr needs a file system with
 * attributes. Each case is skipped, saying so in its name, where this machine cannot make one.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, kvs, removeTempDirs, tempDir } from './run-kvs.js';

const mounted: string[] = [];
const immutable: string[] = [];
afterAll(() => {
  for (const dir of mounted.splice(0)) spawnSync('umount', [dir]);
  for (const dir of immutable.splice(0)) spawnSync('chattr', ['-i', dir]);
  removeTempDirs();
});

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Makes `dir` a read-only bind mount of itself; false iff this machine cannot. */
function bindReadOnly(dir: string): boolean {
  if (!run('mount', ['--bind', dir, dir])) return false;
  mounted.push(dir);
  return run('mount', ['-o', 'remount,bind,ro', dir]);
}

const isRoot = process.getuid?.() === 0;
const probe = tempDir();
const canBindReadOnly = isRoot && bindReadOnly(probe) && run('umount', [mounted.pop()!]);
const canChattr = isRoot && run('chattr', ['+i', probe]) && run('chattr', ['-i', probe]);
const nobody = isRoot ? idOf('nobody') : undefined;

function idOf(user: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined;
}

/** `it` where the machine can make the case, else a skipped test whose name says why. */
function itWhen(can: boolean, name: string, why: string, test: () => Promise<void>): void {
  it.skipIf(!can)(can ? name : `${name} (SKIPPED: ${why})`, test);
}

/** Everything under `dir`: names and bytes, to show a refused write changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = entry.isFile() ? fs.readFileSync(file).toString('base64') : 'dir';
  }
  return out;
}

describe.each(['bitcask', 'lsm'])('%s: a store that cannot be written', (engine) => {
  async function store(cwd: string): Promise<string> {
    expect((await kvs(['set', 'k', 'v', '--dir', 'data', '--engine', engine], { cwd })).code).toBe(0);
    return path.join(cwd, 'data');
  }

  async function expectRefusedButReadable(cwd: string, dir: string, why: RegExp): Promise<void> {
    const before = snapshot(dir);
    for (const args of [['set', 'k2', 'v'], ['rm', 'k'], ['compact']]) {
      const r = await kvs([...args, '--dir', 'data'], { cwd });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^Error: cannot write to ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${why.source}.*\\. Reading it still works \\(a read-only open: kvs get, ls, count, stats, check\\)\\n$`));
      expect(r.stderr).not.toMatch(/LOCK'|EROFS: read-only|EPERM: operation/); // not the raw system error
    }
    expect(snapshot(dir)).toEqual(before);
    expect(await kvs(['get', 'k', '--dir', 'data'], { cwd })).toMatchObject({ code: 0, out: 'v' });
    expect(await kvs(['count', '--dir', 'data'], { cwd })).toMatchObject({ code: 0, out: '1\n' });
    expect((await kvs(['check', '--dir', 'data'], { cwd })).code).toBe(0);
  }

  itWhen(canBindReadOnly, 'on a read-only file system (a read-only bind mount): says so and how to write, reads work', 'this machine cannot make a read-only bind mount: it needs root and mount rights', async () => {
    const cwd = tempDir();
    const dir = await store(cwd);
    expect(bindReadOnly(dir)).toBe(true);
    await expectRefusedButReadable(cwd, dir, /it is on a read-only file system \(EROFS\); to write, remount it read-write or copy the store to a writable place/);
  });

  itWhen(canChattr, 'in an immutable directory (chattr +i): says it may be immutable and how to clear it, reads work', 'chattr +i does not work here: it needs root and a file system with attributes', async () => {
    const cwd = tempDir();
    const dir = await store(cwd);
    expect(run('chattr', ['+i', dir])).toBe(true);
    immutable.push(dir);
    await expectRefusedButReadable(cwd, dir, /the system does not permit changes in it \(EPERM\): it may be immutable \(see `lsattr -d [^`]+`\); to write, clear that \(chattr -i\)/);
  });

  itWhen(nobody !== undefined, 'without write permission (EACCES, as user nobody): says so, reads work', 'not root, or no user nobody', async () => {
    const cwd = tempDir();
    const dir = await store(cwd);
    // The test's temporary directories are private to root: nobody needs a way in, and no way to write.
    for (let at = cwd; at !== path.dirname(at); at = path.dirname(at)) fs.chmodSync(at, fs.statSync(at).mode | 0o011);
    const asNobody = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', ...nobody });
    const set = asNobody(['set', 'k2', 'v', '--dir', 'data']);
    expect(set.status).toBe(1);
    expect(set.stderr).toMatch(/^Error: cannot write to \S+\/data: this user may not write in it \(EACCES\); to write, run as its owner or give this user write permission\. Reading it still works/);
    expect(asNobody(['get', 'k', '--dir', 'data']).stdout).toBe('v');
    expect(fs.readdirSync(dir)).not.toContain('LOCK');
  });
});

describe('creating a store where it cannot be made', () => {
  itWhen(canBindReadOnly, 'under a read-only mount: names the read-only directory, not a file inside the store, and creates nothing', 'this machine cannot make a read-only bind mount', async () => {
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'ro'));
    expect(bindReadOnly(path.join(cwd, 'ro'))).toBe(true);
    const r = await kvs(['set', 'k', 'v', '--dir', 'ro/new/deeper'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: cannot write to ${path.join(cwd, 'ro/new/deeper')}: ${path.join(cwd, 'ro')} is on a read-only file system (EROFS); to write, remount it read-write or copy the store to a writable place\n`);
    expect(fs.readdirSync(path.join(cwd, 'ro'))).toEqual([]);
  });

  it('a --dir below a regular file names the component that is the file', async () => {
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'sub'));
    fs.writeFileSync(path.join(cwd, 'sub', 'file'), 'not a directory');
    const file = path.join(cwd, 'sub', 'file');
    for (const args of [['set', 'k', 'v'], ['get', 'k'], ['ls'], ['rm', 'k']]) {
      const r = await kvs([...args, '--dir', 'sub/file/deeper/still'], { cwd });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`Error: ${path.join(cwd, 'sub/file/deeper/still')} cannot be a directory: ${file} is a file; choose a store directory elsewhere\n`);
    }
    const direct = await kvs(['set', 'k', 'v', '--dir', 'sub/file'], { cwd });
    expect(direct.stderr).toBe(`Error: ${file} is a file, not a directory; choose a directory for the store\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a directory');
  });
});
