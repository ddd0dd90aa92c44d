/**
 * Cold start of the CLI (issue 16, "fast start"): `kvs get`, `kvs set` and `kvs rm` on a one-key
 * bitcask store against `node -e 0`, with hyperfine in one run (its commands interleave only by
 * benchmark, so the whole run is repeated ROUNDS times and the figure is the median of the rounds'
 * medians). Also the library alone (open, get, close: the floor this CLI builds on) and, when
 * BEFORE names another checkout's bin/run.js, the same commands there.
 *   npm run build && node bench/cli-start.mjs [runs=30] [rounds=3]
 *   BEFORE=/path/to/main/bin/run.js node bench/cli-start.mjs
 * Prints each command's median wall time and its ratio to `node -e 0`, and the same for mean user+sys CPU.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 30);
const ROUNDS = Number(process.argv[3] ?? 3);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'run.js');
const before = process.env.BEFORE;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-cli-start-'));
const node = process.execPath;

function run(args, cwd = work) {
  const r = spawnSync(node, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

const library = path.join(work, 'library-get.mjs');
fs.writeFileSync(
  library,
  `import { openStore } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
const db = await openStore({ dir: 'store', readOnly: true });
process.stdout.write((await db.get('k')) ?? '');
await db.close();
`,
);

const commands = [
  ['node -e 0', `${node} -e 0`],
  ['kvs get', `${node} ${bin} get k --dir store`],
  ['kvs set', `${node} ${bin} set k v --dir store`],
  // rm of a key that is there: hyperfine's --prepare (untimed) sets it again before each run
  ['kvs rm', `${node} ${bin} rm k --dir store`],
  ['library get (floor)', `${node} ${library}`],
];
if (before !== undefined) {
  commands.push(['before: kvs get', `${node} ${before} get k --dir before-store`], ['before: kvs set', `${node} ${before} set k v --dir before-store`]);
}

try {
  run([bin, 'set', 'k', 'v', '--dir', 'store']);
  if (before !== undefined) run([before, 'set', 'k', 'v', '--dir', 'before-store']);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const json = path.join(work, `round-${round}.json`);
    const args = ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', json, '--style', 'none'];
    // rm needs the key back before each run (hyperfine runs --prepare outside the timing)
    for (const [name, command] of commands) args.push('--command-name', name, ...(name === 'kvs rm' ? ['--prepare', `${node} ${bin} set k v --dir store`] : ['--prepare', 'true']), command);
    const r = spawnSync('hyperfine', args, { cwd: work, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
    rounds.push(JSON.parse(fs.readFileSync(json, 'utf8')).results);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const figure = (name, pick) => median(rounds.map((results) => pick(results.find((r) => r.command === name))));
  const wall = (name) => figure(name, (r) => r.median * 1000);
  const cpu = (name) => figure(name, (r) => (r.user + r.system) * 1000); // hyperfine reports CPU as means
  const base = { wall: wall('node -e 0'), cpu: cpu('node -e 0') };
  console.log(`hyperfine, ${RUNS} runs x ${ROUNDS} rounds, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${'command'.padEnd(22)} ${'wall ms'.padStart(8)} ${'x node -e 0'.padStart(12)} ${'cpu ms'.padStart(8)} ${'x node -e 0'.padStart(12)}`);
  for (const [name] of commands) {
    const w = wall(name);
    const c = cpu(name);
    console.log(`${name.padEnd(22)} ${w.toFixed(1).padStart(8)} ${(w / base.wall).toFixed(2).padStart(12)} ${c.toFixed(1).padStart(8)} ${(c / base.cpu).toFixed(2).padStart(12)}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
