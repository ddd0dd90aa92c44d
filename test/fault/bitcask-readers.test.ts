/**
 * Readers beside a live writer, with real processes: one process overwrites a bitcask store
 * with small files, so it rotates constantly and merges (deleting files) every few dozen writes,
 * while other processes open the same directory read-only (`kvs get`, and a loop of read-only
 * openStore calls) again and again. A read-only open that finds a file merged away re-reads the
 * file set and retries; it must never fail with a raw ENOENT, nor report CORRUPTION for a store
 * that is only busy. Uses the built library and CLI (`npm run build`). The key each read picks is
 * random: the seed is printed and taken from KVS_FAULT_SEED.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST_INDEX, distIsBuilt } from '../support/crash-writer.js';
import { seededRandom } from '../support/fault-store.js';
import { tempStoreDir } from '../support/temp-store-dir.js';
import { kvs } from '../cli/run-kvs.js';

const SEED = Number(process.env.KVS_FAULT_SEED ?? Date.now() % 1_000_000);
const KEYS = 200;
const OPTIONS = { maxFileSize: 8 * 1024, mergeMinDeadBytes: 0, mergeDeadRatio: 0.3 };

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * Writes every key once, prints "ready", then overwrites forever, compacting every 40 writes.
 * With `reopen`, it closes the store after every compaction (close writes the keydir image) and
 * opens it again, so readers mostly find an image that matches, until the next merge makes it stale.
 */
function writerScript(dir: string, reopen = false): string {
  return `
import { openStore } from ${JSON.stringify(DIST_INDEX.href)};
const open = () => openStore({ engine: 'bitcask', dir: ${JSON.stringify(dir)}, sync: 'never', options: ${JSON.stringify(OPTIONS)} });
let db = await open();
const value = (i) => ('v-' + i + '-').padEnd(60, 'x');
for (let k = 0; k < ${KEYS}; k++) await db.set('key-' + k, value(k));
await db.compact();
process.stdout.write('ready\\n');
let merges = 0;
for (let i = ${KEYS}; ; i++) {
  await db.set('key-' + (i % ${KEYS}), value(i));
  if (i % 40 === 0) {
    await db.compact();
    process.stdout.write('merges ' + ++merges + '\\n');
    if (${reopen}) { await db.close(); db = await open(); }
  }
  if (i % 8 === 0) await new Promise((r) => setImmediate(r));
}
`;
}

/** Opens the store read-only `rounds` times, reads one key and counts; prints one JSON line per failure or warning, then "done N". */
function readerScript(dir: string, rounds: number, seed: number): string {
  return `
import { openStore } from ${JSON.stringify(DIST_INDEX.href)};
let a = ${seed} >>> 0;
const random = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
let ok = 0;
for (let r = 0; r < ${rounds}; r++) {
  const key = 'key-' + Math.floor(random() * ${KEYS});
  try {
    const db = await openStore({ engine: 'bitcask', dir: ${JSON.stringify(dir)}, readOnly: true, onWarning: (warning) => console.log(JSON.stringify({ key, warning })) });
    try {
      if ((await db.stats()).filesFromKeydirImage > 0) console.log('image');
      const v = await db.get(key);
      const n = await db.count();
      if (v === undefined || !/^v-\\d+-x+$/.test(v.toString()) || n !== ${KEYS}) console.log(JSON.stringify({ key, value: v?.toString() ?? null, count: n }));
      else ok++;
    } finally {
      await db.close();
    }
  } catch (err) {
    console.log(JSON.stringify({ key, error: String(err?.message ?? err), code: err?.code ?? null }));
  }
}
console.log('done ' + ok);
`;
}

function run(script: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Starts the writer and resolves once it has written every key; `merges()` is how many compactions it reported. */
async function startWriter(dir: string, reopen = false): Promise<{ child: ChildProcess; merges: () => number; stderr: () => string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', writerScript(dir, reopen)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`writer exited (code ${code}): ${err}`)));
  });
  return { child, merges: () => Math.max(0, ...[...out.matchAll(/merges (\d+)/g)].map((m) => Number(m[1]))), stderr: () => err };
}

describe(`bitcask: read-only opens beside a writer that rotates and merges (seed ${SEED}, KVS_FAULT_SEED)`, () => {
  it('dist is built (run `npm run build`)', () => {
    expect(distIsBuilt()).toBe(true);
  });

  it('read-only openStore in another process never fails with ENOENT or a false CORRUPTION', async () => {
    const dir = path.join(tempStoreDir('bitcask-readers'), 'store');
    const writer = await startWriter(dir);
    const readers = await Promise.all([run(readerScript(dir, 150, SEED)), run(readerScript(dir, 150, SEED + 1))]);
    const merges = writer.merges();
    writer.child.kill('SIGKILL');
    for (const r of readers) {
      const failures = r.out.split('\n').filter((l) => l.startsWith('{'));
      expect(failures, `seed ${SEED}: ${r.err}`).toEqual([]);
      expect(r.out).toContain('done 150');
    }
    expect(merges, `the writer merged while the readers read: ${writer.stderr()}`).toBeGreaterThanOrEqual(3);
  });

  it('with a keydir image on disk (the writer closes and reopens after each merge), read-only opens still retry and never fail', async () => {
    const dir = path.join(tempStoreDir('bitcask-readers-image'), 'store');
    const writer = await startWriter(dir, true);
    const readers = await Promise.all([run(readerScript(dir, 150, SEED + 2)), run(readerScript(dir, 150, SEED + 3))]);
    const merges = writer.merges();
    writer.child.kill('SIGKILL');
    let fromImage = 0;
    for (const r of readers) {
      const failures = r.out.split('\n').filter((l) => l.startsWith('{'));
      expect(failures, `seed ${SEED}: ${r.err}`).toEqual([]);
      expect(r.out).toContain('done 150');
      fromImage += r.out.split('\n').filter((l) => l === 'image').length;
    }
    expect(merges, `the writer merged while the readers read: ${writer.stderr()}`).toBeGreaterThanOrEqual(3);
    expect(fromImage, 'some read-only opens took the keydir from the image').toBeGreaterThan(0);
  });

  it('kvs get in another process never fails while the writer merges', async () => {
    const cwd = tempStoreDir('bitcask-readers-cli');
    const dir = path.join(cwd, 'store');
    const writer = await startWriter(dir);
    const random = seededRandom(SEED);
    const results: { key: string; code: number | null; out: string; stderr: string }[] = [];
    for (let i = 0; i < 24; i++) {
      const key = `key-${Math.floor(random() * KEYS)}`;
      const r = await kvs(['get', key, '--dir', dir], { cwd });
      results.push({ key, code: r.code, out: r.out, stderr: r.stderr });
    }
    const merges = writer.merges();
    writer.child.kill('SIGKILL');
    expect(merges, `the writer merged while kvs get ran: ${writer.stderr()}`).toBeGreaterThanOrEqual(3);
    const bad = results.filter((r) => r.code !== 0 || !/^v-\d+-x+$/.test(r.out.trim()) || /ENOENT|CORRUPTION|corrupt|missing|does not list/i.test(r.stderr));
    expect(bad, `seed ${SEED}`).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'lost')), 'a read-only open moves nothing').toBe(false);
  });
});
