/**
 * The LSM figures quoted in docs and issue notes: kvs's lsm engine next to classic-level
 * (LevelDB 1.2x in C++) in the same run, same keys and values, same machine. Both write without
 * fsync per write (kvs sync "never", classic-level's default sync: false) and use their default
 * tuning (4 MiB write buffer, 4 KiB blocks, 10 bloom bits per key; LevelDB compresses with Snappy,
 * kvs does not, so values are random bytes that neither can compress). For kvs it also reports the
 * write-stall counters of each fill: how often writes waited for a flush or compaction.
 *   npm run build && node bench/lsm-figures.mjs [keys] [valueBytes]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { openStore } from '../dist/index.js';

const N = Number(process.argv[2] ?? 200_000);
const VALUE_BYTES = Number(process.argv[3] ?? 100);
const BATCH = 1000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-lsm-figures-'));

let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const key = (i) => Buffer.from(`key:${String(i).padStart(10, '0')}`);
/** A random permutation of 0..N-1: the random fill order. */
const order = Array.from({ length: N }, (_, i) => i);
for (let i = N - 1; i > 0; i--) {
  const j = random() % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
const values = Array.from({ length: N }, () => {
  const v = Buffer.allocUnsafe(VALUE_BYTES);
  for (let j = 0; j < VALUE_BYTES; j++) v[j] = random() >>> 24; // high bits: the low byte of this LCG has period 256
  return v;
});
const value = (i) => values[i];
const userBytes = N * (key(0).length + VALUE_BYTES);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ops, ms) => Math.round((ops / ms) * 1000);
const dirSize = (dir) => fs.readdirSync(dir).reduce((s, f) => s + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0);

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
    writeAmp: async (db) => (await db.stats()).writeAmplification,
    /** Writes that waited for a flush or for compaction (the write-stall rule), and flushes run, during the fill. */
    stalls: async (db) => {
      const s = await db.stats();
      return `${s.writeStallsSinceOpen} stalls, ${s.writeSlowdownsSinceOpen} slowdowns, ${s.flushesSinceOpen} flushes, ${s.compactionsSinceOpen} compactions`;
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
    get: (db, k) => db.get(k),
    scan: async (db) => {
      let n = 0;
      for await (const _ of db.iterator()) n++;
      return n;
    },
    // LevelDB's own compaction table: the "Write(MB)" column sums flush and compaction output per level.
    writeAmp: async (db) => {
      const stats = await db.getProperty('leveldb.stats');
      let mb = 0;
      for (const line of stats.split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (/^\d+$/.test(cols[0] ?? '') && cols.length >= 6) mb += Number(cols[5]);
      }
      return Math.round(((mb * 1048576) / userBytes) * 100) / 100;
    },
    close: (db) => db.close(),
  },
};

const results = {};
const report = (engine, name, figure, unit) => {
  (results[name] ??= { unit })[engine] = figure;
  console.log(`${engine.padEnd(14)} ${name.padEnd(40)} ${String(figure).padStart(12)} ${unit}`);
};

try {
  for (const [name, e] of Object.entries(engines)) {
    // Random fill, one awaited write at a time.
    const dir = path.join(root, `${name.replace(/\W/g, '-')}-single`);
    let db = await e.open(dir);
    let t = performance.now();
    for (let i = 0; i < N; i++) await e.put(db, key(order[i]), value(order[i]));
    report(name, `random fill, single writes`, rate(N, performance.now() - t), 'writes/s');
    report(name, 'write amplification of the fill', await e.writeAmp(db), 'x user bytes');
    if (e.stalls) report(name, 'write stalls during the fill', await e.stalls(db), '');
    await e.close(db);
    report(name, 'on-disk size after the fill', Math.round((dirSize(dir) / 1048576) * 10) / 10, `MiB (user data ${Math.round((userBytes / 1048576) * 10) / 10} MiB)`);

    // Random fill in batches.
    const bdir = path.join(root, `${name.replace(/\W/g, '-')}-batch`);
    const bdb = await e.open(bdir);
    t = performance.now();
    for (let i = 0; i < N; i += BATCH) await e.batch(bdb, order.slice(i, i + BATCH).map((k) => [key(k), value(k)]));
    report(name, `random fill, batches of ${BATCH}`, rate(N, performance.now() - t), 'writes/s');
    if (e.stalls) report(name, 'write stalls during the batched fill', await e.stalls(bdb), '');
    await e.close(bdb);

    // Reopen: open until the first get returns, median of 5.
    const opens = [];
    for (let r = 0; r < 5; r++) {
      t = performance.now();
      db = await e.open(dir);
      await e.get(db, key(order[r]));
      opens.push(performance.now() - t);
      if (r < 4) await e.close(db);
    }
    report(name, 'reopen until the first get returns', Math.round(median(opens) * 10) / 10, 'ms (median of 5)');

    // Random reads of existing keys.
    const READS = Math.min(N, 200_000);
    t = performance.now();
    for (let i = 0; i < READS; i++) {
      const v = await e.get(db, key(random() % N));
      if (v === undefined) throw new Error(`${name}: a key written is missing`);
    }
    report(name, 'random read, existing keys', rate(READS, performance.now() - t), 'reads/s');

    // Full sequential scan.
    t = performance.now();
    const seen = await e.scan(db);
    if (seen !== N) throw new Error(`${name}: scan saw ${seen} of ${N} keys`);
    report(name, 'sequential scan of every key', rate(N, performance.now() - t), 'entries/s');
    await e.close(db);
  }
  console.log(`\n${N} keys of ${key(0).length} B, values of ${VALUE_BYTES} B, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
  console.log('| figure | kvs lsm | classic-level | unit |\n|---|---:|---:|---|');
  for (const [name, r] of Object.entries(results)) console.log(`| ${name} | ${r['kvs lsm'] ?? '-'} | ${r['classic-level'] ?? '-'} | ${r.unit} |`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
