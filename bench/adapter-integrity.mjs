/**
 * What the adapters' integrity checks cost, in one run, interleaved and repeated (medians):
 *  - level reopen: kvs's open (every log record and live table block checked, then LevelDB's
 *    open) against classic-level's own open of the same folder, unchecked;
 *  - rocksdb full scan: kvs's scan (each page of values re-read with a checksum-verified
 *    getMany) against the binding's bare iterator, unverified.
 * Values are random bytes (nothing compresses). The machine is shared: read the ratios.
 *   npm run build && node bench/adapter-integrity.mjs [keys] [valueBytes] [rounds]
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { openStore } from '../dist/index.js';

const N = Number(process.argv[2] ?? 200_000);
const VALUE_BYTES = Number(process.argv[3] ?? 100);
const ROUNDS = Number(process.argv[4] ?? 7);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-adapter-integrity-'));
const rocks = createRequire(import.meta.url)('rocksdb');
const call = (fn) => new Promise((resolve, reject) => fn((err, r) => (err ? reject(err) : resolve(r))));

let seed = 4242;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function fill(engine) {
  const dir = path.join(root, engine);
  const db = await openStore({ engine, dir, sync: 'never' });
  for (let i = 0; i < N; i += 1000) {
    const ops = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      const v = Buffer.allocUnsafe(VALUE_BYTES);
      for (let b = 0; b < VALUE_BYTES; b++) v[b] = random() >>> 24;
      ops.push({ type: 'set', key: `key:${String(j).padStart(10, '0')}`, value: v });
    }
    await db.batch(ops);
  }
  await db.close();
  return dir;
}

/** Wall and CPU milliseconds of `fn`. */
async function timed(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await fn();
  const c = process.cpuUsage(cpu);
  return { wall: performance.now() - t, cpu: (c.user + c.system) / 1000 };
}

const levelDir = await fill('level');
const rocksDir = await fill('rocksdb');
const sizeOf = (dir) => fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
console.log(`${N} keys x ${VALUE_BYTES} B; leveldb/ ${(sizeOf(path.join(levelDir, 'leveldb')) / 2 ** 20).toFixed(1)} MiB, rocksdb/ ${(sizeOf(path.join(rocksDir, 'rocksdb')) / 2 ** 20).toFixed(1)} MiB; ${ROUNDS} rounds, interleaved`);

const runs = { kvsOpen: [], bareOpen: [], kvsScan: [], bareScan: [] };
for (let r = 0; r < ROUNDS; r++) {
  runs.kvsOpen.push(await timed(async () => (await openStore({ dir: levelDir })).close()));
  runs.bareOpen.push(await timed(async () => {
    const db = new ClassicLevel(path.join(levelDir, 'leveldb'));
    await db.open({ createIfMissing: false });
    await db.close();
  }));
  const kvs = await openStore({ dir: rocksDir, readOnly: true });
  runs.kvsScan.push(await timed(async () => {
    let n = 0;
    for await (const _ of kvs.scan()) n++;
    if (n !== N) throw new Error(`scanned ${n}`);
  }));
  await kvs.close();
  const bare = rocks(path.join(rocksDir, 'rocksdb'));
  await call((cb) => bare.open({ readOnly: true, createIfMissing: false }, cb));
  runs.bareScan.push(await timed(async () => {
    const it = bare.iterator({ keyAsBuffer: true, valueAsBuffer: true });
    let n = 0;
    while ((await call((cb) => it.next((err, k) => cb(err, k)))) !== undefined) n++;
    await call((cb) => it.end(cb));
    if (n !== N) throw new Error(`bare scanned ${n}`);
  }));
  await call((cb) => bare.close(cb));
}

const line = (label, a, b) => {
  const wa = median(a.map((x) => x.wall));
  const wb = median(b.map((x) => x.wall));
  const ca = median(a.map((x) => x.cpu));
  const cb = median(b.map((x) => x.cpu));
  console.log(`${label.padEnd(34)} checked ${wa.toFixed(1)} ms (cpu ${ca.toFixed(1)})  bare ${wb.toFixed(1)} ms (cpu ${cb.toFixed(1)})  ratio wall ${(wa / wb).toFixed(2)}x cpu ${(ca / cb).toFixed(2)}x`);
};
line('level reopen (open + close)', runs.kvsOpen, runs.bareOpen);
line('rocksdb full scan', runs.kvsScan, runs.bareScan);
fs.rmSync(root, { recursive: true, force: true });
