/**
 * Test helper: a real Redis Cluster of Debian's `redis-server` on ephemeral loopback ports in a
 * temporary directory each: N masters (and optionally one replica each), slots assigned with
 * `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`. `stop()` ends
 * every process it started. Each call starts its own cluster, so test files never share state.
 *
 *   const cluster = await startRedisCluster();           // three masters
 *   afterAll(() => cluster.stop());
 *   await openStore({ engine: 'redis', url: cluster.url });
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServer } from './redis-server.js';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Masters (default 3). */
  masters?: number;
  /** Replicas per master (default 0). */
  replicas?: number;
  /** requirepass (and masterauth) on every node. */
  password?: string;
  /** cluster-node-timeout: how soon a silent node is marked failed (default 1000 ms, so failover tests are quick). */
  nodeTimeoutMs?: number;
}

export interface RedisClusterNode {
  port: number;
  /** The node's own URL (with the password when one is set). */
  url: string;
  /** SIGKILLs this node's process and waits for it to exit. */
  kill(): Promise<void>;
}

export interface RedisCluster {
  /** The first node's URL: one seed is enough for the engine. */
  url: string;
  /** Every node's URL joined by commas (the engine's several-seeds syntax). */
  seeds: string;
  /** Every node started, masters first (as given to `--cluster create`). */
  nodes: RedisClusterNode[];
  /** Runs redis-cli against `port` (password included) and returns its standard output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Ports of the nodes that are masters now, each with the slot count it serves (from CLUSTER NODES). */
  masters(): Promise<{ port: number; slots: number; id: string }[]>;
  /** Polls until every live node reports cluster_state:ok (or throws after `timeoutMs`). */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes their directories. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/** Starts a cluster and resolves once it serves all 16384 slots. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const total = masters * (1 + replicas);
  const auth = options.password === undefined ? [] : ['--masterauth', options.password]; // requirepass: startRedisServer
  const servers: RedisServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  const serverOptions = {
    args: [
      '--cluster-enabled', 'yes',
      '--cluster-config-file', 'nodes.conf', // inside the server's own temporary --dir
      '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
      ...auth,
    ],
    ...(options.password === undefined ? {} : { password: options.password }),
  };
  const started = await Promise.allSettled(Array.from({ length: total }, () => startRedisServer(serverOptions)));
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await stopAll();
    throw failed.reason;
  }
  const passArgs = options.password === undefined ? [] : ['-a', options.password, '--no-auth-warning'];
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...passArgs, ...args], { timeout: 60_000 })).stdout;
  const alive = new Set(servers.map((s) => s.port));

  const waitUntilOk = async (timeoutMs = READY_TIMEOUT_MS): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const states = await Promise.all([...alive].map((port) => cli(port, 'CLUSTER', 'INFO').catch((e: Error) => e.message)));
      last = states.map((s) => /cluster_state:(\w+)/.exec(s)?.[1] ?? s).join(', ');
      if (states.every((s) => s.includes('cluster_state:ok'))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the cluster did not reach cluster_state:ok within ${timeoutMs} ms (states: ${last})`);
  };

  const cluster: RedisCluster = {
    url: servers[0]!.url,
    seeds: servers.map((s) => s.url).join(','),
    nodes: servers.map((s) => ({
      port: s.port,
      url: s.url,
      kill: async () => {
        alive.delete(s.port);
        await s.kill();
      },
    })),
    cli,
    masters: async () => {
      const text = await cli([...alive][0]!, 'CLUSTER', 'NODES');
      return text.trim().split('\n').flatMap((line) => {
        const [id, address, flags, , , , , linkState, ...slots] = line.split(' ');
        if (!flags!.includes('master') || flags!.includes('fail') || linkState !== 'connected') return [];
        const count = slots.filter((r) => !r.startsWith('[')).reduce((sum, r) => {
          const [a, b] = r.split('-').map(Number);
          return sum + (b === undefined ? 1 : b - a! + 1);
        }, 0);
        return [{ port: Number(address!.split(':')[1]!.split('@')[0]), slots: count, id: id! }];
      });
    },
    waitUntilOk,
    stop: stopAll,
  };
  try {
    await cli(servers[0]!.port, '--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', String(replicas), '--cluster-yes');
    await waitUntilOk();
    if (replicas > 0) await waitForReplicas(cluster, masters * replicas);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return cluster;
}

/** Polls until `count` replicas report their link to the master up, so a failover can promote them. */
async function waitForReplicas(cluster: RedisCluster, count: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const infos = await Promise.all(cluster.nodes.map((n) => cluster.cli(n.port, 'INFO', 'replication').catch(() => '')));
    if (infos.filter((i) => i.includes('master_link_status:up')).length >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the cluster's ${count} replicas did not all connect to their masters within ${READY_TIMEOUT_MS} ms`);
}
