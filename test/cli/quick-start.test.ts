/**
 * The quick path (src/cli/quick-start.ts) against oclif's own parser: on every command line it
 * accepts, it must produce exactly what oclif parses (args, flags, which flags were given); every
 * line it declines must be one oclif either rejects or reads in a shape the quick path leaves to
 * it; and it reports errors as oclif's path does. (That it loads no oclif: lazy-engines.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Parser } from '@oclif/core';
import { afterAll, describe, expect, it } from 'vitest';
import Count from '../../src/cli/commands/count.js';
import Get from '../../src/cli/commands/get.js';
import Ls from '../../src/cli/commands/ls.js';
import Rm from '../../src/cli/commands/rm.js';
import SetCommand from '../../src/cli/commands/set.js';
import { parseQuick, type Manifest } from '../../src/cli/quick-start.js';
import { kvs, removeTempDirs, ROOT, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest;
const COMMANDS = { get: Get, set: SetCommand, rm: Rm, count: Count, ls: Ls } as const;

/** What oclif parses from `argv` for `id`, or the error it throws; `explicit` as StoreCommand computes it. */
async function oclifParse(id: keyof typeof COMMANDS, argv: string[], env: Record<string, string>) {
  const command = COMMANDS[id];
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith('KVS_')) delete process.env[name];
  Object.assign(process.env, env);
  try {
    const input = { flags: { ...command.baseFlags, ...command.flags }, args: command.args, strict: true } as Parameters<typeof Parser.parse>[1];
    const out = await Parser.parse(argv, input);
    const meta = out.metadata.flags as Record<string, { setFromDefault?: boolean } | undefined>;
    const explicit = new Set(Object.entries(out.flags).filter(([name, v]) => v !== undefined && meta[name]?.setFromDefault !== true).map(([name]) => name));
    const args = Object.fromEntries(Object.entries(out.args).filter(([, v]) => v !== undefined));
    return { ok: true as const, input: { args, flags: out.flags as Record<string, unknown>, explicit } };
  } catch (err) {
    return { ok: false as const, error: (err as Error).message };
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

type Case = [id: keyof typeof COMMANDS, argv: string[], env?: Record<string, string>];

/** Lines the quick path must take, each checked against oclif. */
const TAKEN: Case[] = [
  ['get', ['k']],
  ['get', ['k', '--json']],
  ['get', ['--json', 'k']],
  ['get', ['k', '--dir', 'data']],
  ['get', ['k', '--dir=data', '-e', 'lsm']],
  ['get', ['k', '-d', 'data']],
  ['get', ['k'], { KVS_DIR: 'from-env', KVS_ENGINE: 'lsm' }],
  ['get', ['k', '--dir', 'flag-wins'], { KVS_DIR: 'from-env' }],
  ['get', ['k', '--addr', '127.0.0.1:6380', '--password', 's3cret']],
  ['get', ['k'], { KVS_ADDR: '127.0.0.1:6380', KVS_PASSWORD: '' }],
  ['get', ['--', '--not-a-flag']],
  ['get', ['-']],
  ['get', ['k', '--dir=']],
  ['set', ['k', 'v']],
  ['set', ['k', 'v', '--sync', 'never']],
  ['set', ['k', 'v', '--sync=interval', '--lock-timeout', '0']],
  ['set', ['k', '--file', '-']],
  ['set', ['k', '-f', 'value.bin']],
  ['set', ['k', 'v'], { KVS_LOCK_TIMEOUT: '250' }],
  ['set', ['k', 'a value with spaces', '--lock-timeout=60000']],
  ['set', ['k', '--', '-v']],
  ['rm', ['k']],
  ['rm', ['k', '--sync', 'always', '--dir', 'd']],
  ['count', []],
  ['count', ['--json', '--url', 'redis://127.0.0.1:6379', '-e', 'redis']],
  ['ls', []],
  ['ls', ['--prefix', 'user:', '--limit', '10', '--values', '--reverse']],
  ['ls', ['-p', 'a', '-n', '0', '-r', '--start', 'a', '--end', 'b', '--json']],
];

/** Lines the quick path must leave to oclif (each a mistake, help, or a shape it does not take). */
const LEFT: Case[] = [
  ['get', []],
  ['get', ['a', 'b']],
  ['get', ['k', '--bogus']],
  ['get', ['k', '--help']],
  ['get', ['k', '-h']],
  ['get', ['k', '--json', '--json']],
  ['get', ['k', '--dir', 'a', '--dir', 'b']],
  ['get', ['k', '--dir']],
  ['get', ['k', '--dir', '--json']],
  ['get', ['k', '-ddata']],
  ['get', ['k', '--json=true']],
  ['get', ['-5']],
  ['set', ['k', 'v', '--sync', 'sometimes']],
  ['set', ['k', 'v', '--lock-timeout', '-1']],
  ['set', ['k', 'v', '--lock-timeout', 'soon']],
  ['set', ['k', 'v'], { KVS_LOCK_TIMEOUT: 'soon' }],
  ['set', ['k', 'v', 'extra']],
  ['ls', ['--limit', '1.5']],
  ['ls', ['-rn', '3']],
  ['ls', ['--no-json-at-all']],
  ['ls', ['--no-prefix']],
  ['ls', ['--no-values']], // oclif: allowNo is off
];

describe('the quick path parses as oclif does', () => {
  it.each(TAKEN)('%s %j (env %j): taken, with exactly what oclif parses', async (id, argv, env = {}) => {
    const quick = parseQuick(manifest.commands[id]!, argv, env);
    const oclif = await oclifParse(id, argv, env);
    expect(oclif.ok, oclif.ok ? '' : oclif.error).toBe(true);
    expect(quick).toBeDefined();
    if (!oclif.ok) return;
    expect(quick!.args).toEqual(oclif.input.args);
    expect(quick!.flags).toStrictEqual(Object.fromEntries(Object.entries(oclif.input.flags).filter(([, v]) => v !== undefined)));
    expect([...quick!.explicit].sort()).toEqual([...oclif.input.explicit].sort());
  });

  it.each(LEFT)('%s %j (env %j): left to oclif', async (id, argv, env = {}) => {
    expect(parseQuick(manifest.commands[id]!, argv, env)).toBeUndefined();
  });

  it('every command with a quick path is in the manifest with the quick annotations (integer bounds, boolean defaults)', () => {
    for (const id of Object.keys(COMMANDS)) expect(manifest.commands[id], id).toBeDefined();
    expect(manifest.commands.ls!.flags.limit!.quick).toEqual({ integer: { min: 0 } });
    expect(manifest.commands.get!.flags.json!.quick).toEqual({ default: false });
    expect(manifest.commands.set!.flags['lock-timeout']!.quick).toEqual({ integer: { min: 0 } });
  });
});

describe('the quick path at run time', () => {
  it('a KvsError on the quick path is reported as oclif reports it: "Error: ..." and exit 1', async () => {
    const cwd = tempDir();
    const quick = await kvs(['get', 'k', '--dir', 'nowhere'], { cwd });
    expect(quick.code).toBe(1);
    expect(quick.stderr).toBe(`Error: no kvs store at ${path.join(cwd, 'nowhere')}; create one by writing to it (kvs set KEY VALUE), or pass the right directory\n`);
    const viaOclif = await kvs(['stats', '--dir', 'nowhere'], { cwd }); // stats has no quick path
    expect(viaOclif.code).toBe(1);
    expect(viaOclif.stderr).toBe(quick.stderr);
  });
});
