/**
 * The shell session over an in-memory store, driven through streams: script mode stops at the
 * first error, interactive mode (readline without a terminal) reports errors and goes on, and
 * interactive lines reach the history file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openStore, type KvsEngine } from '../../src/index.js';
import { historyPath, HISTORY_SIZE, loadHistory } from '../../src/shell/history.js';
import { runSession } from '../../src/shell/session.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const tmp = tempStoreDir('shell');

interface Run {
  code: number;
  out: string;
  err: string;
  store: KvsEngine;
}

async function session(lines: string, options: { interactive?: boolean; historyFile?: string; store?: KvsEngine } = {}): Promise<Run> {
  const store = options.store ?? (await openStore({ engine: 'memory' }));
  const input = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => outChunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  input.end(lines);
  const code = await runSession({
    store,
    input,
    out,
    err,
    interactive: options.interactive === true,
    terminal: false,
    prompt: 'kvs> ',
    historyFile: options.historyFile,
  });
  return { code, out: Buffer.concat(outChunks).toString('utf8'), err: Buffer.concat(errChunks).toString('utf8'), store };
}

describe('script mode', () => {
  it('runs every line and prints results like the commands, one per line', async () => {
    const r = await session(
      ['set greeting "hello world"', 'get greeting', '# a comment', '', "set 'user:2' two", 'set user:1 one', 'ls --prefix user: --values', 'ls -r -n 1', 'count', 'get nobody', 'rm greeting', 'count'].join('\n'),
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe('hello world\nuser:1\tone\nuser:2\ttwo\nuser:2\n3\nKey not found\n2\n');
  });

  it('stops at the first error with exit code 1, leaving later lines unrun', async () => {
    const r = await session('set a 1\nbogus x\nset b 2\n');
    expect(r.code).toBe(1);
    expect(r.err).toBe('Error: unknown command "bogus"; type help to list the commands\n');
    expect(await r.store.get('b')).toBeUndefined();
    expect(String(await r.store.get('a'))).toBe('1');
  });

  it('rm of a missing key fails the script like `kvs rm` (Key not found, exit 1)', async () => {
    const r = await session('rm nope\nset after 1\n');
    expect(r).toMatchObject({ code: 1, out: '', err: 'Key not found\n' });
    expect(await r.store.count()).toBe(0);
  });

  it('quit ends the script with exit code 0 before later lines', async () => {
    const r = await session('set a 1\nquit\nbogus\n');
    expect(r).toMatchObject({ code: 0, err: '' });
  });

  it('wrong argument counts and bad flags say the usage', async () => {
    const cases: [string, RegExp][] = [
      ['set k', /^Error: missing argument; usage: set KEY VALUE\n$/],
      ['set k two words', /^Error: too many arguments \(3, expected 2\); quote a value with spaces: set k "two words"; usage: set KEY VALUE\n$/],
      ['get', /^Error: missing argument; usage: get KEY\n$/],
      ['ls --limit x', /^Error: --limit must be a non-negative integer, got "x"; usage: ls /],
      ['ls --prefix', /^Error: --prefix needs a value; usage: ls /],
      ['ls extra', /^Error: unknown argument "extra"; usage: ls /],
      ['count 1', /^Error: too many arguments \(1, expected 0\); usage: count\n$/],
      ['set "" v', /^Error: key must not be empty\n$/],
      ['get "open', /^Error: unclosed double quote at column 5/],
    ];
    for (const [line, message] of cases) {
      const r = await session(line);
      expect(r.code, line).toBe(1);
      expect(r.err, line).toMatch(message);
    }
  });

  it('commands are case-insensitive and aliases work', async () => {
    const r = await session('SET k v\nGet k\ndelete k\nLIST\nexit\n');
    expect(r).toMatchObject({ code: 0, out: 'v\n', err: '' });
  });

  it('binary values written with \\x escapes are stored byte for byte', async () => {
    const r = await session('set bin "\\x00\\xff\\n"\n');
    expect([...(await r.store.get('bin'))!]).toEqual([0, 255, 10]);
  });

  it('help lists every command; help COMMAND shows one', async () => {
    const r = await session('help\nhelp ls\n');
    expect(r.code).toBe(0);
    for (const name of ['set KEY VALUE', 'get KEY', 'rm KEY', 'ls [--prefix P]', 'count', 'help [COMMAND]', 'quit']) expect(r.out).toContain(`  ${name}`);
    expect(r.out.split('  ls [--prefix P]')).toHaveLength(3);
  });
});

describe('interactive mode', () => {
  it('reports errors and goes on; prompts before each line; Ctrl-D (end of input) exits 0', async () => {
    const r = await session('set a 1\nbogus\nget "open\nget a\n', { interactive: true });
    expect(r.code).toBe(0);
    expect(r.err).toBe('Error: unknown command "bogus"; type help to list the commands\nError: unclosed double quote at column 5; end the text with "\n');
    expect(r.out).toBe('kvs> kvs> kvs> kvs> 1\nkvs> ');
  });

  it('a missing key on rm keeps the session alive', async () => {
    const r = await session('rm nope\nset k v\n', { interactive: true });
    expect(r.code).toBe(0);
    expect(String(await r.store.get('k'))).toBe('v');
  });

  it('appends each entered line to the history file, which the next session loads newest first', async () => {
    const file = path.join(tmp, 'history');
    await session('set a 1\n\nget a\n', { interactive: true, historyFile: file });
    await session('count\n', { interactive: true, historyFile: file });
    expect(fs.readFileSync(file, 'utf8')).toBe('set a 1\nget a\ncount\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadHistory(file)).toEqual(['count', 'get a', 'set a 1']);
  });

  it('script mode writes no history', async () => {
    const file = path.join(tmp, 'script-history');
    await session('set a 1\n', { historyFile: file });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a history file past twice the size is trimmed to the newest entries when loaded', () => {
    const file = path.join(tmp, 'long-history');
    fs.writeFileSync(file, Array.from({ length: 2 * HISTORY_SIZE + 5 }, (_, i) => `get k${i}`).join('\n') + '\n');
    const loaded = loadHistory(file);
    expect(loaded).toHaveLength(HISTORY_SIZE);
    expect(loaded[0]).toBe(`get k${2 * HISTORY_SIZE + 4}`);
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(HISTORY_SIZE);
  });

  it('KVS_HISTORY_FILE chooses the file; empty turns history off; default is ~/.kvs_history', () => {
    expect(historyPath({ KVS_HISTORY_FILE: '/tmp/h' })).toBe('/tmp/h');
    expect(historyPath({ KVS_HISTORY_FILE: '' })).toBeUndefined();
    expect(historyPath({})).toBe(path.join(os.homedir(), '.kvs_history'));
  });
});
