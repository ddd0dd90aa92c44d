/**
 * What kvs does on a terminal, run under a real pseudo-terminal (util-linux `script`): `ls`
 * escapes what is not printable text, while a pipe still gets the raw bytes; `set --file -`
 * says how to end the value. Skipped where `script` is missing, as the test names say.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, kvs, removeTempDirs, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const itWithTty = hasScript ? it : it.skip;
const suffix = hasScript ? '' : ' (SKIPPED: util-linux `script` is not installed, so no terminal can be made)';

/** Runs `kvs ...args` with stdin, stdout and stderr on one pseudo-terminal; `typed` is sent as keystrokes once the output shows `after`. */
function onTerminal(cwd: string, args: string[], typed = '', after = ''): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env: { ...process.env, TERM: 'dumb' } });
    const out: Buffer[] = [];
    let sent = typed === '';
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (!sent && Buffer.concat(out).toString('utf8').includes(after)) {
        sent = true;
        child.stdin.write(typed);
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(out).toString('utf8').replace(/\r\n/g, '\n')));
    if (typed === '') child.stdin.end();
  });
}

describe('on a terminal', () => {
  itWithTty(`ls --values escapes control characters, tabs, newlines, backslashes and bytes that are not UTF-8${suffix}`, async () => {
    const cwd = tempDir();
    const raw = Buffer.from([0x61, 0x09, 0x62, 0x0a, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xff, 0xc3, 0xa9, 0x5c, 0xc2, 0x85]); // a\tb\n ESC[31m \xff é \ C1-NEL
    expect((await kvs(['set', 'bin', '--file', '-'], { cwd, input: raw })).code).toBe(0);
    expect((await kvs(['set', 'tab\tkey', 'plain text, ünïcödé'], { cwd })).code).toBe(0);
    const shown = await onTerminal(cwd, ['ls', '--values']);
    expect(shown).toBe('bin\ta\\tb\\n\\x1b[31m\\xffé\\\\\\u0085\ntab\\tkey\tplain text, ünïcödé\n');
    expect(shown).not.toContain('\u001b'); // nothing the terminal would act on

    const keysOnly = await onTerminal(cwd, ['ls']);
    expect(keysOnly).toBe('bin\ntab\\tkey\n');
  });

  it('piped, ls --values writes the raw bytes; --json gives them as base64 anywhere', async () => {
    const cwd = tempDir();
    const raw = Buffer.from([0x61, 0x09, 0x0a, 0x1b, 0xff]);
    await kvs(['set', 'bin', '--file', '-'], { cwd, input: raw });
    const piped = await kvs(['ls', '--values'], { cwd });
    expect(piped.stdout).toEqual(Buffer.concat([Buffer.from('bin\t'), raw, Buffer.from('\n')]));
    const json = JSON.parse((await kvs(['ls', '--values', '--json'], { cwd })).out) as { key: string; value: string; encoding: string }[];
    expect(json).toEqual([{ key: 'bin', value: raw.toString('base64'), encoding: 'base64' }]);
  });

  itWithTty(`set --file - on a terminal says how to end the value, and stores what was typed${suffix}`, async () => {
    const cwd = tempDir();
    const shown = await onTerminal(cwd, ['set', 'typed', '--file', '-'], 'hello\n\u0004', 'Ctrl-D');
    expect(shown).toMatch(/^Reading the value from the terminal; end it with Ctrl-D on a line of its own\.\n/);
    expect((await kvs(['get', 'typed'], { cwd })).out).toBe('hello\n');
  });

  it('set --file - from a pipe prints no hint', async () => {
    const cwd = tempDir();
    const r = await kvs(['set', 'piped', '--file', '-'], { cwd, input: 'data' });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});
