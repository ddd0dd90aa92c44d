/**
 * Open time of one bitcask store under two builds of kvs, interleaved: each round opens the store
 * (writable, then a first get) in a fresh process per build, alternating, and reports medians and
 * their ratio. Used to check that open-time checks (FILESET, plan, commit) cost nothing measurable.
 *   node bench/bitcask-open-compare.mjs BEFORE_DIST_DIR AFTER_DIST_DIR [keys] [rounds]
 * e.g. git archive <base> | tar -x -C /tmp/before && (cd /tmp/before && ln -s $PWD/node_modules . && npx tsc -p tsconfig.build.json)
 *      node bench/bitcask-open-compare.mjs /tmp/before/dist dist 300000 9
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [beforeDir, afterDir] = process.argv.slice(2, 4).map((d) => path.resolve(d));
const N = Number(process.argv[4] ?? 300_000);
const ROUNDS = Number(process.argv[5] ?? 9);
if (afterDir === undefined) throw new Error('usage: node bench/bitcask-open-compare.mjs BEFORE_DIST_DIR AFTER_DIST_DIR [keys] [rounds]');
const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-open-compare-')), 'store');
const index = (d) => pathToFileURL(path.join(d, 'index.js')).href;

const fill = `import { openStore } from ${JSON.stringify(index(afterDir))};
const db = await openStore({ engine: 'bitcask', dir: ${JSON.stringify(dir)}, sync: 'never', options: { maxFileSize: 4 * 1024 * 1024 } });
const v = Buffer.alloc(100, 0x61);
for (let i = 0; i < ${N}; i++) await db.set('key:' + String(i).padStart(10, '0'), v);
await db.close();`;
const openOnce = (d) => `import { openStore } from ${JSON.stringify(index(d))};
const t = performance.now();
const db = await openStore({ engine: 'bitcask', dir: ${JSON.stringify(dir)}, sync: 'never' });
await db.get('key:0000000001');
const ms = performance.now() - t;
await db.close();
console.log(ms);`;
const node = (script) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

node(fill);
const times = { before: [], after: [] };
for (let r = 0; r < ROUNDS; r++) {
  times.before.push(node(openOnce(beforeDir)));
  times.after.push(node(openOnce(afterDir)));
}
const b = median(times.before);
const a = median(times.after);
console.log(`open + first get, ${N} keys, ${ROUNDS} interleaved rounds: before ${b.toFixed(1)} ms, after ${a.toFixed(1)} ms, after/before ${(a / b).toFixed(2)}`);
fs.rmSync(path.dirname(dir), { recursive: true, force: true });
