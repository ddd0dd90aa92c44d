/**
 * Why the LSM memtable is an arena skiplist: inserts of N entries (14-byte keys, 100-byte values)
 * into the engine's SkipList (nodes as integers over typed arrays, keys and values copied into
 * one arena), the object skiplist it replaced (a node object and a `next` array per entry,
 * keeping the caller's buffers), and a sorted array with binary insertion (the simple
 * alternative), in random and in sequential key order; rounds interleaved, median of 5.
 * Figures are in docs/formats/lsm.md (Memtable).
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

/** The object skiplist the arena one replaced (as it was, minus the back links). */
class ObjectSkipList {
  head = { key: Buffer.alloc(0), seq: 0, next: new Array(12).fill(null) };
  height = 1;
  preds = new Array(12);
  insert(key, seq, kind, value) {
    let x = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      for (let n = x.next[level]; n !== null && (compareKeys(n.key, key) || seq - n.seq) < 0; n = x.next[level]) x = n;
      this.preds[level] = x;
    }
    let h = 1;
    while (h < 12 && Math.random() * 4 < 1) h++;
    for (let level = this.height; level < h; level++) this.preds[level] = this.head;
    if (h > this.height) this.height = h;
    const node = { key, seq, kind, value, next: new Array(h).fill(null) };
    for (let level = 0; level < h; level++) {
      node.next[level] = this.preds[level].next[level];
      this.preds[level].next[level] = node;
    }
  }
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
    x = (Math.imul(x, 1103515245) + 12345) >>> 0; // imul: a product in doubles loses bits and cycles early
    out.push(Buffer.from(`key:${String(order === 'random' ? x % 1_000_000_000 : i).padStart(10, '0')}`));
  }
  return out;
}

const candidates = [
  ['arena skiplist (engine)', () => new SkipList()],
  ['object skiplist (before)', () => new ObjectSkipList()],
  ['sorted array', () => new SortedArray()],
];
for (const order of ['random', 'sequential']) {
  const ks = keys(order);
  const times = candidates.map(() => []);
  for (let round = 0; round < 5; round++) {
    candidates.forEach(([, make], c) => {
      const s = make();
      const t = performance.now();
      for (let i = 0; i < ks.length; i++) s.insert(ks[i], i + 1, 1, value);
      times[c].push(performance.now() - t);
    });
  }
  candidates.forEach(([name], c) => {
    const ms = [...times[c]].sort((a, b) => a - b)[2];
    console.log(`${`${name}, ${order}`.padEnd(40)} ${String(Math.round((ks.length / ms) * 1000)).padStart(10)} inserts/s  (${ms.toFixed(1)} ms for ${ks.length}, median of 5)`);
  });
}
