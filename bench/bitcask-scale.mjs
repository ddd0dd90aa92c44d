/**
 * Bitcask at scale (issue 13): the figures that grow with the number of keys, against
 * classic-level, and optionally against an older build of kvs, all in one run, interleaved,
 * repeated, medians. Ratios are what to quote: the machine is shared and absolute figures drift.
 *   npm run build && node bench/bitcask-scale.mjs [--keys 1000000] [--seek-keys 100000]
 *     [--reps 3] [--before /path/to/old/dist] [--only open,seek,overwrite,point]
 * Figures:
 * - open: fresh process, openStore + first get of a --keys store (16-byte keys, 100-byte values),
 *   and the RSS that open added, per key;
 * - seek: seekrandom, up to 1,000 scans (or 5 s) of 100 entries from a random present key (--seek-keys and --keys);
 * - overwrite: 1,000 keys x 1 KB overwritten 300 times in an `await set()` loop, sync 'never', no
 *   compact; peak disk (sampled every 100 sets) over live bytes, and sets/s; for bitcask with
 *   64 MiB (default) and 1 MiB files;
 * - point: 100,000 random awaited gets and 1,000 batches of 100 on the --seek-keys store.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const KEYS = Number(flag('keys', 1_000_000));
const SEEK_KEYS = Number(flag('seek-keys', 100_000));
const REPS = Number(flag('reps', 3));
const ONLY = new Set(flag('only', 'open,seek,overwrite,point').split(','));
const here = path.dirname(fileURLToPath(import.meta.url));
const impls = [{ label: 'bitcask', dist: path.join(here, '..', 'dist', 'index.js'), engine: 'bitcask' }];
if (flag('before') !== undefined) impls.unshift({ label: 'bitcask-before', dist: path.join(path.resolve(flag('before')), 'index.js'), engine: 'bitcask' });
impls.push({ label: 'classic-level', dist: impls.at(-1).dist, engine: 'level' });

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-bitcask-scale-'));
const key = (i) => `k${String(i).padStart(15, '0')}`; // 16 bytes
const value100 = Buffer.alloc(100, 0x61);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = new Map(); // figure -> label -> [samples]
const record = (figure, label, x) => {
  if (!results.has(figure)) results.set(figure, new Map());
  const m = results.get(figure);
  if (!m.has(label)) m.set(label, []);
  m.get(label).push(x);
};
const load = async (impl) => (await import(pathToFileURL(impl.dist).href)).openStore;
/** Bytes of the files under `dir`, recursively (classic-level keeps its files in a subdirectory). */
const dirSize = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((s, e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return s + dirSize(p);
    return s + (fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0);
  }, 0);

/** Fills a store of n keys through batches (the fill is not a figure). */
async function fill(impl, dir, n) {
  const openStore = await load(impl);
  const db = await openStore({ engine: impl.engine, dir, sync: 'never' });
  for (let i = 0; i < n; i += 1000) {
    const ops = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) ops.push({ type: 'set', key: key(j), value: value100 });
    await db.batch(ops);
  }
  await db.close();
}

