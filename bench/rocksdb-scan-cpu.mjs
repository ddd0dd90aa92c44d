/**
 * CPU time of a full kvs scan of a rocksdb store (100,000 entries of 100 random bytes), median
 * of 5: the figure for the verified scan's cost. KVS_DIST names another build to compare, e.g.
 * the commit before scans were verified (eef4fc5) built in a second worktree:
 *   npm run build && node bench/rocksdb-scan-cpu.mjs
 *   KVS_DIST=/path/to/other/dist/index.js node bench/rocksdb-scan-cpu.mjs
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.KVS_DIST ?? new URL('../dist/index.js', import.meta.url).pathname;
const { openStore } = await import(pathToFileURL(dist).href);
const N = Number(process.argv[2] ?? 100_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-rocksdb-scan-'));
const dir = path.join(root, 'store');
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0);
let db = await openStore({ engine: 'rocksdb', dir, sync: 'never' });
for (let i = 0; i < N; i += 1000) {
  const ops = [];
  for (let j = i; j < Math.min(N, i + 1000); j++) {
    const v = Buffer.allocUnsafe(100);
    for (let b = 0; b < 100; b++) v[b] = random() >>> 24;
    ops.push({ type: 'set', key: `key:${String(j).padStart(10, '0')}`, value: v });
  }
  await db.batch(ops);
}
await db.close();
const cpu = [];
for (let r = 0; r < 5; r++) {
  db = await openStore({ dir, readOnly: true });
  const c = process.cpuUsage();
  let n = 0;
  for await (const _ of db.scan()) n++;
  const u = process.cpuUsage(c);
  if (n !== N) throw new Error(`scanned ${n} of ${N}`);
  cpu.push((u.user + u.system) / 1000);
  await db.close();
}
cpu.sort((a, b) => a - b);
console.log(`${dist}: full scan of ${N} entries, CPU ms median ${cpu[2].toFixed(0)} (all: ${cpu.map((x) => x.toFixed(0)).join(' ')})`);
fs.rmSync(root, { recursive: true, force: true });
