/** Usage of the CLI itself: help, version, and how unknown commands, flags and missing arguments fail. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvs, removeTempDirs, ROOT, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

const COMMANDS = ['compact', 'count', 'engines', 'get', 'ls', 'rm', 'set', 'stats'];
const cwd = tempDir();

describe('help and version', () => {
  it('kvs with no arguments prints the root help listing every command, exit 0', async () => {
    const r = await kvs([], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toContain('USAGE');
    for (const id of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${id} `, 'm'));
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await kvs(['--version'], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`kvs/${version}`);
  });

  it('every command has help with a usage line and examples', async () => {
    const results = await Promise.all(COMMANDS.map((id) => kvs([id, '--help'], { cwd })));
    results.forEach((r, i) => {
      expect(r.code).toBe(0);
      expect(r.out).toContain(`$ kvs ${COMMANDS[i]}`);
      expect(r.out).toContain('EXAMPLES');
    });
    const set = results[COMMANDS.indexOf('set')]!;
    expect(set.out).toContain('--file');
    expect(set.out).toContain('--sync');
    expect(set.out).toContain('KVS_DIR');
    expect(set.out).toContain('KVS_ENGINE');
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2, says it is unknown and how to list the commands', async () => {
    const r = await kvs(['frobnicate', 'x'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('kvs --help');
  });

  it('an unknown flag exits 2 with a hint to --help', async () => {
    const r = await kvs(['get', 'k', '--bogus'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nonexistent flag: --bogus');
    expect(r.stderr).toContain('--help');
  });

  it('a missing argument exits 2 naming it', async () => {
    const [get, rm] = await Promise.all([kvs(['get'], { cwd }), kvs(['rm'], { cwd })]);
    for (const r of [get, rm]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Missing 1 required arg');
      expect(r.stderr).toContain('key');
    }
  });

  it('--sync accepts only the known policies', async () => {
    const r = await kvs(['set', 'k', 'v', '--sync', 'sometimes'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('always, interval, never');
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('set without a value, or with both a value and --file, exits 1 saying how to fix it', async () => {
    const [neither, both] = await Promise.all([kvs(['set', 'k'], { cwd }), kvs(['set', 'k', 'v', '--file', '-'], { cwd })]);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toMatch(/^Error: missing value: .*--file.*\n$/);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^Error: .*not both\n$/);
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('an empty key is rejected', async () => {
    const r = await kvs(['set', '', 'v'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: key must not be empty\n');
  });
});
