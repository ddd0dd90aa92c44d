/**
 * What the lsm trust work costs or saves at open, between two builds of kvs, interleaved and
 * repeated, medians and ratios in one run:
 * - writable reopen of a store whose WAL holds ~3.5 MiB (a memtable nearly full): the old recovery
 *   wrote it to a table first, the new one replays it and keeps the log;
 * - read-only open + one get + close (`kvs get`) on a store of ~100 tables: the new read-only open
 *   opens every table (so that a live writer cannot retire one under it);
 * - a fill of 100,000 sets with a 64 KiB memtable (sync never): each memtable switch now also
 *   appends and fsyncs a LOG_FILE edit to the manifest.
 *   npx tsc -p tsconfig.build.json && node bench/lsm-open.mjs [otherBuild/index.js] [rounds]
 * With no other build it measures this one alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const here = new URL('../dist/index.js', import.meta.url).href;
const other = process.argv[2] ? pathToFileURL(path.resolve(process.argv[2])).href : undefined;
const ROUNDS = Number(process.argv[3] ?? 5);
const builds = [{ name: 'this', kvs: await import(here) }];
if (other !== undefined) builds.push({ name: 'other', kvs: await import(other) });

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-bench-lsm-open-'));
const value = (i) => `value-${i}-`.padEnd(100, 'x');
const key = (i) => `key${String(i).padStart(8, '0')}`;

async function fill(kvs, dir, n, options) {
  const db = await kvs.openStore({ engine: 'lsm', dir, sync: 'never', options });
  for (let i = 0; i < n; i++) await db.set(key(i), value(i));
  await db.close();
}

/** Templates are built by the other build, if any: an older kvs cannot read a manifest holding LOG_FILE records. */
const maker = builds.at(-1).kvs;
const fullWal = path.join(root, 'full-wal');
await fill(maker, fullWal, 30_000, {});
const manyTables = path.join(root, 'many-tables');
await fill(maker, manyTables, 200_000, { memtableSize: 256 * 1024, targetFileSize: 256 * 1024 });
const tables = fs.readdirSync(manyTables).filter((n) => n.endsWith('.sst')).length;

const scenarios = {
  'writable reopen, 3.5 MiB WAL': async (kvs, i) => {
    const dir = path.join(root, `reopen-${i}`);
    fs.cpSync(fullWal, dir, { recursive: true, filter: (src) => path.basename(src) !== 'LOCK' });
    const t = performance.now();
    const db = await kvs.openStore({ engine: 'lsm', dir, sync: 'never' });
    await db.close();
    const ms = performance.now() - t;
    fs.rmSync(dir, { recursive: true, force: true });
    return ms;
  },
  [`read-only open + get, ${tables} tables`]: async (kvs) => {
    const t = performance.now();
    const db = await kvs.openStore({ engine: 'lsm', dir: manyTables, readOnly: true, options: { memtableSize: 256 * 1024, targetFileSize: 256 * 1024 } });
    await db.get(key(123_457));
    await db.close();
    return performance.now() - t;
  },
  'fill 100k sets, 64 KiB memtable': async (kvs, i) => {
    const dir = path.join(root, `fill-${i}`);
    const t = performance.now();
    await fill(kvs, dir, 100_000, { memtableSize: 64 * 1024 });
    const ms = performance.now() - t;
    fs.rmSync(dir, { recursive: true, force: true });
    return ms;
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const [name, run] of Object.entries(scenarios)) {
    const times = builds.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let b = 0; b < builds.length; b++) {
        const order = r % 2 === 0 ? b : builds.length - 1 - b; // interleaved, alternating who goes first
        times[order].push(await run(builds[order].kvs, `${r}-${order}`));
      }
    }
    const meds = times.map(median);
    const cells = builds.map((b, i) => `${b.name} ${meds[i].toFixed(1)} ms`).join(', ');
    console.log(`${name}: ${cells}${builds.length > 1 ? `; this/other ${(meds[0] / meds[1]).toFixed(2)}` : ''} (median of ${ROUNDS})`);
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
