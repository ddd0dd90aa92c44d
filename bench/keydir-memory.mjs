/**
 * Memory and speed of the Bitcask keydir against a plain Map baseline, at 1M keys.
 * Plain JavaScript over the compiled dist/ because Node 20 cannot run TypeScript directly:
 *   npx tsc -p tsconfig.build.json && node --expose-gc bench/keydir-memory.mjs [keys]
 */
import { Keydir } from '../dist/engines/bitcask/keydir.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RANDOM_KEY_BYTES = 16;

if (typeof globalThis.gc !== 'function') {
  console.error('run with: node --expose-gc bench/keydir-memory.mjs');
  process.exit(1);
}

/** Bytes held for JavaScript: the heap plus `external`, which already includes `arrayBuffers`. */
function heldBytes() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** xorshift32, seeded, so both structures see the same random keys. */
function prng(seed) {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** Writes key `i` of a workload into `out` (no allocation) and returns its length. */
const workloads = {
  'user:%08d': { length: 13, write: (i, out) => out.write(`user:${String(i).padStart(8, '0')}`, 0, 'latin1') },
  random16: {
    length: RANDOM_KEY_BYTES,
    write: (i, out) => {
      const next = prng(i * 2654435761 + 1);
      for (let b = 0; b < RANDOM_KEY_BYTES; b += 4) out.writeUInt32LE(next(), b);
      return RANDOM_KEY_BYTES;
    },
  },
};

/** Bytes/key of a structure built by `build`, which must return it (so it stays reachable). */
function measure(build) {
  const before = heldBytes();
  const kept = build();
  const after = heldBytes();
  return { kept, perKey: (after - before) / N };
}

function buildKeydir(w) {
  const kd = new Keydir();
  const scratch = Buffer.alloc(w.length);
  for (let i = 0; i < N; i++) {
    w.write(i, scratch);
    kd.insert(scratch, i & 7, i * 64, 100, 1_700_000_000);
  }
  return kd;
}

function buildMap(w) {
  const map = new Map();
  const scratch = Buffer.alloc(w.length);
  for (let i = 0; i < N; i++) {
    w.write(i, scratch);
    map.set(scratch.toString('latin1'), { fileId: i & 7, offset: i * 64, valueSize: 100, timestamp: 1_700_000_000 });
  }
  return map;
}

/** Ops/s of `op` over every key index, with keys prepared beforehand so only the structure is timed. */
function throughput(op) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) op(i);
  return N / (Number(process.hrtime.bigint() - start) / 1e9);
}

function speed(w) {
  const buffers = [];
  const strings = [];
  for (let i = 0; i < N; i++) {
    const b = Buffer.alloc(w.length);
    w.write(i, b);
    buffers.push(b);
    strings.push(b.toString('latin1'));
  }
  // Look keys up in a shuffled order: in insertion order the keydir's columns and arena would
  // be read sequentially, a cache advantage real reads do not get.
  const order = new Uint32Array(N).map((_, i) => i);
  const next = prng(42);
  for (let i = N - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  globalThis.gc();
  const kd = new Keydir();
  const kdInsert = throughput((i) => kd.insert(buffers[i], 1, i, 100, 1_700_000_000));
  let found = 0;
  const kdFind = throughput((i) => (found += kd.find(buffers[order[i]]) >= 0 ? 1 : 0));
  const map = new Map();
  const mapInsert = throughput((i) => map.set(strings[i], { fileId: 1, offset: i, valueSize: 100, timestamp: 1_700_000_000 }));
  const mapFind = throughput((i) => (found += map.get(strings[order[i]]) !== undefined ? 1 : 0));
  // An engine is handed key bytes, not the string it inserted (whose hash V8 has cached), so
  // this is the Map lookup an engine would really pay.
  const mapFindBytes = throughput((i) => (found += map.get(buffers[order[i]].toString('latin1')) !== undefined ? 1 : 0));
  if (found !== 3 * N) throw new Error(`lookups found ${found} of ${3 * N}`);
  return { kdInsert, kdFind, mapInsert, mapFind, mapFindBytes };
}

const rows = [];
for (const [name, w] of Object.entries(workloads)) {
  const kd = measure(() => buildKeydir(w));
  const own = kd.kept.memoryBytes / N;
  kd.kept = undefined;
  const map = measure(() => buildMap(w));
  map.kept = undefined;
  const s = speed(w);
  rows.push({ keys: name, structure: 'Keydir', 'B/key (heap)': kd.perKey, 'B/key (memoryBytes)': own, 'insert/s': s.kdInsert, 'find/s': s.kdFind, 'find/s (from bytes)': s.kdFind });
  rows.push({ keys: name, structure: 'Map', 'B/key (heap)': map.perKey, 'B/key (memoryBytes)': NaN, 'insert/s': s.mapInsert, 'find/s': s.mapFind, 'find/s (from bytes)': s.mapFindBytes });
}

const fmt = (v) => (typeof v !== 'number' ? v : Number.isNaN(v) ? '-' : v >= 1e5 ? `${(v / 1e6).toFixed(2)}M` : v.toFixed(1));
const cols = Object.keys(rows[0]);
const table = [cols, ...rows.map((r) => cols.map((c) => fmt(r[c])))];
const widths = cols.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
console.log(`keydir memory benchmark: ${N.toLocaleString('en-US')} keys, node ${process.version}`);
for (const r of table) console.log(r.map((v, i) => String(v).padEnd(widths[i])).join('  '));
