/**
 * The Bitcask figures quoted in docs and issue notes: single get and set throughput (per sync
 * policy), open time of a 1,000,000-key store, and keydir bytes per key. Uses the public
 * library (dist/), the same code path as the CLI.
 *   npm run build && node bench/bitcask-figures.mjs [keys] [valueBytes]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../dist/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const VALUE_BYTES = Number(process.argv[3] ?? 100);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-bitcask-figures-'));
const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');
const key = (i) => `key:${String(i).padStart(10, '0')}`;
const value = Buffer.alloc(VALUE_BYTES, 0x61);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ops, ms) => Math.round((ops / ms) * 1000);
const rows = [];
const report = (name, figure, unit) => {
  rows.push({ name, figure, unit });
  console.log(`${name.padEnd(52)} ${String(figure).padStart(12)} ${unit}`);
};

try {
  // Fill: N keys with sync 'never' (the fill itself is not the figure of interest here).
  const dir = path.join(root, 'store');
  let db = await openStore({ engine: 'bitcask', dir, sync: 'never' });
  let t = performance.now();
  for (let i = 0; i < N; i++) await db.set(key(i), value);
  report(`fill ${N} keys x ${VALUE_BYTES} B (sync never)`, rate(N, performance.now() - t), 'sets/s');
  const stats = await db.stats();
  report('keydir bytes per key', stats.keydirBytesPerKey, 'B/key');
  report('store size on disk', Math.round(stats.diskBytes / 1024 / 1024), 'MiB');
  await db.close();

  // Open time: open + first get, five times, median. Also through the CLI (process start included).
  const opens = [];
  for (let r = 0; r < 5; r++) {
    t = performance.now();
    const ro = await openStore({ dir, readOnly: true });
    await ro.get(key(N >> 1));
    opens.push(performance.now() - t);
    await ro.close();
  }
  report(`open ${N}-key store until first get returns`, Math.round(median(opens)), 'ms (median of 5)');
  const cli = [];
  for (let r = 0; r < 5; r++) {
    t = performance.now();
    const out = spawnSync(process.execPath, [bin, 'get', key(7), '--dir', dir]);
    cli.push(performance.now() - t);
    if (out.status !== 0) throw new Error(`kvs get failed: ${out.stderr}`);
  }
  report(`kvs get on the ${N}-key store (whole process)`, Math.round(median(cli)), 'ms (median of 5)');

  // Single gets: random keys, each awaited.
  db = await openStore({ dir, sync: 'never' });
  const GETS = Math.min(N, 300_000);
  let x = 12345;
  t = performance.now();
  for (let i = 0; i < GETS; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    await db.get(key(x % N));
  }
  report('single get, random existing keys', rate(GETS, performance.now() - t), 'gets/s');
  await db.close();

  // Single sets per sync policy, each awaited (one writer: no group commit).
  for (const [sync, count] of [['never', 200_000], ['interval', 200_000], ['always', 2_000]]) {
    const sdir = path.join(root, `sets-${sync}`);
    const s = await openStore({ engine: 'bitcask', dir: sdir, sync });
    t = performance.now();
    for (let i = 0; i < count; i++) await s.set(key(i), value);
    report(`single set, ${VALUE_BYTES} B values, sync ${sync}`, rate(count, performance.now() - t), 'sets/s');
    await s.close();
  }
  // Group commit: 50 concurrent writers under sync always.
  {
    const s = await openStore({ engine: 'bitcask', dir: path.join(root, 'group'), sync: 'always' });
    const WRITERS = 50;
    const EACH = 200;
    t = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < EACH; i++) await s.set(key(w * EACH + i), value);
    }));
    const ms = performance.now() - t;
    const fsyncs = (await s.stats()).fsyncsSinceOpen;
    report(`sets with ${WRITERS} concurrent writers, sync always`, rate(WRITERS * EACH, ms), `sets/s (${fsyncs} fsyncs)`);
    await s.close();
  }
  console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, keys: N, valueBytes: VALUE_BYTES, rows }));
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
