/**
 * What kvs's scan visibility costs (issue 16): a scan sees writes made ahead of its cursor while it
 * runs and never yields a key twice, so an engine whose iterators are snapshots (lsm over its
 * memtable, level, rocksdb) must re-position after a write made during the scan. This times a full
 * scan of N keys three ways in the same run, interleaved over ROUNDS rounds (medians):
 *   quiet   no writes during the scan
 *   ahead   one set every EVERY entries, to a key ahead of the cursor (the scan must see it)
 *   behind  one set every EVERY entries, to a key the cursor has passed (must not be yielded twice)
 * and prints each engine's ratio of ahead/behind to quiet: the price of the promise.
 *   npm run build && node bench/scan-visibility.mjs [keys=100000] [every=100] [rounds=5] [engines=lsm,bitcask,level]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../dist/index.js';

const N = Number(process.argv[2] ?? 100_000);
const EVERY = Number(process.argv[3] ?? 100);
const ROUNDS = Number(process.argv[4] ?? 5);
const ENGINES = (process.argv[5] ?? 'lsm,bitcask,level').split(',');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-scan-visibility-'));
const key = (i) => `key:${String(i).padStart(10, '0')}`;
const value = Buffer.alloc(100, 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function scanOnce(db, mode) {
  let n = 0;
  const start = process.hrtime.bigint();
  for await (const [k] of db.scan()) {
    if (mode !== 'quiet' && ++n % EVERY === 0) {
      const i = Number(k.toString().slice(4));
      // ahead: a key between this one and the next (keys sort by their padded number; "!" sorts early)
      await db.set(mode === 'ahead' ? `${key(Math.min(i + EVERY, N - 1))}!` : `${key(Math.max(i - EVERY, 0))}!`, value);
    }
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const stores = {};
for (const engine of ENGINES) {
  const db = await openStore({ engine, dir: path.join(root, engine), sync: 'never' });
  for (let i = 0; i < N; i += 1000) {
    await db.batch(Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ type: 'set', key: key(i + j), value })));
  }
  stores[engine] = db;
}
const times = Object.fromEntries(ENGINES.map((e) => [e, { quiet: [], ahead: [], behind: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const engine of ENGINES) {
    for (const mode of ['quiet', 'ahead', 'behind']) times[engine][mode].push(await scanOnce(stores[engine], mode));
  }
}
console.log(`full scan of ${N} keys, a set every ${EVERY} entries, ${ROUNDS} rounds interleaved (median ms)`);
console.log('engine     quiet    ahead    behind   ahead/quiet  behind/quiet');
for (const engine of ENGINES) {
  const [q, a, b] = ['quiet', 'ahead', 'behind'].map((m) => median(times[engine][m]));
  console.log(`${engine.padEnd(9)} ${q.toFixed(1).padStart(7)} ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(9)} ${(a / q).toFixed(2).padStart(11)}x ${(b / q).toFixed(2).padStart(12)}x`);
  await stores[engine].close();
}
fs.rmSync(root, { recursive: true, force: true });
