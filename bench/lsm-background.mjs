/**
 * Background work of kvs's lsm engine next to classic-level (LevelDB) in one run: the figures of
 * issue 12 items 3 and 5. Each engine in turn, rounds interleaved, medians of the rounds:
 * - readwhilewriting: random gets of present keys while a second task overwrites random keys as
 *   fast as the store takes them (one event loop, as two clients of one process); p50/p99/p99.9 of
 *   the reads and the longest event-loop block seen by a 1 ms timer;
 * - overwrite: 1,000 keys x 1 KiB, 300 times, sync never, no manual compact: peak disk (sampled
 *   every 100 writes) as a multiple of the live data, and the longest single write;
 * - reopen of a store of `reopenKeys` keys (16 B keys, 100 B values) until the first get returns.
 * kvs lsm runs twice: with its background thread (default) and with `backgroundThread: false`.
 *   npm run build && node bench/lsm-background.mjs [rounds=3] [reopenKeys=1000000] [values=random|text]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { openStore } from '../dist/index.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const REOPEN_KEYS = Number(process.argv[3] ?? 1_000_000);
const TEXT = process.argv[4] === 'text';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-lsm-background-'));

let seed = 4242;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const WORDS = 'the quick brown fox jumps over a lazy dog while seven engineers measure disks '.split(' ');
function value(n) {
  const v = Buffer.allocUnsafe(n);
  if (TEXT) {
    let at = 0;
    while (at < n) at += v.write(`${WORDS[random() % WORDS.length]} `, at);
  } else for (let j = 0; j < n; j++) v[j] = random() >>> 24;
  return v;
}
const key = (i) => Buffer.from(`key:${String(i).padStart(12, '0')}`);
const dirSize = (dir) => fs.readdirSync(dir).reduce((s, f) => s + (fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const kvs = (options) => ({
  open: (dir) => openStore({ engine: 'lsm', dir, sync: 'never', options }),
  set: (db, k, v) => db.set(k, v),
  batch: (db, kvs) => db.batch(kvs.map(([k, v]) => ({ type: 'set', key: k, value: v }))),
  get: (db, k) => db.get(k),
  close: (db) => db.close(),
});
const engines = {
  'kvs lsm (thread)': kvs({}),
  'kvs lsm (event loop)': kvs({ backgroundThread: false }),
  'classic-level': {
    open: async (dir) => {
      const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      return db;
    },
    set: (db, k, v) => db.put(k, v),
    batch: (db, kvs) => db.batch(kvs.map(([k, v]) => ({ type: 'put', key: k, value: v }))),
    get: (db, k) => db.getSync(k), // its fastest read, as kvs's level adapter uses
    close: (db) => db.close(),
  },
};

/** The longest gap between ticks of a 1 ms timer while `fn` runs: how long the event loop was blocked. */
async function loopBlock(fn) {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last);
    last = t;
  }, 1);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return worst;
}

async function readWhileWriting(e, dir) {
  const N = 100_000;
  const db = await e.open(dir);
  for (let i = 0; i < N; i += 1000) await e.batch(db, Array.from({ length: 1000 }, (_, j) => [key(i + j), value(100)]));
  const lat = [];
  let stop = false;
  let writes = 0;
  const blocked = await loopBlock(async () => {
    const writer = (async () => {
      while (!stop) {
        await e.set(db, key(random() % N), value(100));
        // A client's next request arrives from the network: one turn of the event loop per write.
        if (++writes % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) {
      const t = performance.now();
      await e.get(db, key(random() % N));
      lat.push(performance.now() - t);
      if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    lat.elapsed = performance.now() - t0;
    stop = true;
    await writer;
  });
  await e.close(db);
  lat.sort((a, b) => a - b);
  return { reads: Math.round((lat.length / lat.elapsed) * 1000), p50: pct(lat, 0.5) * 1000, p99: pct(lat, 0.99) * 1000, p999: pct(lat, 0.999) * 1000, writes, rwwBlocked: blocked };
}

async function overwrite(e, dir) {
  const db = await e.open(dir);
  const live = 1000 * (key(0).length + 1024);
  let peak = 0;
  let slowest = 0;
  const blocked = await loopBlock(async () => {
    for (let round = 0; round < 300; round++) {
      for (let k = 0; k < 1000; k++) {
        const t = performance.now();
        await e.set(db, key(k), value(1024));
        slowest = Math.max(slowest, performance.now() - t);
        if (k % 100 === 0) peak = Math.max(peak, dirSize(dir));
      }
    }
  });
  peak = Math.max(peak, dirSize(dir));
  await e.close(db);
  return { peakX: peak / live, slowestWriteMs: slowest, owBlocked: blocked };
}

async function reopen(e, dir) {
  const db = await e.open(dir);
  for (let i = 0; i < REOPEN_KEYS; i += 1000) await e.batch(db, Array.from({ length: 1000 }, (_, j) => [key(i + j), value(100)]));
  await e.close(db);
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const again = await e.open(dir);
    await e.get(again, key(r * 7919));
    times.push(performance.now() - t);
    await e.close(again);
  }
  return { reopenMs: median(times) };
}

const results = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, e] of Object.entries(engines)) {
      const tag = `${name.replace(/\W+/g, '-')}-${round}`;
      const r = { ...(await readWhileWriting(e, path.join(root, `${tag}-rww`))), ...(await overwrite(e, path.join(root, `${tag}-ow`))) };
      if (round === 0) Object.assign(r, await reopen(e, path.join(root, `${tag}-reopen`)));
      for (const [k, v] of Object.entries(r)) ((results[name] ??= {})[k] ??= []).push(v);
      console.error(`round ${round + 1}/${ROUNDS} ${name}: ${JSON.stringify(r, (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
      fs.rmSync(path.join(root, `${tag}-rww`), { recursive: true, force: true });
    }
  }
  const figures = [
    ['readwhilewriting reads/s', 'reads'],
    ['readwhilewriting read p50 µs', 'p50'],
    ['readwhilewriting read p99 µs', 'p99'],
    ['readwhilewriting read p99.9 µs', 'p999'],
    ['readwhilewriting writes done', 'writes'],
    ['readwhilewriting longest loop block ms', 'rwwBlocked'],
    [`overwrite peak disk, x live (${TEXT ? 'text' : 'random'} values)`, 'peakX'],
    ['overwrite slowest write ms', 'slowestWriteMs'],
    ['overwrite longest loop block ms', 'owBlocked'],
    [`reopen of ${REOPEN_KEYS} keys until first get ms`, 'reopenMs'],
  ];
  const names = Object.keys(engines);
  console.log(`\n${ROUNDS} round(s), medians; Node ${process.version}, ${os.cpus().length} cores`);
  console.log(`| figure | ${names.join(' | ')} | lsm thread / classic-level |\n|---|${names.map(() => '---:|').join('')}---:|`);
  for (const [label, k] of figures) {
    const m = names.map((n) => median(results[n][k]));
    const ratio = m[2] === 0 ? '-' : (m[0] / m[2]).toFixed(2);
    console.log(`| ${label} | ${m.map((x) => (x >= 100 ? Math.round(x) : Math.round(x * 10) / 10)).join(' | ')} | ${ratio}x |`);
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
