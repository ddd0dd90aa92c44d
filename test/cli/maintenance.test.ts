/** Store maintenance and introspection commands: compact, stats, engines. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kvs, removeTempDirs, ROOT, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}

const KEYS = 1000;
const ROUNDS = 5;
const valueOf = (i: number, round: number): string => `round-${round}-value-${i}-`.padEnd(120, 'x');

/** One child process writes every round through the library, small files so that they rotate. */
function writeRounds(dir: string): void {
  const script = `
    import { openStore } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'index.js')).href)};
    const db = await openStore({ dir: ${JSON.stringify(dir)}, sync: 'never', options: { maxFileSize: 64 * 1024, autoMerge: false } });
    for (let round = 0; round < ${ROUNDS}; round++) {
      for (let i = 0; i < ${KEYS}; i++) await db.set('key:' + String(i).padStart(4, '0'), ('round-' + round + '-value-' + i + '-').padEnd(120, 'x'));
    }
    for (let i = 0; i < ${KEYS}; i += 10) await db.delete('key:' + String(i).padStart(4, '0'));
    await db.close();
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`writer failed: ${r.stderr}`);
}

describe('compact', () => {
  it('reclaims the space of overwritten and deleted keys and keeps every latest value', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'kvs-data');
    writeRounds(dir);
    const before = dirBytes(dir);

    const r = await kvs(['compact'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.out).toMatch(/^Reclaimed \d+(\.\d)? (B|KiB|MiB) \(\d+(\.\d)? (B|KiB|MiB) -> \d+(\.\d)? (B|KiB|MiB)\)\n/);
    expect(dirBytes(dir)).toBeLessThan(before / 2);

    const [listed, sample, deleted, count, again] = await Promise.all([
      kvs(['ls', '--values', '--json'], { cwd }),
      kvs(['get', 'key:0999'], { cwd }),
      kvs(['get', 'key:0010'], { cwd }),
      kvs(['count'], { cwd }),
      kvs(['compact', '--json'], { cwd }),
    ]);
    const expected = [];
    for (let i = 0; i < KEYS; i++) {
      if (i % 10 !== 0) expected.push({ key: `key:${String(i).padStart(4, '0')}`, value: valueOf(i, ROUNDS - 1), encoding: 'utf8' });
    }
    expect(JSON.parse(listed.out)).toEqual(expected);
    expect(sample.out).toBe(valueOf(999, ROUNDS - 1));
    expect(deleted.out).toBe('Key not found\n');
    expect(count.out).toBe(`${KEYS - KEYS / 10}\n`);
    const result = JSON.parse(again.out) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(['bytesAfter', 'bytesBefore', 'details', 'reclaimedBytes']);
  });

  it('a compaction that leaves more on disk says "Grew by", never "Reclaimed 0 B" with a larger after (LevelDB: a fresh store)', async () => {
    const cwd = tempDir();
    for (const key of ['a', 'b', 'c']) expect((await kvs(['set', key, 'value', '--engine', 'level'], { cwd })).code).toBe(0);
    const r = await kvs(['compact'], { cwd });
    expect(r.code).toBe(0);
    const figures = /^(Grew by|Reclaimed) (\d+(?:\.\d)? (?:B|KiB|MiB)) \((\d+(?:\.\d)? (?:B|KiB|MiB)) -> (\d+(?:\.\d)? (?:B|KiB|MiB))\)\n/.exec(r.out);
    expect(figures, r.out).not.toBeNull();
    const bytes = (text: string): number => {
      const [n, unit] = text.split(' ');
      return Number(n) * (unit === 'B' ? 1 : unit === 'KiB' ? 1024 : 1024 ** 2);
    };
    const [, verb, amount, before, after] = figures!;
    if (bytes(after!) > bytes(before!)) {
      expect(verb).toBe('Grew by');
      expect(bytes(amount!)).toBeGreaterThan(0);
    } else {
      expect(verb).toBe('Reclaimed');
    }
  });
});

describe('stats', () => {
  it('prints engine, keys and diskBytes; --json prints the object', async () => {
    const cwd = tempDir();
    await kvs(['set', 'a', '1'], { cwd });
    await kvs(['set', 'b', '2'], { cwd });
    const [text, json] = await Promise.all([kvs(['stats'], { cwd }), kvs(['stats', '--json'], { cwd })]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^engine +bitcask$/m);
    expect(text.out).toMatch(/^keys +2$/m);
    const stats = JSON.parse(json.out) as Record<string, unknown>;
    expect(stats).toMatchObject({ engine: 'bitcask', keys: 2 });
    expect(typeof stats.diskBytes).toBe('number');
    expect(stats.diskBytes as number).toBeGreaterThan(0);
  });
});

describe('engines', () => {
  it('lists bitcask and memory as usable, with what each supports', async () => {
    const cwd = tempDir();
    const [text, json] = await Promise.all([kvs(['engines'], { cwd }), kvs(['engines', '--json'], { cwd })]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^ENGINE +USABLE +PERSISTENT +ORDERED SCAN +ATOMIC BATCH +SYNC +SUMMARY$/m);
    expect(text.out).toMatch(/^bitcask +yes +yes /m);
    expect(text.out).toMatch(/^memory +yes +no /m);
    const engines = JSON.parse(json.out) as { name: string; usable: boolean; supports?: { persistent: boolean } }[];
    expect(engines.map((e) => e.name)).toEqual(expect.arrayContaining(['bitcask', 'memory']));
    expect(engines.find((e) => e.name === 'bitcask')).toMatchObject({ usable: true, supports: { persistent: true } });
    expect(engines.find((e) => e.name === 'memory')).toMatchObject({ usable: true, supports: { persistent: false } });
  });
});

describe('recovery warnings', () => {
  it('a write that cuts a damaged last record says so on stderr, and keeps every record before it', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'kvs-data');
    await kvs(['set', 'a', 'first'], { cwd });
    await kvs(['set', 'b', 'second'], { cwd });
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.hint')) fs.rmSync(path.join(dir, name)); // make the open rescan the data file
    const data = fs.readdirSync(dir).filter((name) => name.endsWith('.data')).sort().at(-1)!;
    const bytes = fs.readFileSync(path.join(dir, data));
    bytes[bytes.length - 2]! ^= 0xff; // a bit flip inside the last record's value
    fs.writeFileSync(path.join(dir, data), bytes);
    const r = await kvs(['set', 'c', 'third'], { cwd });
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.stderr).toMatch(new RegExp(`^Warning: cut \\d+ bytes off the end of ${data} at offset \\d+: the last record fails its checksum`));
    expect((await kvs(['get', 'a'], { cwd })).out).toBe('first');
    expect((await kvs(['get', 'b'], { cwd })).out).toBe('Key not found\n');
    expect((await kvs(['get', 'c'], { cwd })).out).toBe('third');
  });
});
