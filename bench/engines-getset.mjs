// Side-by-side single get and single set on every engine, through the public API (dist/).
// Usage: npm run build && node bench/engines-getset.mjs [keys=10000] [rounds=5] [sync=never]
// With KVS_REDIS_URL set (a Redis server to use; its kvs-bench namespace is emptied afterwards)
// the redis engine runs too; it supports only sync "never".
// Rounds are interleaved (every engine runs round r before any runs round r+1), so machine noise
// spreads over all engines alike; the figure per engine is the median of its rounds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../dist/index.js';

const KEYS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const SYNC = process.argv[4] ?? 'never';
const OPS = Math.min(KEYS, 5_000); // operations timed per round and kind
const REDIS_URL = process.env.KVS_REDIS_URL;
const ENGINES = ['bitcask', 'lsm', 'level', 'sqlite', 'lmdb', 'rocksdb', ...(REDIS_URL && SYNC === 'never' ? ['redis'] : [])];
const VALUE = Buffer.alloc(100, 0x76);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-getset-'));
const key = (i) => `key:${String(i).padStart(8, '0')}`;
// One fixed pseudo-random visiting order, the same for every engine.
const order = Array.from({ length: OPS }, (_, i) => (i * 7919 + 13) % KEYS);

const stores = {};
for (const engine of ENGINES) {
  const db = engine === 'redis'
    ? await openStore({ engine, url: REDIS_URL, sync: SYNC, options: { namespace: 'kvs-bench' } })
    : await openStore({ engine, dir: path.join(root, engine), sync: SYNC });
  await db.batch(Array.from({ length: KEYS }, (_, i) => ({ type: 'set', key: key(i), value: VALUE })));
  stores[engine] = db;
}

const samples = Object.fromEntries(ENGINES.map((e) => [e, { get: [], set: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const engine of ENGINES) {
    const db = stores[engine];
    let t = process.hrtime.bigint();
    for (const i of order) if ((await db.get(key(i))) === undefined) throw new Error(`${engine}: ${key(i)} missing`);
    samples[engine].get.push(Number(process.hrtime.bigint() - t) / OPS / 1000);
    // A new value each round: SQLite skips writing (and fsyncing) a row rewritten with identical bytes.
    const value = Buffer.alloc(VALUE.length, round + 1);
    t = process.hrtime.bigint();
    for (const i of order) await db.set(key(i), value);
    samples[engine].set.push(Number(process.hrtime.bigint() - t) / OPS / 1000);
  }
}
if (stores.redis) {
  for (let i = 0; i < KEYS; i += 1000) await stores.redis.batch(Array.from({ length: Math.min(1000, KEYS - i) }, (_, j) => ({ type: 'delete', key: key(i + j) })));
}
for (const db of Object.values(stores)) await db.close();
fs.rmSync(root, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = { get: median(samples.bitcask.get), set: median(samples.bitcask.set) };
console.log(`keys=${KEYS} rounds=${ROUNDS} ops/round=${OPS} sync=${SYNC} value=${VALUE.length}B node ${process.version}`);
console.log('engine    get µs/op  (x bitcask)   set µs/op  (x bitcask)');
for (const engine of ENGINES) {
  const g = median(samples[engine].get);
  const s = median(samples[engine].set);
  console.log(`${engine.padEnd(9)} ${g.toFixed(2).padStart(9)}  (${(g / base.get).toFixed(2)}x) ${s.toFixed(2).padStart(12)}  (${(s / base.set).toFixed(2)}x)`);
}
