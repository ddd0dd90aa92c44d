/** The data commands end to end: exact stdout, stderr and exit codes of set/get/rm/ls/count. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEngines } from '../../src/index.js';
import { kvs, removeTempDirs, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

describe('set, get, rm', () => {
  it('set prints nothing, get prints the value, rm prints nothing, a second rm fails', async () => {
    const cwd = tempDir();
    expect(await kvs(['set', 'user:1', 'Alice'], { cwd })).toMatchObject({ code: 0, out: '', stderr: '' });
    expect(await kvs(['get', 'user:1'], { cwd })).toMatchObject({ code: 0, out: 'Alice', stderr: '' });
    expect(await kvs(['rm', 'user:1'], { cwd })).toMatchObject({ code: 0, out: '', stderr: '' });
    expect(await kvs(['rm', 'user:1'], { cwd })).toMatchObject({ code: 1, out: '', stderr: 'Key not found\n' });
    expect(await kvs(['get', 'user:1'], { cwd })).toMatchObject({ code: 0, out: 'Key not found\n', stderr: '' });
  });

  it('get of a missing key prints "Key not found" on stdout and exits 0; --json says found:false', async () => {
    const cwd = tempDir();
    await kvs(['set', 'user:1', 'Alice'], { cwd });
    const [missing, missingJson, presentJson, overwrite] = await Promise.all([
      kvs(['get', 'nobody'], { cwd }),
      kvs(['get', 'nobody', '--json'], { cwd }),
      kvs(['get', 'user:1', '--json'], { cwd }),
      kvs(['set', 'user:2', ''], { cwd }),
    ]);
    expect(missing).toMatchObject({ code: 0, out: 'Key not found\n', stderr: '' });
    expect(JSON.parse(missingJson.out)).toEqual({ key: 'nobody', found: false });
    expect(JSON.parse(presentJson.out)).toEqual({ key: 'user:1', found: true, value: 'Alice', encoding: 'utf8' });
    expect(overwrite.code).toBe(0);
    expect(await kvs(['get', 'user:2', '--json'], { cwd }).then((r) => JSON.parse(r.out))).toEqual({ key: 'user:2', found: true, value: '', encoding: 'utf8' });
  });

  it('set replaces the previous value', async () => {
    const cwd = tempDir();
    await kvs(['set', 'k', 'one'], { cwd });
    await kvs(['set', 'k', 'two'], { cwd });
    expect((await kvs(['get', 'k'], { cwd })).out).toBe('two');
  });

  it('read commands, rm and compact on a directory without a store exit 1 and create nothing', async () => {
    const cwd = tempDir();
    const results = await Promise.all([['get', 'k'], ['ls'], ['count'], ['stats'], ['rm', 'k'], ['compact']].map((args) => kvs(args, { cwd })));
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.stderr).toMatch(/^Error: no kvs store at .*kvs-data.*\n$/);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });
});

describe('ls and count', () => {
  const cwd = tempDir();
  const keys = ['user:2', 'b', 'user:10', 'a', 'user:1', 'c'];
  const ready = (async () => {
    for (const key of keys) await kvs(['set', key, `v-${key}`], { cwd });
  })();
  const ls = async (...args: string[]): Promise<string> => {
    await ready;
    const r = await kvs(['ls', ...args], { cwd });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return r.out;
  };

  it('lists keys in byte order, one per line', async () => {
    expect(await ls()).toBe('a\nb\nc\nuser:1\nuser:10\nuser:2\n');
  });

  it('--prefix and --limit bound the listing', async () => {
    const [prefixed, limited, zero] = await Promise.all([ls('--prefix', 'user:'), ls('--prefix', 'user:', '--limit', '2'), ls('--limit', '0')]);
    expect(prefixed).toBe('user:1\nuser:10\nuser:2\n');
    expect(limited).toBe('user:1\nuser:10\n');
    expect(zero).toBe('');
  });

  it('--start is inclusive and --end exclusive; --reverse descends', async () => {
    const [range, reversed, reversedLimited] = await Promise.all([
      ls('--start', 'b', '--end', 'user:10'),
      ls('--reverse'),
      ls('-r', '-n', '2', '-p', 'user:'),
    ]);
    expect(range).toBe('b\nc\nuser:1\n');
    expect(reversed).toBe('user:2\nuser:10\nuser:1\nc\nb\na\n');
    expect(reversedLimited).toBe('user:2\nuser:10\n');
  });

  it('--values prints key<TAB>value', async () => {
    expect(await ls('--values', '--prefix', 'user:')).toBe('user:1\tv-user:1\nuser:10\tv-user:10\nuser:2\tv-user:2\n');
  });

  it('--json prints an array of keys, with values and encodings under --values', async () => {
    const [keysOnly, withValues, empty] = await Promise.all([ls('--json', '--limit', '2'), ls('--json', '--values', '--prefix', 'user:1'), ls('--json', '--prefix', 'zzz')]);
    expect(JSON.parse(keysOnly)).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(JSON.parse(withValues)).toEqual([
      { key: 'user:1', value: 'v-user:1', encoding: 'utf8' },
      { key: 'user:10', value: 'v-user:10', encoding: 'utf8' },
    ]);
    expect(JSON.parse(empty)).toEqual([]);
  });

  it('count prints the number of live keys; --json prints {"count":N}', async () => {
    await ready;
    const [plain, json] = await Promise.all([kvs(['count'], { cwd }), kvs(['count', '--json'], { cwd })]);
    expect(plain).toMatchObject({ code: 0, out: '6\n', stderr: '' });
    expect(JSON.parse(json.out)).toEqual({ count: 6 });
  });

  it('a negative --limit is a usage error', async () => {
    await ready;
    const r = await kvs(['ls', '--limit=-1'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--limit');
  });
});

describe('choosing the store', () => {
  it('--dir and KVS_DIR name the data directory', async () => {
    const cwd = tempDir();
    expect((await kvs(['set', 'k', 'v', '--dir', 'elsewhere'], { cwd })).code).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'elsewhere', 'kvs-store.json'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
    const [viaEnv, viaShortFlag, viaDefault] = await Promise.all([
      kvs(['get', 'k'], { cwd, env: { KVS_DIR: 'elsewhere' } }),
      kvs(['get', 'k', '-d', path.join(cwd, 'elsewhere')], { cwd }),
      kvs(['get', 'k'], { cwd }),
    ]);
    expect(viaEnv.out).toBe('v');
    expect(viaShortFlag.out).toBe('v');
    expect(viaDefault.code).toBe(1); // ./kvs-data holds no store
  });

  it('the directory remembers its engine: another engine is ENGINE_MISMATCH naming both', async () => {
    const cwd = tempDir();
    await kvs(['set', 'k', 'v'], { cwd });
    const [flag, env] = await Promise.all([kvs(['get', 'k', '-e', 'sqlite'], { cwd }), kvs(['set', 'k', 'w'], { cwd, env: { KVS_ENGINE: 'sqlite' } })]);
    for (const r of [flag, env]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^Error: .*bitcask.*sqlite.*\n$/);
    }
    expect((await kvs(['get', 'k'], { cwd })).out).toBe('v');
  });

  it('an engine without a directory (memory) ignores the data directory and its marker', async () => {
    const cwd = tempDir();
    await kvs(['set', 'k', 'v'], { cwd });
    expect(await kvs(['get', 'k', '-e', 'memory'], { cwd })).toMatchObject({ code: 0, out: 'Key not found\n' });
    expect(await kvs(['set', 'k', 'w'], { cwd, env: { KVS_ENGINE: 'memory' } })).toMatchObject({ code: 0, stderr: 'Warning: the memory engine keeps nothing on disk: what this command writes is gone when it exits\n' });
    expect((await kvs(['get', 'k'], { cwd })).out).toBe('v');
  });

  it('--url without a remote engine is refused instead of ignored, and creates nothing', async () => {
    const cwd = tempDir();
    const r = await kvs(['set', 'k', 'v', '--url', 'redis://127.0.0.1:1'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: --url (KVS_REDIS_URL) redis://127.0.0.1:1 is only used by engines that keep their data on a server; add --engine redis, or drop --url to use the store in --dir\n');
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('kvs help COMMAND shows the command\'s help, and flags may come before the command', async () => {
    const cwd = tempDir();
    const help = await kvs(['help', 'set'], { cwd });
    expect(help.code).toBe(0);
    expect(help.out).toContain('$ kvs set KEY [VALUE]');
    expect(await kvs(['--sync', 'never', '--dir', 'd', 'set', 'k', 'v'], { cwd })).toMatchObject({ code: 0 });
    expect(await kvs(['--json', '-d', 'd', 'count'], { cwd })).toMatchObject({ code: 0, out: '{"count":1}\n' });
  });

  it('an unknown engine exits 1 listing the known ones, before creating anything', async () => {
    const cwd = tempDir();
    const r = await kvs(['set', 'k', 'v', '--engine', 'nope'], { cwd });
    expect(r.code).toBe(1);
    const known = listEngines().map((e) => e.name).join(', ');
    expect(known).toMatch(/^bitcask, /);
    expect(r.stderr).toBe(`Error: unknown engine "nope"; known engines: ${known} (see \`kvs engines\`)\n`);
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('the memory engine keeps nothing on disk, and a write through it says so', async () => {
    const cwd = tempDir();
    const env = { KVS_ENGINE: 'memory' };
    expect(await kvs(['set', 'k', 'v'], { cwd, env })).toMatchObject({ code: 0, out: '', stderr: 'Warning: the memory engine keeps nothing on disk: what this command writes is gone when it exits\n' });
    expect(await kvs(['get', 'k'], { cwd, env })).toMatchObject({ code: 0, out: 'Key not found\n' });
    expect(await kvs(['count'], { cwd, env })).toMatchObject({ code: 0, out: '0\n' });
  });
});
