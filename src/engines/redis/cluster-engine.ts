/**
 * The redis engine on a Redis Cluster: every key under `<namespace>:`, single-key commands routed
 * by hash slot, batches as one MULTI/EXEC per slot, and scans in byte order merged over every
 * master a page at a time (memory bounded by the page, not the range). Opened by `openRedis` when
 * the seed node reports `cluster_enabled:1`.
 */
import { BaseEngine } from '../../engine/base-engine.js';
import { inRange, resumeAfter, type KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineStats, StatValue, Supports } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { ClusterConnection, type ClusterMaster } from './cluster-connection.js';
import { onStableSlots } from './cluster-topology.js';
import type { RedisArg } from './connection.js';
import { hashSlot } from './hash-slot.js';
import { commonRangePrefix, KeySpace } from './key-space.js';
import type { RedisOptions } from './options.js';
import { PageSelection } from './page-selection.js';
import { FIRST_CHUNK, MAX_CHUNK, redisSupports } from './redis-engine.js';

/**
 * A standalone server's supports but for batches: MULTI/EXEC runs on one node, so a batch is atomic
 * only when all its keys share a hash slot (e.g. a common {hash tag}); otherwise each slot's part
 * applies on its own. Scans read values in rounds of GETs (one pipeline per master), sized as the
 * standalone engine's MGET chunks.
 */
export const redisClusterSupports: Supports = { ...redisSupports, atomicBatch: false };

export class ClusterEngine extends BaseEngine {
  readonly name = 'redis';
  readonly supports = redisClusterSupports;
  readonly #connection: ClusterConnection;
  readonly #space: KeySpace;
  readonly #options: RedisOptions;
  readonly #version: string;

  constructor(connection: ClusterConnection, options: RedisOptions, readOnly: boolean, version: string) {
    super({ readOnly, sync: 'never' }); // durability is each node's appendfsync and replication
    this.#connection = connection;
    this.#options = options;
    this.#space = new KeySpace(options.namespace);
    this.#version = version;
  }

