// What a callback/promise binding costs on a single get: the same LevelDB store read with
// classic-level's async get() (a libuv thread-pool round trip, as the callback `sqlite3` binding
// does for every query) and with its synchronous getSync() (as better-sqlite3 does).
// Usage: node bench/sync-vs-async-get.mjs [keys=10000] [rounds=5]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';

const KEYS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-hop-'));
const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
await db.open();
const key = (i) => Buffer.from(`key:${String(i).padStart(8, '0')}`);
await db.batch(Array.from({ length: KEYS }, (_, i) => ({ type: 'put', key: key(i), value: Buffer.alloc(100, 1) })));
const order = Array.from({ length: KEYS }, (_, i) => (i * 7919 + 13) % KEYS);
const asyncUs = [];
const syncUs = [];
for (let r = 0; r < ROUNDS; r++) {
  let t = process.hrtime.bigint();
  for (const i of order) await db.get(key(i));
  asyncUs.push(Number(process.hrtime.bigint() - t) / KEYS / 1000);
  t = process.hrtime.bigint();
  for (const i of order) db.getSync(key(i));
  syncUs.push(Number(process.hrtime.bigint() - t) / KEYS / 1000);
}
await db.close();
fs.rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`keys=${KEYS} rounds=${ROUNDS}: async get ${median(asyncUs).toFixed(2)} µs/op, getSync ${median(syncUs).toFixed(2)} µs/op, ratio ${(median(asyncUs) / median(syncUs)).toFixed(1)}x`);
