/**
 * Short-lived writers wait for the lock (--lock-timeout, KVS_LOCK_TIMEOUT, default 5 s): concurrent
 * `kvs set` loops on one directory all succeed; a store held longer than the wait fails with a
 * message that names the holder and how to wait longer; 0 fails at once.
 */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineProcess } from './line-process.js';
import { BIN, kvs, removeTempDirs, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

/** A `kvs shell` on `dir` that has opened the store (and so holds its lock) until its stdin ends. */
async function holder(cwd: string, dir: string): Promise<LineProcess> {
  const shell = new LineProcess(process.execPath, [BIN, 'shell', '--dir', dir, '--lock-timeout', '0'], { cwd });
  shell.send('set held-by-shell yes');
  shell.send('get held-by-shell'); // printed once the store is open
  expect(await shell.line(/^yes$/), shell.stderr).toBe('yes');
  return shell;
}

describe('waiting for the lock', () => {
  it('three shell loops of 25 `kvs set` each on one directory: all 75 writes succeed', { timeout: 180_000 }, async () => {
    const cwd = tempDir();
    const loop = (name: string) =>
      new LineProcess('sh', ['-c', `i=0; while [ $i -lt 25 ]; do "$0" "$1" set ${name}-$i v$i --dir data || echo "FAILED $i"; i=$((i+1)); done; echo END`, process.execPath, BIN], { cwd });
    const loops = ['a', 'b', 'c'].map(loop);
    for (const l of loops) expect(await l.line(/^END$/, 170_000)).toBe('END');
    for (const l of loops) {
      expect(l.lines.filter((line) => line.startsWith('FAILED'))).toEqual([]);
      expect(l.stderr).toBe('');
    }
    const count = await kvs(['count', '--dir', 'data'], { cwd });
    expect(count.out).toBe('75\n');
  });

  it('a holder that closes within the wait: the waiting set succeeds', async () => {
    const cwd = tempDir();
    const shell = await holder(cwd, 'data');
    const started = Date.now();
    const waiting = kvs(['set', 'k', 'v', '--dir', 'data', '--lock-timeout', '20000'], { cwd });
    setTimeout(() => shell.child.stdin!.end(), 600); // the shell closes the store when its script ends
    const r = await waiting;
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(await shell.exited).toBe(0);
    expect((await kvs(['get', 'k', '--dir', 'data'], { cwd })).out).toBe('v');
  });

  it('held longer than --lock-timeout: exit 1 after the wait, naming the holder and how to wait longer', async () => {
    const cwd = tempDir();
    const shell = await holder(cwd, 'data');
    const started = Date.now();
    const r = await kvs(['set', 'k', 'v', '--dir', 'data', '--lock-timeout', '700'], { cwd });
    const waited = Date.now() - started;
    expect(r.code).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(r.stderr).toMatch(
      new RegExp(
        `^Error: ${escape(path.join(cwd, 'data'))} is in use by process ${shell.pid} on \\S+ \\(since [0-9T:.-]+Z\\), and stayed locked for the 0\\.7 s this command waits\\. If that is another kvs command, retry, or wait longer with --lock-timeout <ms> \\(KVS_LOCK_TIMEOUT\\); if it is a long-running program \\(kvs shell, an application\\), close the store there, or serve it with \`kvs server\` and use --addr\\n$`,
      ),
    );
    shell.child.stdin!.end();
    expect(await shell.exited).toBe(0);
  });

  it('--lock-timeout 0 (or KVS_LOCK_TIMEOUT=0) fails at once; KVS_LOCK_TIMEOUT sets the wait', async () => {
    const cwd = tempDir();
    const shell = await holder(cwd, 'data');
    const zero = await kvs(['rm', 'held-by-shell', '--dir', 'data', '--lock-timeout', '0'], { cwd });
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain(`is in use by process ${shell.pid}`);
    expect(zero.stderr).toContain('retry, or wait for it with --lock-timeout <ms> (KVS_LOCK_TIMEOUT)');
    expect(zero.stderr).not.toContain('stayed locked');
    const fromEnv = await kvs(['rm', 'held-by-shell', '--dir', 'data'], { cwd, env: { KVS_LOCK_TIMEOUT: '400' } });
    expect(fromEnv.stderr).toContain('stayed locked for the 0.4 s this command waits');
    const bad = await kvs(['rm', 'held-by-shell', '--dir', 'data'], { cwd, env: { KVS_LOCK_TIMEOUT: 'soon' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lock-timeout: expected an integer');
    shell.child.stdin!.end();
    expect(await shell.exited).toBe(0);
    expect((await kvs(['get', 'held-by-shell', '--dir', 'data'], { cwd })).out).toBe('yes'); // nothing was removed
  });

  it('reads do not wait: a read-only get beside a holder answers at once', async () => {
    const cwd = tempDir();
    const shell = await holder(cwd, 'data');
    const r = await kvs(['get', 'held-by-shell', '--dir', 'data', '--lock-timeout', '60000'], { cwd });
    expect(r).toMatchObject({ code: 0, out: 'yes' });
    shell.child.stdin!.end();
    await shell.exited;
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
