/**
 * Why the LSM memtable is a skiplist: inserts and a full ordered read of N entries into the
 * engine's SkipList versus a sorted array with binary insertion (the simple alternative),
 * in random and in sequential key order. Figures are in src/engines/lsm/memtable/skiplist.ts.
 *   npm run build && node bench/lsm-memtable.mjs [entries]
 */
import { SkipList } from '../dist/engines/lsm/memtable/skiplist.js';

const N = Number(process.argv[2] ?? 40_000); // about a 4 MiB memtable of 100-byte values
const value = Buffer.alloc(100, 0x61);

/** The same key comparison the skiplist uses (JavaScript loop for short keys). */
function compareKeys(a, b) {
  const n = a.length < b.length ? a.length : b.length;
  if (n > 32) return Buffer.compare(a, b);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** The alternative: entries kept sorted in one array, each insert a binary search and a splice. */
class SortedArray {
  entries = [];
  insert(key, seq, kind, value) {
    const a = this.entries;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = a[mid];
      const c = compareKeys(e.key, key) || seq - e.seq;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    a.splice(lo, 0, { key, seq, kind, value });
  }
  scan() {
    let n = 0;
    for (const e of this.entries) n += e.key.length;
    return n;
  }
}

function keys(order) {
  const out = [];
  let x = 42;
  for (let i = 0; i < N; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(Buffer.from(`key:${String(order === 'random' ? x % 1_000_000_000 : i).padStart(10, '0')}`));
  }
  return out;
}

function run(name, make, ks) {
  const times = [];
  for (let round = 0; round < 5; round++) {
    const s = make();
    const t = performance.now();
    for (let i = 0; i < ks.length; i++) s.insert(ks[i], i + 1, 1, value);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const ms = times[2];
  console.log(`${name.padEnd(34)} ${String(Math.round((ks.length / ms) * 1000)).padStart(10)} inserts/s  (${ms.toFixed(1)} ms for ${ks.length}, median of 5)`);
}

for (const order of ['random', 'sequential']) {
  const ks = keys(order);
  run(`skiplist, ${order}`, () => new SkipList(), ks);
  run(`sorted array, ${order}`, () => new SortedArray(), ks);
}
