/**
 * The redis engine on one standalone Redis server, every key under `<namespace>:` (a Redis
 * Cluster gets `ClusterEngine`; `openRedis` tells them apart).
 * Each hook sends its command before its first await, so operations reach the server (one
 * pipelined connection) in the order they were issued.
 */
import { BaseEngine } from '../../engine/base-engine.js';
import { inRange, type KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineStats, Supports } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { RedisConnection, type RedisArg } from './connection.js';
import { commonRangePrefix, KeySpace } from './key-space.js';
import type { RedisOptions } from './options.js';

export const redisSupports: Supports = {
  // The server keeps the data after the client goes; whether it survives a server restart is
  // the server's persistence configuration (appendonly, save), not ours.
  persistent: true,
  // Keys come from SCAN in hash order; the engine sorts them client-side (see _scan).
  orderedScan: true,
  // MULTI/EXEC on one server. (On a Redis Cluster the store's supports say false: cluster-engine.ts.)
  atomicBatch: true,
  // Only the server decides when data reaches its disk (appendfsync); "never" is the honest name
  // for "not fsynced on our behalf". WAITAOF (Redis 7.2+) could confirm fsyncs: not used yet.
  syncPolicies: ['never'],
  compaction: false,
  directory: false,
};

/** Values per MGET during a scan: the first chunks are small so a short or limited scan reads little. */
export const FIRST_CHUNK = 1;
export const MAX_CHUNK = 256;

export class RedisEngine extends BaseEngine {
  readonly name = 'redis';
  readonly supports = redisSupports;
  readonly #connection: RedisConnection;
  readonly #space: KeySpace;
  readonly #options: RedisOptions;

  /** A store over `connection`, a standalone server that `openRedis` has probed. */
  constructor(connection: RedisConnection, options: RedisOptions, readOnly: boolean) {
    super({ readOnly, sync: 'never' }); // durability is the server's appendfsync
    this.#connection = connection;
    this.#options = options;
    this.#space = new KeySpace(options.namespace);
  }

  #send(...args: RedisArg[]): Promise<unknown> {
    return this.#connection.send(args);
  }

  protected async _get(key: Buffer): Promise<Buffer | undefined> {
    const value = await this.#send('GET', this.#space.toRedis(key));
    return value === null ? undefined : (value as Buffer);
  }

  protected override async _has(key: Buffer): Promise<boolean> {
    return (await this.#send('EXISTS', this.#space.toRedis(key))) === 1;
  }

  protected async _set(key: Buffer, value: Buffer): Promise<void> {
    // Buffer.concat in toRedis and the socket write copy the bytes: the caller may reuse its buffer.
    await this.#send('SET', this.#space.toRedis(key), Buffer.from(value));
  }

  protected async _delete(key: Buffer): Promise<boolean> {
    return (await this.#send('DEL', this.#space.toRedis(key))) === 1;
  }

  protected async _batch(ops: CheckedOp[]): Promise<void> {
    // One MULTI/EXEC: the server runs the commands back to back, no other client in between.
    const commands = ops.map((op): RedisArg[] =>
      op.type === 'set' ? ['SET', this.#space.toRedis(op.key), Buffer.from(op.value)] : ['DEL', this.#space.toRedis(op.key)],
    );
    await this.#connection.transaction(commands);
  }

  /**
   * SCAN yields keys in hash order, possibly twice, so the keys of the range are gathered first,
   * deduplicated and sorted here (the range's keys are held in memory for the scan's duration);
   * values follow in growing MGET chunks. A key deleted before its chunk is read is skipped, and
   * a key written after the scan began is not seen.
   */
  protected async *_scan(range: KeyRange): AsyncIterable<[Buffer, Buffer]> {
    const keys = await this.#keysIn(range, commonRangePrefix(range));
    if (range.reverse) keys.reverse();
    let yielded = 0;
    let chunk = FIRST_CHUNK;
    for (let i = 0; i < keys.length && yielded < range.limit; i += chunk, chunk = Math.min(chunk * 2, MAX_CHUNK)) {
      const batch = keys.slice(i, i + chunk).map((k) => Buffer.from(k, 'latin1'));
      const values = (await this.#send('MGET', ...batch.map((k) => this.#space.toRedis(k)))) as (Buffer | null)[];
      for (let j = 0; j < batch.length && yielded < range.limit; j++) {
        const value = values[j];
        if (value === null || value === undefined) continue; // deleted since SCAN saw it
        yielded++;
        yield [batch[j]!, value];
      }
    }
  }

  /** The kvs keys of this space within `range` (all of them without one), sorted in byte order as latin1 strings. */
  async #keysIn(range: KeyRange | undefined, keyPrefix: Buffer = Buffer.alloc(0)): Promise<string[]> {
    const pattern = this.#space.matchPattern(keyPrefix);
    const count = String(this.#options.scanCount);
    const found = new Set<string>(); // SCAN may return a key more than once
    let cursor = '0';
    do {
      const [next, redisKeys] = (await this.#send('SCAN', cursor, 'MATCH', pattern, 'COUNT', count)) as [Buffer, Buffer[]];
      cursor = next.toString('latin1');
      for (const redisKey of redisKeys) {
        const key = this.#space.fromRedis(redisKey);
        if (key !== undefined && (range === undefined || inRange(range, key))) found.add(key.toString('latin1'));
      }
    } while (cursor !== '0');
    // latin1 maps each byte to one UTF-16 unit below 256, so string order is byte order.
    return [...found].sort();
  }

  protected async _count(): Promise<number> {
    return (await this.#keysIn(undefined)).length;
  }

  protected _compact(): CompactResult {
    return { bytesBefore: 0, bytesAfter: 0, reclaimedBytes: 0, details: { note: 'the Redis server manages its own memory; nothing to compact' } };
  }

  protected async _stats(): Promise<EngineStats> {
    const [keys, info] = await Promise.all([this._count(), this.#send('INFO', 'server')]);
    const version = /redis_version:([^\r\n]+)/.exec(String(info))?.[1] ?? 'unknown';
    return {
      engine: this.name,
      keys,
      diskBytes: 0,
      url: this.#connection.url,
      namespace: this.#options.namespace,
      redisVersion: version,
    };
  }

  protected _close(): Promise<void> {
    return this.#connection.close();
  }
}
