#!/usr/bin/env node
// redis-benchmark and the pipelined-durable figure for `kvs server` (bitcask and lsm, --sync
// never and always) against redis-server (no persistence, and appendfsync always) started in the
// same run. Every server runs at once; each round runs every test against every target in turn
// (interleaved), and the medians of the rounds are printed with their ratios to redis-server.
// Usage: node bench/resp-figures.mjs [--rounds 3] [--requests 100000] [--pipelined 100000]
// Needs a build (npm run build), redis-server and redis-benchmark. Nothing is asserted.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const rounds = arg('rounds', 3);
const requests = arg('requests', 100_000);
const pipelined = arg('pipelined', 100_000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-resp-figures-'));
const children = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startKvs(engine, sync) {
  const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), 'server', '--addr', '127.0.0.1:0', '--engine', engine, '--dir', path.join(work, `${engine}-${sync}`), '--sync', sync], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(log)));
  });
}

async function startRedis(aofAlways) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(work, 'redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', aofAlways ? 'yes' : 'no'];
  if (aofAlways) args.push('--appendfsync', 'always');
  children.push(spawn('redis-server', args, { stdio: 'ignore' }));
  for (let i = 0; i < 100; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'PING'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('PONG')) return port;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

function redisBenchmark(port, extra) {
  const out = execFileSync('redis-benchmark', ['-p', String(port), '-t', 'set,get', '-n', String(requests), '-c', '50', '-q', ...extra], { maxBuffer: 1 << 26 }).toString();
  const rps = {};
  for (const m of out.replaceAll('\r', '\n').matchAll(/^\s*(SET|GET): ([\d.]+) requests per second/gm)) rps[m[1]] = Number(m[2]);
  return rps;
}

function pipelinedPairs(port) {
  const out = execFileSync(process.execPath, [path.join(root, 'bench/resp-pipelined.mjs'), String(port), String(pipelined)]).toString();
  const m = /: ([\d.]+) s, (\d+) pairs\/s, \d+ OK, writes per fsync (\S+)/.exec(out);
  return { seconds: Number(m[1]), perFsync: m[3] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const targets = {
  'redis-server (no persistence)': await startRedis(false),
  'redis-server (appendfsync always)': await startRedis(true),
};
for (const engine of ['bitcask', 'lsm']) for (const sync of ['never', 'always']) targets[`kvs ${engine} --sync ${sync}`] = await startKvs(engine, sync);
const version = execFileSync('redis-server', ['--version']).toString().match(/v=([\d.]+)/)?.[1];
console.log(`redis-server ${version}; ${rounds} rounds, ${requests} requests per redis-benchmark test, ${pipelined} pipelined pairs; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);

const results = {}; // target -> test -> [values]
const record = (target, test, value) => ((results[target] ??= {})[test] ??= []).push(value);
for (let round = 1; round <= rounds; round++) {
  for (const [name, port] of Object.entries(targets)) {
    const plain = redisBenchmark(port, []);
    record(name, 'SET', plain.SET);
    record(name, 'GET', plain.GET);
    const piped = redisBenchmark(port, ['-P', '16']);
    record(name, 'SET -P 16', piped.SET);
    record(name, 'GET -P 16', piped.GET);
    if (name.includes('always')) {
      const p = pipelinedPairs(port);
      record(name, 'pipelined s', p.seconds);
      if (p.perFsync !== 'n/a') record(name, 'writes/fsync', Number(p.perFsync));
    }
  }
  process.stderr.write(`round ${round} done\n`);
}

const tests = ['SET', 'GET', 'SET -P 16', 'GET -P 16'];
console.log(`\n| target | ${tests.join(' | ')} |\n|---|${tests.map(() => '---|').join('')}`);
const base = results['redis-server (no persistence)'];
for (const [name, byTest] of Object.entries(results)) {
  const cells = tests.map((t) => `${Math.round(median(byTest[t])).toLocaleString('en-US')} (${(median(byTest[t]) / median(base[t])).toFixed(2)}x)`);
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
console.log('\nratios: against redis-server without persistence, medians of the rounds');
const redisAlways = median(results['redis-server (appendfsync always)']['pipelined s']);
console.log(`\n| ${pipelined} pipelined SET+GET, one connection | seconds | vs redis appendfsync always | writes per fsync |\n|---|---|---|---|`);
for (const [name, byTest] of Object.entries(results)) {
  if (byTest['pipelined s'] === undefined) continue;
  const s = median(byTest['pipelined s']);
  console.log(`| ${name} | ${s.toFixed(2)} | ${(s / redisAlways).toFixed(2)}x the time | ${byTest['writes/fsync'] ? median(byTest['writes/fsync']).toFixed(1) : 'n/a'} |`);
}
process.exit(0);
