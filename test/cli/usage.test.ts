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
    expect(r.stderr).toBe('Error: unknown command "frobnicate"\nRun `kvs --help` to list the commands.\n');
  });

  it('a mistyped command gets the closest command as a suggestion (gett -> get, cuont -> count, also through kvs help)', async () => {
    const [gett, cuont, help] = await Promise.all([kvs(['gett', 'k'], { cwd }), kvs(['cuont'], { cwd }), kvs(['help', 'gett'], { cwd })]);
    for (const r of [gett, help]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('Error: unknown command "gett"; did you mean `kvs get`?\nRun `kvs --help` to list the commands.\n');
    }
    expect(cuont.stderr).toContain('did you mean `kvs count`?');
  });

  it('a flag before any command is called an unknown flag, not an unknown command', async () => {
    const r = await kvs(['--bogus'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: unknown flag --bogus; flags follow a command: kvs COMMAND --bogus\nRun `kvs --help` to list the commands.\n');
  });

  it('kvs help help shows the help of the help command', async () => {
    const r = await kvs(['help', 'help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toContain('$ kvs help [COMMAND...]');
    expect(r.out).not.toContain('TOPICS');
    expect(r.out).not.toMatch(/^  get /m); // not the root help's command list
  });

  it('an unknown flag exits 2 with the usage line, a suggestion and a hint to --help, not the whole help', async () => {
    const [bogus, typo] = await Promise.all([kvs(['get', 'k', '--bogus'], { cwd }), kvs(['get', 'k', '--jsno'], { cwd })]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe('Error: unknown flag --bogus\nUsage: kvs get KEY [flags]\nSee `kvs get --help` for more.\n');
    expect(typo.stderr).toBe('Error: unknown flag --jsno; did you mean --json?\nUsage: kvs get KEY [flags]\nSee `kvs get --help` for more.\n');
  });

  it('a missing argument exits 2 with the usage line and a hint, not the whole help', async () => {
    const [get, rm, set] = await Promise.all([kvs(['get'], { cwd }), kvs(['rm'], { cwd }), kvs(['set'], { cwd })]);
    expect(get).toMatchObject({ code: 2, out: '', stderr: 'Error: missing argument KEY\nUsage: kvs get KEY [flags]\nSee `kvs get --help` for more.\n' });
    expect(rm).toMatchObject({ code: 2, stderr: 'Error: missing argument KEY\nUsage: kvs rm KEY [flags]\nSee `kvs rm --help` for more.\n' });
    expect(set).toMatchObject({ code: 2, stderr: 'Error: missing argument KEY\nUsage: kvs set KEY [VALUE] [flags]\nSee `kvs set --help` for more.\n' });
  });

  it('every usage error has one style: "Error: ..." first, no oclif arrows, no colour codes', async () => {
    const results = await Promise.all([
      kvs(['get', 'a', 'b'], { cwd }),
      kvs(['ls', '--limit', 'x'], { cwd }),
      kvs(['ls', '--limit', '-1'], { cwd }),
      kvs(['set', 'k', 'v', '--lock-timeout', 'soon'], { cwd }),
      kvs(['gett'], { cwd }),
      kvs(['--bogus'], { cwd }),
      kvs(['get'], { cwd }),
    ]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Error: [a-z-]/);
      expect(r.stderr).not.toContain('›');
      expect(r.stderr).not.toContain('\u001b[');
      expect(r.stderr).not.toContain('See more help with --help');
    }
    expect(results[0]!.stderr).toContain('Error: unexpected argument: b\n');
    expect(results[1]!.stderr).toContain('Error: --limit: expected an integer but received: x\n');
  });

  it('--sync accepts only the known policies', async () => {
    const r = await kvs(['set', 'k', 'v', '--sync', 'sometimes'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: expected --sync=sometimes to be one of: always, interval, never\nUsage: kvs set KEY [VALUE] [flags]\nSee `kvs set --help` for more.\n');
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
