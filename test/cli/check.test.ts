/** `kvs check`: reads the whole store read-only, exits 0 when healthy and 1 when damaged, changes nothing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvs, removeTempDirs, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

describe('kvs check', () => {
  it('a healthy store: exit 0, what was read, "No damage found"; --json gives the report', async () => {
    const cwd = tempDir();
    for (const [k, v] of [['a', '1'], ['b', '2'], ['c', '3']]) expect((await kvs(['set', k!, v!], { cwd })).code).toBe(0);
    const text = await kvs(['check'], { cwd });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Checked .+\.\nNo damage found\.\n/);
    const json = await kvs(['check', '--json'], { cwd });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, problems: [] });
  });

  it('a flipped byte in a stored value: exit 1, the file and offset named, and the store unchanged', async () => {
    const cwd = tempDir();
    expect((await kvs(['set', 'key', 'a value long enough to flip'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'kvs-data');
    const data = fs.readdirSync(dir).find((f) => f.endsWith('.data'))!;
    const file = path.join(dir, data);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x20;
    fs.writeFileSync(file, bytes);
    const before = fs.readFileSync(file);
    const result = await kvs(['check', '--json'], { cwd });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { ok: boolean; problems: { file: string; offset?: number }[] };
    expect(report.ok).toBe(false);
    expect(report.problems[0]!.file).toBe(data);
    expect(typeof report.problems[0]!.offset).toBe('number');
    expect(fs.readFileSync(file)).toEqual(before);
  });

  it('a directory that is no store is STORE_NOT_FOUND, exit 1, and nothing is created', async () => {
    const cwd = tempDir();
    const result = await kvs(['check', '-d', 'nothing-here'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no kvs store');
    expect(fs.existsSync(path.join(cwd, 'nothing-here'))).toBe(false);
  });
});