/** Open + first get in a fresh process; returns { ms, rssPerKey }. */
function openInFreshProcess(impl, dir, n) {
  const script = `
    const { openStore } = await import(${JSON.stringify(pathToFileURL(impl.dist).href)});
    globalThis.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t = performance.now();
    const db = await openStore({ engine: ${JSON.stringify(impl.engine)}, dir: ${JSON.stringify(dir)}, readOnly: true });
    const v = await db.get(${JSON.stringify(key(n >> 1))});
    const ms = performance.now() - t;
    if (v === undefined) throw new Error('first get found nothing');
    const rss = process.memoryUsage().rss - rss0;
    console.log(JSON.stringify({ ms, rss }));
    await db.close();`;
  const out = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${impl.label} open failed: ${out.stderr}`);
  const { ms, rss } = JSON.parse(out.stdout.trim().split('\n').at(-1));
  return { ms, rssPerKey: rss / n };
}

async function seekRandom(impl, dir, n, scans = 1000) {
  const openStore = await load(impl);
  const db = await openStore({ engine: impl.engine, dir, readOnly: true });
  const it0 = db.scan({ gte: key(0), limit: 100 }); // first scan outside the timing (builds bitcask's index)
  for await (const _ of it0);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  const t = performance.now();
  let seen = 0;
  let done = 0;
  // At most `scans` scans or 5 s, whichever comes first (the old bitcask manages a few per second at 1M keys).
  for (; done < scans && (done < 10 || performance.now() - t < 5000); done++) for await (const _ of db.scan({ gte: key(rand()), limit: 100 })) seen++;
  const perSec = (done / (performance.now() - t)) * 1000;
  await db.close();
  if (seen < done * 50) throw new Error(`${impl.label} seekrandom saw only ${seen} entries`);
  return perSec;
}

async function overwriteLoop(impl, dir, options) {
  const openStore = await load(impl);
  const db = await openStore({ engine: impl.engine, dir, sync: 'never', options });
  const value = Buffer.alloc(1024, 0x62);
  let peak = 0;
  const t = performance.now();
  for (let round = 0; round < 300; round++) {
    for (let i = 0; i < 1000; i++) {
      await db.set(key(i), value);
      if (i % 100 === 99) peak = Math.max(peak, dirSize(dir));
    }
  }
  const setsPerSec = (300_000 / (performance.now() - t)) * 1000;
  const stats = await db.stats();
  await db.close();
  return { peakOverLive: peak / (1000 * (16 + 1024)), setsPerSec, merges: stats.mergesSinceOpen };
}

async function pointOps(impl, dir, n) {
  const openStore = await load(impl);
  const db = await openStore({ engine: impl.engine, dir, sync: 'never' });
  let seed = 999;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  let t = performance.now();
  for (let i = 0; i < 100_000; i++) await db.get(key(rand()));
  const gets = (100_000 / (performance.now() - t)) * 1000;
  t = performance.now();
  for (let b = 0; b < 1000; b++) await db.batch(Array.from({ length: 100 }, () => ({ type: 'set', key: key(rand()), value: value100 })));
  const batches = (1000 / (performance.now() - t)) * 1000;
  await db.close();
  return { gets, batches };
}

try {
  const stores = new Map();
  for (const impl of impls) {
    const big = path.join(root, `${impl.label}-big`);
    const small = path.join(root, `${impl.label}-small`);
    if (ONLY.has('open') || ONLY.has('seek')) await fill(impl, big, KEYS);
    if (ONLY.has('seek') || ONLY.has('point')) await fill(impl, small, SEEK_KEYS);
    stores.set(impl.label, { big, small });
  }
  for (let rep = 0; rep < REPS; rep++) {
    for (const impl of impls) {
      const { big, small } = stores.get(impl.label);
      if (ONLY.has('open')) {
        const { ms, rssPerKey } = openInFreshProcess(impl, big, KEYS);
        record(`open ${KEYS} keys until first get (ms)`, impl.label, ms);
        record(`RSS added by that open (B/key)`, impl.label, rssPerKey);
      }
      if (ONLY.has('seek')) {
        record(`seekrandom ${SEEK_KEYS} keys (scans/s)`, impl.label, await seekRandom(impl, small, SEEK_KEYS));
        record(`seekrandom ${KEYS} keys (scans/s)`, impl.label, await seekRandom(impl, big, KEYS));
      }
      if (ONLY.has('point')) {
        const { gets, batches } = await pointOps(impl, small, SEEK_KEYS);
        record('random awaited gets (ops/s)', impl.label, gets);
        record('batches of 100 (batches/s)', impl.label, batches);
      }
      if (ONLY.has('overwrite')) {
        const variants = impl.engine === 'bitcask' ? [['64 MiB files', {}], ['1 MiB files', { maxFileSize: 1 << 20 }]] : [['', {}]];
        for (const [name, options] of variants) {
          const dir = path.join(root, `${impl.label}-ow-${rep}-${name.replace(/\W/g, '')}`);
          const r = await overwriteLoop(impl, dir, options);
          const label = name === '' ? impl.label : `${impl.label} (${name})`;
          record('overwrite loop: peak disk / live', label, r.peakOverLive);
          record('overwrite loop: sets/s', label, r.setsPerSec);
          if (r.merges !== undefined) record('overwrite loop: merges', label, r.merges);
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
      console.error(`rep ${rep + 1}/${REPS} ${impl.label} done`);
    }
  }
  console.log(`bitcask-scale: ${REPS} interleaved reps, medians; node ${process.version}, ${os.cpus().length} cpus`);
  for (const [figure, byLabel] of results) {
    console.log(`\n${figure}`);
    const level = byLabel.get('classic-level');
    for (const [label, xs] of byLabel) {
      const m = median(xs);
      const ratio = level !== undefined && label !== 'classic-level' ? `  ${(m / median(level)).toFixed(2)}x classic-level` : '';
      console.log(`  ${label.padEnd(34)} ${m.toFixed(m < 10 ? 2 : 0).padStart(12)}${ratio}   [${xs.map((x) => x.toFixed(x < 10 ? 2 : 0)).join(', ')}]`);
    }
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
