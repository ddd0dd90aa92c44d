/**
 * One SSTable on its own: a 100k-entry table (16-byte keys, 100-byte values) built, then every
 * key read back in a fixed scattered order, 100k absent keys probed, and a full scan; median of
 * the rounds. Moved out of the unit suite (it measured, never asserted; issue 16).
 *   npm run build && node bench/lsm-table-throughput.mjs [entries=100000] [rounds=5]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlockCache, DEFAULT_BLOCK_CACHE_BYTES } from '../dist/engines/lsm/sstable/block-cache.js';
import { DEFAULT_TABLE_OPTIONS, TableBuilder } from '../dist/engines/lsm/sstable/table-builder.js';
import { TableReader, newReadCounters } from '../dist/engines/lsm/sstable/table-reader.js';

const N = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const VALUE = 1; // EntryKind.VALUE
const key = (i) => Buffer.from(`user:${String(i).padStart(10, '0')}`);
const val = (i) => Buffer.from(`value-${i}-`.padEnd(100, 'x'));
const absent = (i) => Buffer.from(`absent:${String(i).padStart(10, '0')}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-table-throughput-'));
const keys = Array.from({ length: N }, (_, i) => key(i));
const vals = Array.from({ length: N }, (_, i) => val(i));
const absents = Array.from({ length: N }, (_, i) => absent(i));
// A fixed permutation (stride 7919) so reads jump between blocks like a random workload.
const order = Array.from({ length: N }, (_, i) => (i * 7919) % N);
const times = { build: [], present: [], absent: [], scan: [] };
let size = 0;
try {
  for (let r = 0; r < ROUNDS; r++) {
    const file = path.join(dir, `${String(r + 1).padStart(6, '0')}.sst`);
    let t = performance.now();
    const builder = new TableBuilder(file, DEFAULT_TABLE_OPTIONS);
    for (let i = 0; i < N; i++) builder.add(keys[i], i + 1, VALUE, vals[i]);
    size = builder.finish().fileSize;
    times.build.push(performance.now() - t);
    const reader = TableReader.open(file, r + 1, new BlockCache(DEFAULT_BLOCK_CACHE_BYTES), newReadCounters());
    t = performance.now();
    for (const i of order) if (reader.get(keys[i], Number.MAX_SAFE_INTEGER)?.value.equals(vals[i]) !== true) throw new Error(`key ${i} read back wrong`);
    times.present.push(performance.now() - t);
    t = performance.now();
    for (let i = 0; i < N; i++) if (reader.get(absents[i], Number.MAX_SAFE_INTEGER) !== undefined) throw new Error(`absent key ${i} found`);
    times.absent.push(performance.now() - t);
    t = performance.now();
    let scanned = 0;
    const it = reader.iterator();
    for (it.seekToFirst(); it.valid(); it.next()) scanned++;
    times.scan.push(performance.now() - t);
    if (scanned !== N) throw new Error(`scan saw ${scanned} of ${N}`);
    reader.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`table of ${N} entries, ${(size / 1048576).toFixed(1)} MiB, blockSize ${DEFAULT_TABLE_OPTIONS.blockSize}, 8 MiB cache; median of ${ROUNDS}`);
for (const [what, ms] of Object.entries(times)) console.log(`  ${what.padEnd(8)} ${Math.round((N / median(ms)) * 1000).toLocaleString('en-US').padStart(12)} /s`);
