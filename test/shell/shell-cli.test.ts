/** `kvs shell` as a process with stdin not a terminal: a script on a local store, and its exit codes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvs, removeTempDirs, tempDir } from '../cli/run-kvs.js';

afterAll(removeTempDirs);

describe('kvs shell reading a script from stdin', () => {
  it('runs the lines on a local store, prints results, and leaves the data for later commands', async () => {
    const cwd = tempDir();
    const script = ['set greeting "hello world"', "set path 'C:\\dir'", 'get greeting', 'ls --values', 'count', 'rm path', 'get path'].join('\n');
    const r = await kvs(['shell'], { cwd, input: script });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.out).toBe('hello world\ngreeting\thello world\npath\tC:\\dir\n2\nKey not found\n');
    expect(await kvs(['get', 'greeting'], { cwd })).toMatchObject({ code: 0, out: 'hello world' });
  });

  it('stops at the first error with exit code 1; earlier lines took effect, later ones did not', async () => {
    const cwd = tempDir();
    const r = await kvs(['shell'], { cwd, input: 'set a 1\nset b\nset c 3\n' });
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.stderr).toBe('Error: missing argument; usage: set KEY VALUE\n');
    expect(await kvs(['ls'], { cwd })).toMatchObject({ out: 'a\n' });
  });

  it('an empty script is a successful session (and creates the store it opened)', async () => {
    const cwd = tempDir();
    expect(await kvs(['shell', '--dir', 'store'], { cwd, input: '' })).toMatchObject({ code: 0, out: '', stderr: '' });
    expect(fs.existsSync(path.join(cwd, 'store', 'kvs-store.json'))).toBe(true);
  });

  it('honours --engine and --sync for a local session', async () => {
    const cwd = tempDir();
    const r = await kvs(['shell', '--engine', 'memory', '--sync', 'never'], { cwd, input: 'set a 1\nget a\ncount\n' });
    expect(r).toMatchObject({ code: 0, out: '1\n1\n', stderr: 'Warning: the memory engine keeps nothing on disk: what this command writes is gone when it exits\n' });
  });

  it('a store error (engine mismatch) exits 1 before reading the script', async () => {
    const cwd = tempDir();
    await kvs(['set', 'k', 'v'], { cwd });
    const r = await kvs(['shell', '--engine', 'lsm'], { cwd, input: 'get k\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*bitcask.*lsm/);
  });

  it('kvs shell --help shows usage and examples', async () => {
    const r = await kvs(['shell', '--help'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.out).toContain('$ kvs shell');
    expect(r.out).toContain('EXAMPLES');
    expect(r.out).toContain('--addr');
  });
});
