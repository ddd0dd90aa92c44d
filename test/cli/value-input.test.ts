/** Values from arguments, files and stdin: byte-exact round trips, and limits enforced before writing. */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvs, removeTempDirs, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('binary values', () => {
  it('--file stores raw bytes (all 256 byte values) and get writes them back unchanged', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'bytes.bin'), ALL_BYTES);
    expect(await kvs(['set', 'bin', '--file', 'bytes.bin'], { cwd })).toMatchObject({ code: 0, out: '', stderr: '' });
    const [raw, json, listed] = await Promise.all([
      kvs(['get', 'bin'], { cwd }),
      kvs(['get', 'bin', '--json'], { cwd }),
      kvs(['ls', '--values', '--json'], { cwd }),
    ]);
    expect(raw.stdout.equals(ALL_BYTES)).toBe(true);
    const parsed = JSON.parse(json.out) as { encoding: string; value: string; found: boolean };
    expect(parsed).toMatchObject({ key: 'bin', found: true, encoding: 'base64' });
    expect(Buffer.from(parsed.value, 'base64').equals(ALL_BYTES)).toBe(true);
    const [entry] = JSON.parse(listed.out) as { key: string; value: string; encoding: string }[];
    expect(entry).toMatchObject({ key: 'bin', encoding: 'base64' });
    expect(Buffer.from(entry!.value, 'base64').equals(ALL_BYTES)).toBe(true);
  });

  it('--file - reads the value from stdin byte for byte', async () => {
    const cwd = tempDir();
    expect((await kvs(['set', 'bin', '--file', '-'], { cwd, input: ALL_BYTES })).code).toBe(0);
    expect((await kvs(['get', 'bin'], { cwd })).stdout.equals(ALL_BYTES)).toBe(true);
  });

  it('an 8 MiB value through stdin round-trips', async () => {
    const cwd = tempDir();
    const big = randomBytes(8 * 1024 * 1024);
    expect(await kvs(['set', 'big', '--file', '-'], { cwd, input: big })).toMatchObject({ code: 0, stderr: '' });
    const r = await kvs(['get', 'big'], { cwd });
    expect(r.stdout.length).toBe(big.length);
    expect(sha(r.stdout)).toBe(sha(big));
  });

  it('a UTF-8 argument is stored as UTF-8', async () => {
    const cwd = tempDir();
    await kvs(['set', 'clé', 'naïve ☃'], { cwd });
    expect((await kvs(['get', 'clé'], { cwd })).stdout.equals(Buffer.from('naïve ☃', 'utf8'))).toBe(true);
  });
});

describe('limits', () => {
  it('a key of 65537 bytes exits 1 with KEY_TOO_LARGE and creates no store', async () => {
    const cwd = tempDir();
    const r = await kvs(['set', 'k'.repeat(65537), 'v'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: key is 65537 bytes; the limit is 65536 bytes (64 KiB)\n');
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('a key of exactly 65536 bytes is accepted', async () => {
    const cwd = tempDir();
    const key = 'k'.repeat(65536);
    expect((await kvs(['set', key, 'v'], { cwd })).code).toBe(0);
    expect((await kvs(['get', key], { cwd })).out).toBe('v');
  });

  it('a file over 64 MiB exits 1 with VALUE_TOO_LARGE and writes nothing', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'huge.bin');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 64 * 1024 * 1024 + 1); // sparse: costs no disk
    const fresh = await kvs(['set', 'huge', '--file', file], { cwd });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toMatch(/^Error: value too large: .*huge\.bin is 67108865 bytes; the limit is 67108864 bytes \(64 MiB\)\n$/);
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);

    await kvs(['set', 'other', 'x'], { cwd });
    expect((await kvs(['set', 'huge', '--file', file], { cwd })).code).toBe(1);
    expect((await kvs(['ls'], { cwd })).out).toBe('other\n');
  });

  it('stdin over 64 MiB exits 1 with VALUE_TOO_LARGE and writes nothing', async () => {
    const cwd = tempDir();
    const r = await kvs(['set', 'huge', '--file', '-'], { cwd, input: Buffer.alloc(64 * 1024 * 1024 + 1) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: value too large: stdin holds more than 67108864 bytes/);
    expect(fs.existsSync(path.join(cwd, 'kvs-data'))).toBe(false);
  });

  it('a missing --file exits 1 naming the file', async () => {
    const cwd = tempDir();
    const r = await kvs(['set', 'k', '--file', 'nope.bin'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot read --file nope\.bin: ENOENT/);
  });
});
