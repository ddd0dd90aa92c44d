/**
 * The LSM figures quoted in docs and issue notes: kvs's lsm engine next to classic-level
 * (LevelDB 1.2x in C++) in the same run, same keys and values, same machine. Both write without
 * fsync per write (kvs sync "never", classic-level's default sync: false) and use their default
 * tuning (4 MiB write buffer, 4 KiB blocks, 10 bloom bits per key). classic-level is called
 * through its fastest paths: getSync() for reads, batch() for batched writes. Values are random
 * bytes (neither engine can compress them) unless VALUES=text.
 *
 * Rounds are interleaved (each engine runs round r before either runs round r + 1), so machine
 * noise spreads over both; each figure is the median of its rounds, and the ratio column is
 * lsm / classic-level from this one run (> 1 means lsm is faster, for rates).
 *   npm run build && node bench/lsm-figures.mjs [keys=100000] [valueBytes=100] [rounds=5]
 *   FIGURES=reads,batch,single,reopen,scan (default: all) picks the phases to run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { openStore } from '../dist/index.js';

const N = Number(process.argv[2] ?? 100_000);
const VALUE_BYTES = Number(process.argv[3] ?? 100);
const ROUNDS = Number(process.argv[4] ?? 5);
const FIGURES = new Set((process.env.FIGURES ?? 'reads,batch,single,reopen,scan').split(','));
const BATCH = 1000;
const READS = Math.min(N, 100_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-lsm-figures-'));

let seed = 12345;
// Math.imul: the product in doubles would lose its low bits and the sequence would collapse into a short cycle.
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
const key = (i) => Buffer.from(`key:${String(i).padStart(10, '0')}`);
/** Inside the key range but never written (bloom filters must answer). */
const missingKey = (i) => Buffer.from(`key:${String(i).padStart(10, '0')}~`);
/** A random permutation of 0..N-1: the random fill order. */
const order = Array.from({ length: N }, (_, i) => i);
for (let i = N - 1; i > 0; i--) {
  const j = random() % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
const text = 'the quick brown fox jumps over the lazy dog; ';
const values = Array.from({ length: N }, (_, i) => {
  if (process.env.VALUES === 'text') return Buffer.from(`${i}:`.padEnd(VALUE_BYTES, text).slice(0, VALUE_BYTES));
  const v = Buffer.allocUnsafe(VALUE_BYTES);
  for (let j = 0; j < VALUE_BYTES; j++) v[j] = random() >>> 24; // high bits: the low byte of this LCG has period 256
  return v;
});
const readOrder = Array.from({ length: READS }, () => random() % N);
const userBytes = N * (key(0).length + VALUE_BYTES);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dirSize = (dir) => fs.readdirSync(dir).reduce((s, f) => s + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** The same operations over both stores. */
const engines = {
  'kvs lsm': {
    open: (dir) => openStore({ engine: 'lsm', dir, sync: 'never' }),
    put: (db, k, v) => db.set(k, v),
    batch: (db, ops) => db.batch(ops.map(([k, v]) => ({ type: 'set', key: k, value: v }))),
    get: (db, k) => db.get(k),
    scan: async (db) => {
      let n = 0;
      for await (const _ of db.scan()) n++;
      return n;
    },
    close: (db) => db.close(),
  },
  'classic-level': {
    open: async (dir) => {
      const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      return db;
    },
    put: (db, k, v) => db.put(k, v),
    batch: (db, ops) => db.batch(ops.map(([k, v]) => ({ type: 'put', key: k, value: v }))),
    get: (db, k) => db.getSync(k),
    scan: async (db) => {
      let n = 0;
      for await (const _ of db.iterator()) n++;
      return n;
    },
    close: (db) => db.close(),
  },
};
const names = Object.keys(engines);
const dirOf = (name, what, r = 0) => path.join(root, `${name.replace(/\W/g, '-')}-${what}-${r}`);

/** samples[figure][engine] = [{ rate, cpu }] */
const samples = {};
const units = {};
const record = (figure, unit, engine, ops, ms, cpu) => {
  units[figure] = unit;
  ((samples[figure] ??= {})[engine] ??= []).push({ rate: (ops / ms) * 1000, cpu: cpu / ops, ms });
};

/** One timed pass of `ops` operations; `body` runs them. */
async function timed(figure, unit, engine, ops, body) {
  const c = cpuUs();
  const t = performance.now();
  await body();
  record(figure, unit, engine, ops, performance.now() - t, cpuUs() - c);
}

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of names) {
      const e = engines[name];
      if (FIGURES.has('batch')) {
        const db = await e.open(dirOf(name, 'batch', r));
        await timed(`random fill, batches of ${BATCH}`, 'writes/s', name, N, async () => {
          for (let i = 0; i < N; i += BATCH) await e.batch(db, order.slice(i, i + BATCH).map((k) => [key(k), values[k]]));
        });
        await e.close(db);
        if (r > 0) fs.rmSync(dirOf(name, 'batch', r), { recursive: true, force: true });
      }
      if (FIGURES.has('single')) {
        const db = await e.open(dirOf(name, 'single', r));
        const n = Math.min(N, 50_000);
        await timed(`random fill, ${n} awaited single writes`, 'writes/s', name, n, async () => {
          for (let i = 0; i < n; i++) await e.put(db, key(order[i]), values[order[i]]);
        });
        await e.close(db);
        fs.rmSync(dirOf(name, 'single', r), { recursive: true, force: true });
      }
    }
  }

  // Reads run over the round-0 batch-filled store, or a fresh one if batch was not measured.
  const stores = {};
  for (const name of names) {
    const e = engines[name];
    const dir = dirOf(name, 'batch', 0);
    if (!fs.existsSync(dir)) {
      const db = await e.open(dir);
      for (let i = 0; i < N; i += BATCH) await e.batch(db, order.slice(i, i + BATCH).map((k) => [key(k), values[k]]));
      await e.close(db);
    }
    console.log(`${name.padEnd(14)} on-disk size after the batched fill: ${(dirSize(dir) / 1048576).toFixed(1)} MiB (user data ${(userBytes / 1048576).toFixed(1)} MiB)`);
  }
  if (FIGURES.has('reopen')) {
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of names) {
        const e = engines[name];
        const t = performance.now();
        const db = await e.open(dirOf(name, 'batch', 0));
        await e.get(db, key(order[r]));
        record('reopen until the first get returns', 'ms', name, 1, performance.now() - t, 0);
        await e.close(db);
      }
    }
  }
  for (const name of names) stores[name] = await engines[name].open(dirOf(name, 'batch', 0));
  if (FIGURES.has('reads')) {
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of names) {
        const e = engines[name];
        const db = stores[name];
        await timed('random get, present keys', 'gets/s', name, READS, async () => {
          for (let i = 0; i < READS; i++) if ((await e.get(db, key(readOrder[i]))) === undefined) throw new Error(`${name}: a key written is missing`);
        });
        await timed('random get, missing keys', 'gets/s', name, READS, async () => {
          for (let i = 0; i < READS; i++) if ((await e.get(db, missingKey(readOrder[i]))) !== undefined) throw new Error(`${name}: a key never written was found`);
        });
      }
    }
  }
  if (FIGURES.has('scan')) {
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of names) {
        await timed('sequential scan of every key', 'entries/s', name, N, async () => {
          const seen = await engines[name].scan(stores[name]);
          if (seen !== N) throw new Error(`${name}: scan saw ${seen} of ${N} keys`);
        });
      }
    }
  }
  for (const name of names) await engines[name].close(stores[name]);

  console.log(`\n${N} keys of ${key(0).length} B, values of ${VALUE_BYTES} B (${process.env.VALUES ?? 'random'}), ${ROUNDS} interleaved rounds, medians; Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
  console.log('| figure | kvs lsm | classic-level | lsm / classic | CPU µs/op lsm | CPU µs/op classic |\n|---|---:|---:|---:|---:|---:|');
  for (const [figure, byEngine] of Object.entries(samples)) {
    const [a, b] = names.map((n) => byEngine[n] ?? []);
    const ms = units[figure] === 'ms';
    const fig = (xs) => (ms ? median(xs.map((x) => x.ms)).toFixed(1) : Math.round(median(xs.map((x) => x.rate))));
    const cpu = (xs) => (ms ? '-' : median(xs.map((x) => x.cpu)).toFixed(2));
    const ratio = ms ? median(b.map((x) => x.ms)) / median(a.map((x) => x.ms)) : median(a.map((x) => x.rate)) / median(b.map((x) => x.rate));
    console.log(`| ${figure} (${units[figure]}) | ${fig(a)} | ${fig(b)} | ${ratio.toFixed(2)}x | ${cpu(a)} | ${cpu(b)} |`);
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
