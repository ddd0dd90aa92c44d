// The redis engine on one Redis server against a three-master Redis Cluster on this machine:
// `kvs bench` workloads, `kvs migrate` of a bitcask store, and the cost of ordered scans.
// Usage: npm run build && node bench/redis-cluster.mjs [num=50000] [rounds=3] [migrateKeys=100000]
// Starts its own redis-server processes (Debian's) on free loopback ports, no persistence, and
// stops them at the end. Rounds are interleaved (single, cluster, single, cluster, ...); each
// figure is the median of its rounds and the ratio is cluster / single from the same run.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openStore } from '../dist/index.js';

const run = promisify(execFile);
const NUM = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const MIGRATE_KEYS = Number(process.argv[4] ?? 100_000);
const WORKLOADS = ['fillrandom', 'readrandom', 'seekrandom', 'ycsb-a'];
const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-redis-cluster-bench-'));
const children = [];

const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const cli = async (port, ...args) => (await run('redis-cli', ['-p', String(port), ...args], { maxBuffer: 1 << 26 })).stdout;
const poll = async (what, test) => {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) if (await test().catch(() => false)) return;
  throw new Error(`timed out waiting for ${what}`);
};
async function startServer(extra = []) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(root, 'node-'));
  children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' }));
  await poll(`redis-server on ${port}`, async () => (await cli(port, 'PING')).includes('PONG'));
  return port;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const flushAll = async (ports) => Promise.all(ports.map((p) => cli(p, 'FLUSHALL')));

try {
  const single = await startServer();
  const nodes = await Promise.all([0, 1, 2].map(() => startServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'])));
  await cli(nodes[0], '--cluster', 'create', ...nodes.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes');
  await poll('cluster_state:ok', async () => (await Promise.all(nodes.map((p) => cli(p, 'CLUSTER', 'INFO')))).every((i) => i.includes('cluster_state:ok')));
  const targets = { single: { url: `redis://127.0.0.1:${single}`, ports: [single] }, cluster: { url: `redis://127.0.0.1:${nodes[0]}`, ports: nodes } };
  console.log(`redis-server ${(await run('redis-server', ['--version'])).stdout.trim().split(' ')[2]}; ${os.cpus().length} cores; num ${NUM}, ${ROUNDS} rounds, migrate ${MIGRATE_KEYS} keys`);

  // 1. kvs bench, one repeat per round and target.
  const bench = { single: {}, cluster: {} };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, target] of Object.entries(targets)) {
      const { stdout } = await run('node', [BIN, 'bench', '--engines', 'redis', '--url', target.url, '--workloads', WORKLOADS.join(','), '--num', String(NUM), '--repeats', '1', '--max-seconds', '60', '--seed', String(round + 1), '--json'], { maxBuffer: 1 << 26, cwd: root });
      for (const w of JSON.parse(stdout).runs[0].workloads) (bench[name][w.workload] ??= []).push(w);
      await flushAll(target.ports);
    }
  }
  console.log('\n| workload | single ops/s | cluster ops/s | cluster / single | single p99 µs | cluster p99 µs |\n|---|---|---|---|---|---|');
  for (const w of WORKLOADS) {
    const [s, c] = [bench.single[w], bench.cluster[w]].map((xs) => ({ ops: median(xs.map((x) => x.opsPerSec)), p99: median(xs.map((x) => x.latencyUs.p99)), cut: xs.some((x) => x.truncated) }));
    console.log(`| ${w} | ${s.ops.toFixed(0)}${s.cut ? '*' : ''} | ${c.ops.toFixed(0)}${c.cut ? '*' : ''} | ${(c.ops / s.ops).toFixed(2)} | ${s.p99.toFixed(0)} | ${c.p99.toFixed(0)} |`);
  }

  // 2. kvs migrate of a bitcask store (16-byte keys, 100-byte values).
  const src = path.join(root, 'bitcask');
  const db = await openStore({ engine: 'bitcask', dir: src, sync: 'never' });
  for (let i = 0; i < MIGRATE_KEYS; i += 1000) await db.batch(Array.from({ length: Math.min(1000, MIGRATE_KEYS - i) }, (_, j) => ({ type: 'set', key: `key:${String(i + j).padStart(12, '0')}`, value: Buffer.alloc(100, (i + j) % 251) })));
  await db.close();
  const migrate = { single: [], cluster: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, target] of Object.entries(targets)) {
      await flushAll(target.ports);
      const { stdout } = await run('node', [BIN, 'migrate', '--from-dir', src, '--to-engine', 'redis', '--to-url', target.url, '--json'], { maxBuffer: 1 << 24, cwd: root });
      migrate[name].push(JSON.parse(stdout).seconds);
    }
  }
  const [ms, mc] = [median(migrate.single), median(migrate.cluster)];
  console.log(`\nmigrate ${MIGRATE_KEYS} keys bitcask -> redis: single ${ms.toFixed(2)} s, cluster ${mc.toFixed(2)} s (cluster / single ${(mc / ms).toFixed(2)})`);

  // 3. Ordered scans over the migrated keys: a full scan and 100-entry seeks, by scanPageKeys.
  console.log('\n| target | scanPageKeys | full scan s | seek of 100 ms |\n|---|---|---|---|');
  const configs = [['single', undefined], ['cluster', 1000], ['cluster', 10_000], ['cluster', 100_000]];
  const scans = new Map(configs.map((c) => [c.join(), { full: [], seek: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, page] of configs) {
      const store = await openStore({ engine: 'redis', url: targets[name].url, options: page === undefined ? {} : { scanPageKeys: page } });
      let t = performance.now();
      let n = 0;
      for await (const _ of store.scan()) n++;
      if (n !== MIGRATE_KEYS) throw new Error(`${name}: scan yielded ${n} keys`);
      scans.get([name, page].join()).full.push((performance.now() - t) / 1000);
      t = performance.now();
      for (let s = 0; s < 5; s++) for await (const _ of store.scan({ gte: `key:${String((s * 7919) % MIGRATE_KEYS).padStart(12, '0')}`, limit: 100 }));
      scans.get([name, page].join()).seek.push((performance.now() - t) / 5);
      await store.close();
    }
  }
  for (const [name, page] of configs) {
    const s = scans.get([name, page].join());
    console.log(`| ${name} | ${page ?? '(all keys at once)'} | ${median(s.full).toFixed(2)} | ${median(s.seek).toFixed(1)} |`);
  }
} finally {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
}