  /** `name <redis key of key> ...rest`, sent to the master of the key's slot. */
  #send(name: 'GET' | 'EXISTS' | 'SET' | 'DEL', key: Buffer, ...rest: RedisArg[]): Promise<unknown> {
    const redisKey = this.#space.toRedis(key);
    return this.#connection.send(redisKey, [name, redisKey, ...rest], name === 'GET' || name === 'EXISTS');
  }

  protected async _get(key: Buffer): Promise<Buffer | undefined> {
    const value = await this.#send('GET', key);
    return value === null ? undefined : (value as Buffer);
  }

  protected override async _has(key: Buffer): Promise<boolean> {
    return (await this.#send('EXISTS', key)) === 1;
  }

  protected async _set(key: Buffer, value: Buffer): Promise<void> {
    await this.#send('SET', key, Buffer.from(value));
  }

  protected async _delete(key: Buffer): Promise<boolean> {
    return (await this.#send('DEL', key)) === 1;
  }

  /**
   * One MULTI/EXEC per hash slot that has several operations, each with that slot's operations in
   * batch order; the slots with one operation go as one pipeline per master. All are sent at once.
   * Operations on one key share its slot, so their order holds; a batch whose keys share a slot is
   * atomic. If a node fails, the other slots' parts may have been applied.
   */
  protected async _batch(ops: CheckedOp[]): Promise<void> {
    const bySlot = new Map<number, { key: Buffer; commands: RedisArg[][] }>();
    for (const op of ops) {
      const redisKey = this.#space.toRedis(op.key);
      const slot = hashSlot(redisKey);
      let group = bySlot.get(slot);
      if (group === undefined) bySlot.set(slot, (group = { key: redisKey, commands: [] }));
      group.commands.push(op.type === 'set' ? ['SET', redisKey, Buffer.from(op.value)] : ['DEL', redisKey]);
    }
    const singles: { key: Buffer; args: RedisArg[] }[] = [];
    const transactions: Promise<unknown>[] = [];
    for (const group of bySlot.values()) {
      if (group.commands.length === 1) singles.push({ key: group.key, args: group.commands[0]! });
      else transactions.push(this.#connection.transaction(group.key, group.commands));
    }
    await Promise.all([...transactions, this.#connection.pipeline(singles)]);
  }

  /**
   * Pages of the range in byte order: each page is one pass of SCAN over every master (on a
   * steady slot map) keeping only the next `page` keys after the last one yielded, then their
   * values by pipelined GETs. A page is scanPageKeys keys (or the limit), so memory stays bounded by it
   * while a scan of R keys over N keys in the database costs about N × R / scanPageKeys keys
   * examined. A key written ahead of the scan's position is seen; one deleted is skipped.
   */
  protected async *_scan(range: KeyRange): AsyncIterable<[Buffer, Buffer]> {
    let rest = range;
    let yielded = 0;
    // A pass examines every key of the database whatever the page size, so each page is as large
    // as memory allows (or the limit): a scan of R keys takes ceil(R / scanPageKeys) passes. An
    // early break still reads few values: they come in growing chunks.
    const page = Math.min(range.limit, this.#options.scanPageKeys);
    for (;;) {
      const wanted = Math.min(page, range.limit - yielded);
      const keys = await this.#nextPage(rest, wanted);
      let chunk = FIRST_CHUNK;
      for (let i = 0; i < keys.length && yielded < range.limit; i += chunk, chunk = Math.min(chunk * 2, MAX_CHUNK)) {
        const batch = keys.slice(i, i + chunk).map((k) => Buffer.from(k, 'latin1'));
        const values = await this.#connection.getMany(batch.map((k) => this.#space.toRedis(k)));
        for (let j = 0; j < batch.length && yielded < range.limit; j++) {
          const value = values[j];
          if (value === null || value === undefined) continue; // deleted since the pass saw it
          yielded++;
          yield [batch[j]!, value];
        }
      }
      if (keys.length < wanted || yielded >= range.limit) return;
      rest = resumeAfter(range, Buffer.from(keys[keys.length - 1]!, 'latin1'));
    }
  }

  /** The first `size` keys of `range` in its direction, from one SCAN pass over every master. */
  #nextPage(range: KeyRange, size: number): Promise<string[]> {
    const pattern = this.#space.matchPattern(commonRangePrefix(range));
    return onStableSlots(this.#connection, this.#options.commandTimeoutMs, 'a scan', async (masters) => {
      const selection = new PageSelection(size, range.reverse);
      await Promise.all(masters.map((m) => this.#scanMaster(m, pattern, (key) => inRange(range, key) && selection.offer(key.toString('latin1')))));
      return selection.keys();
    });
  }

  /** Runs SCAN MATCH `pattern` to the end on `master`, passing each kvs key of this space to `onKey`. */
  async #scanMaster(master: ClusterMaster, pattern: Buffer, onKey: (key: Buffer) => void): Promise<void> {
    const count = String(this.#options.scanCount);
    let cursor = '0';
    do {
      const [next, redisKeys] = (await master.send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', count])) as [Buffer, Buffer[]];
      cursor = next.toString('latin1');
      for (const redisKey of redisKeys) {
        const key = this.#space.fromRedis(redisKey);
        if (key !== undefined) onKey(key);
      }
    } while (cursor !== '0');
  }

  /** Keys of this namespace on each master (deduplicated per master: SCAN may repeat a key). */
  #keysPerMaster(): Promise<{ master: ClusterMaster; keys: number }[]> {
    const pattern = this.#space.matchPattern();
    return onStableSlots(this.#connection, this.#options.commandTimeoutMs, 'a count', (masters) =>
      Promise.all(
        masters.map(async (master) => {
          const seen = new Set<string>();
          await this.#scanMaster(master, pattern, (key) => seen.add(key.toString('latin1')));
          return { master, keys: seen.size };
        }),
      ),
    );
  }

  protected async _count(): Promise<number> {
    return (await this.#keysPerMaster()).reduce((sum, m) => sum + m.keys, 0);
  }

  /** Per master: its address, the slots it serves, the namespace's keys on it and its memory. */
  async #nodeFigures(): Promise<{ [name: string]: StatValue }[]> {
    const perMaster = await this.#keysPerMaster();
    return Promise.all(
      perMaster.map(async ({ master, keys }) => {
        const [memory, nodes] = (await Promise.all([master.send(['INFO', 'memory']), master.send(['CLUSTER', 'NODES'])])).map(String);
        const usedMemory = Number(/used_memory:(\d+)/.exec(memory!)?.[1] ?? 0);
        const own = nodes!.split('\n').find((line) => line.includes('myself')) ?? '';
        const slots = own.trim().split(' ').slice(8).filter((r) => !r.startsWith('[')).reduce((sum, r) => {
          const [from, to] = r.split('-').map(Number);
          return sum + (to === undefined ? 1 : to - from! + 1);
        }, 0);
        return { node: master.address, slots, keys, usedMemory };
      }),
    );
  }

  protected async _compact(): Promise<CompactResult> {
    const nodes = await this.#nodeFigures();
    return { bytesBefore: 0, bytesAfter: 0, reclaimedBytes: 0, details: { note: 'each Redis Cluster node manages its own memory; nothing to compact', nodes } };
  }

  protected async _stats(): Promise<EngineStats> {
    const nodes = await this.#nodeFigures();
    return {
      engine: this.name,
      keys: nodes.reduce((sum, n) => sum + (n.keys as number), 0),
      diskBytes: 0,
      url: this.#connection.url,
      namespace: this.#options.namespace,
      redisVersion: this.#version,
      mode: 'cluster',
      masters: nodes.length,
      usedMemory: nodes.reduce((sum, n) => sum + (n.usedMemory as number), 0),
      nodes,
    };
  }

  protected _close(): Promise<void> {
    return this.#connection.close();
  }
}
