/**
 * Opening a redis store: connect to the first seed node that answers, ask it whether it runs in
 * Cluster mode, and open the standalone engine on that connection or the cluster engine over the
 * whole cluster (refusing one that is down, with the node and the fix named).
 */
import type { BaseEngine } from '../../engine/base-engine.js';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { EngineOpenOptions } from '../../engine/types.js';
import { ClusterConnection } from './cluster-connection.js';
import { ClusterEngine } from './cluster-engine.js';
import { RedisConnection } from './connection.js';
import { parseOptions, parseSeeds, redactUrl, type RedisOptions } from './options.js';
import { RedisEngine } from './redis-engine.js';

export async function openRedis(open: EngineOpenOptions): Promise<BaseEngine> {
  const options = parseOptions(open.options);
  const seeds = parseSeeds(open.url);
  const probe = await connectToSeed(seeds, options);
  let version: string;
  try {
    const [server, cluster] = (await Promise.all([probe.send(['INFO', 'server']), probe.send(['INFO', 'cluster'])])).map(String);
    version = /redis_version:([^\r\n]+)/.exec(server!)?.[1] ?? 'unknown';
    if (!/cluster_enabled:1/.test(cluster!)) {
      if (seeds.length > 1) {
        throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `${probe.url} is a standalone Redis server, not a Redis Cluster node, so several seed URLs make no sense; give it alone in --url`);
      }
      return new RedisEngine(probe, options, open.readOnly);
    }
    await checkClusterState(probe);
  } catch (err) {
    await probe.close();
    throw err;
  }
  await probe.close();
  const connection = await ClusterConnection.open(seeds, options);
  return new ClusterEngine(connection, options, open.readOnly, version);
}

/**
 * A connection to the first of `seeds` that answers. A rejected password is final (the nodes of
 * one cluster share it); when none answers, the error of the first seed, naming the others.
 */
async function connectToSeed(seeds: readonly string[], options: RedisOptions): Promise<RedisConnection> {
  const failures: KvsError[] = [];
  for (const seed of seeds) {
    try {
      return await RedisConnection.open(seed, options);
    } catch (err) {
      if (!(err instanceof KvsError) || err.code === ErrorCodes.INVALID_ARGUMENT) throw err;
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  throw new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `none of the ${seeds.length} seed nodes answered: ${failures.map((f) => f.message).join('; ')}`, { cause: failures[0], details: { url: seeds.map(redactUrl).join(',') } });
}

/** Throws ENGINE_UNAVAILABLE unless the node reports cluster_state:ok, saying how many slots are served. */
async function checkClusterState(probe: RedisConnection): Promise<void> {
  const info = String(await probe.send(['CLUSTER', 'INFO']));
  const field = (name: string): string => new RegExp(`${name}:([^\\r\\n]+)`).exec(info)?.[1] ?? '?';
  if (field('cluster_state') === 'ok') return;
  const node = probe.url.replace(/^rediss?:\/\/([^@]*@)?/, '');
  throw new KvsError(
    ErrorCodes.ENGINE_UNAVAILABLE,
    `the Redis Cluster of ${probe.url} is down (cluster_state:${field('cluster_state')}; slots assigned ${field('cluster_slots_assigned')}, ok ${field('cluster_slots_ok')}, failing ${field('cluster_slots_fail')} of 16384; known nodes ${field('cluster_known_nodes')}): ` +
      `check it with "redis-cli --cluster check ${node}"; create it with "redis-cli --cluster create", restart a failed master or assign unserved slots ("redis-cli --cluster fix ${node}"), then retry`,
    { details: { url: probe.url } },
  );
}
