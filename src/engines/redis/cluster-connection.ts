/**
 * The connections to one Redis Cluster through node-redis's cluster client: commands routed by
 * key slot (node-redis follows MOVED and ASK and refreshes its slot map), one MULTI/EXEC per slot,
 * and a per-master view for the commands that must visit every master (SCAN, INFO, CLUSTER NODES).
 * Every wait is bounded (connectTimeoutMs, commandTimeoutMs); failures are KvsErrors naming a node.
 */
import { createCluster, RESP_TYPES } from 'redis';
import { clusterCommandError, connectError } from './redis-errors.js';
import { hashSlot } from './hash-slot.js';
import { redactUrl, type RedisOptions } from './options.js';
import type { RedisArg } from './connection.js';

/** One master, as the scan and stats see it. */
export interface ClusterMaster {
  /** host:port as the cluster announces it. */
  readonly address: string;
  send(args: readonly RedisArg[]): Promise<unknown>;
}

/** The part of node-redis's cluster client this engine uses (its own generic type is unwieldy). */
interface NodeClient {
  sendCommand(args: readonly RedisArg[], options?: object): Promise<unknown>;
}
interface Shard {
  master: { address: string; host: string; port: number };
}
interface Cluster {
  connect(): Promise<unknown>;
  sendCommand(firstKey: Buffer, isReadonly: boolean, args: readonly RedisArg[]): Promise<unknown>;
  multi(routing: Buffer): { addCommand(firstKey: Buffer, isReadonly: boolean, args: readonly RedisArg[]): unknown; exec(): Promise<unknown[]> };
  readonly masters: readonly Shard['master'][];
  readonly slots: readonly (Shard | undefined)[];
  nodeClient(node: Shard['master']): Promise<NodeClient>;
  readonly _slots: { rediscover(): Promise<void> };
  close(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** After open, a node whose connection drops is retried with backoff up to this (node-redis retries until closed). */
const MAX_BACKOFF_MS = 1000;
/** A node reconnecting for this long makes node-redis refresh its slot map (finds a promoted replica). */
const TOPOLOGY_REFRESH_MS = 250;

export class ClusterConnection {
  /** The seed URLs, password hidden, for messages. */
  readonly url: string;
  readonly #cluster: Cluster;
  readonly #options: RedisOptions;
  #refreshing: Promise<void> | undefined;
  /**
   * Commands not yet answered. node-redis routes a command after a few awaits, so one issued just
   * before close() may not have reached a node's queue yet: close() waits for these first.
   */
  readonly #pending = new Set<Promise<unknown>>();

  private constructor(cluster: Cluster, url: string, options: RedisOptions) {
    this.#cluster = cluster;
    this.url = url;
    this.#options = options;
  }

  /** Connects to the cluster that `seeds` belong to within `options.connectTimeoutMs`. */
  static async open(seeds: readonly string[], options: RedisOptions): Promise<ClusterConnection> {
    const shown = seeds.map(redactUrl).join(',');
    const first = new URL(seeds[0]!);
    const credentials = {
      ...(first.username === '' ? {} : { username: decodeURIComponent(first.username) }),
      ...(first.password === '' ? {} : { password: decodeURIComponent(first.password) }),
    };
    const cluster = createCluster({
      rootNodes: seeds.map((url) => ({ url })),
      defaults: {
        ...credentials,
        socket: {
          connectTimeout: options.connectTimeoutMs,
          reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_BACKOFF_MS),
          ...(first.protocol === 'rediss:' ? { tls: true as const } : {}),
        },
      },
      topologyRefreshOnReconnectionAttemptStrategy: TOPOLOGY_REFRESH_MS,
      commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer }, timeout: options.commandTimeoutMs },
    }) as unknown as Cluster;
    cluster.on('error', () => {}); // rejections carry the errors; an unheard 'error' event would crash
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connect timeout after ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
      });
      await Promise.race([cluster.connect(), deadline]);
    } catch (err) {
      cluster.destroy();
      throw connectError(shown, err, options.connectTimeoutMs);
    } finally {
      clearTimeout(timer);
    }
    return new ClusterConnection(cluster, shown, options);
  }

  /** The master serving `redisKey`'s slot in the client's current map, as host:port ("no node" when uncovered). */
  nodeOf(redisKey: Buffer): string {
    return this.#cluster.slots[hashSlot(redisKey)]?.master.address ?? `no node (slot ${hashSlot(redisKey)} is not served)`;
  }

  /** Sends one command about `redisKey` to the master of its slot. */
  send(redisKey: Buffer, args: readonly RedisArg[], readonly = false): Promise<unknown> {
    return this.#track(
      this.#cluster.sendCommand(redisKey, readonly, args).catch((err: unknown) => {
        throw this.#failure(this.nodeOf(redisKey), String(args[0]), err);
      }),
    );
  }

  /** Runs `commands`, whose keys all hash to `redisKey`'s slot, as one MULTI/EXEC on its master. */
  transaction(redisKey: Buffer, commands: readonly (readonly RedisArg[])[]): Promise<unknown[]> {
    const multi = this.#cluster.multi(redisKey);
    for (const command of commands) multi.addCommand(redisKey, false, command);
    return this.#track(
      multi.exec().catch((err: unknown) => {
        throw this.#failure(this.nodeOf(redisKey), 'MULTI/EXEC', err);
      }),
    );
  }

  /** Every master in the client's current slot map, connected. */
  async masters(): Promise<ClusterMaster[]> {
    const commandOptions = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer }, timeout: this.#options.commandTimeoutMs };
    return Promise.all(
      this.#cluster.masters.map(async (node): Promise<ClusterMaster> => {
        const client = await this.#cluster.nodeClient(node).catch((err: unknown) => {
          throw this.#failure(node.address, 'CONNECT', err);
        });
        return {
          address: node.address,
          send: (args) =>
            client.sendCommand(args, commandOptions).catch((err: unknown) => {
              throw this.#failure(node.address, String(args[0]), err);
            }),
        };
      }),
    );
  }

  /** Re-reads the slot map from the cluster (one refresh at a time); never rejects. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#cluster._slots
      .rediscover()
      .catch(() => {})
      .finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    const done = (): void => void this.#pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  #failure(node: string, command: string, err: unknown): Error {
    const error = clusterCommandError(node, command, err, this.#options.commandTimeoutMs);
    if (error.code === 'IO_ERROR') void this.refresh(); // a lost node or a failover: look for the new map
    return error;
  }

  /** Waits for the replies of every command sent, then closes every node's socket. */
  async close(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    try {
      await this.#cluster.close();
    } catch {
      this.#cluster.destroy();
    }
  }
}
