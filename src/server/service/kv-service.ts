/**
 * The store as the server's interfaces (RESP, HTTP) see it: one open engine, writes that
 * publish to the change feed, read-modify-write under per-key locks, and counters the
 * metrics endpoint reads. Every write of every interface goes through here, so the feed and
 * the counters see all of them. Concurrency: plain writes to different keys run concurrently
 * (so `sync: always` writers share fsyncs); writes to one key are serialised.
 */
import type { BatchOp, BytesLike, CompactResult, EngineStats, KvsEngine, ScanOptions } from '../../engine/types.js';
import { checkBatch, checkKey, checkValue } from '../../engine/validate.js';
import { toBuffer } from '../../util/bytes.js';
import { ChangeFeed, type Via } from './change-feed.js';
import { KeyLocks } from './key-locks.js';
import { Watches } from './watches.js';

export interface ServiceInfo {
  /** Engine name. */
  engine: string;
  /** Absolute data directory, or '' for engines without one. */
  dir: string;
  /** kvs version. */
  version: string;
}

/** One command served, for metrics: which interface, which command, how long, whether it failed. */
export interface OpEvent {
  via: Via;
  command: string;
  seconds: number;
  ok: boolean;
}

export interface ServiceObserver {
  op?(event: OpEvent): void;
  /** A client connected (+1) or went away (-1). `via` is 'resp', 'http' or 'ws'. */
  connection?(via: Via | 'ws', delta: 1 | -1): void;
}

/**
 * Reads and writes inside `withKeys`: no locking of their own (the caller holds the keys' locks).
 * A write is validated (rejecting with KEY_TOO_LARGE etc. before anything is written), then
 * issued; its promise resolves once it is issued, so a later `get` sees it. It is durable when
 * `withKeys` resolves: the lock is not held through the fsync, so writers of one key share fsyncs.
 */
export interface LockedOps {
  get(key: Buffer): Promise<Buffer | undefined>;
  set(key: Buffer, value: Buffer): Promise<void>;
  /** Resolves true iff the key was present (and is now being deleted). */
  delete(key: Buffer): Promise<boolean>;
  batch(ops: readonly BatchOp[]): Promise<void>;
}

/**
 * Receives the completion of a command's writes instead of the command waiting for it: the
 * RESP connection collects them, lets the commands of one batch share one durability point, and
 * sends their replies only once they have all completed (group commit). `done` may reject; the
 * receiver must handle that (a reply must then not claim success).
 */
export type Defer = (done: Promise<void>) => void;

export class KvService {
  readonly engine: KvsEngine;
  readonly info: ServiceInfo;
  readonly changes = new ChangeFeed();
  /** RESP WATCH: every write issued here touches its keys. */
  readonly watches = new Watches();
  readonly startedAt = Date.now();
  readonly #locks = new KeyLocks();
  readonly #observers = new Set<ServiceObserver>();
  readonly #connections = { resp: 0, http: 0, ws: 0 };

  constructor(engine: KvsEngine, info: ServiceInfo) {
    this.engine = engine;
    this.info = info;
  }

  get(key: BytesLike): Promise<Buffer | undefined> {
    return this.engine.get(key);
  }

  has(key: BytesLike): Promise<boolean> {
    return this.engine.has(key);
  }

  scan(options?: ScanOptions): AsyncIterable<[Buffer, Buffer]> {
    return this.engine.scan(options);
  }

  count(): Promise<number> {
    return this.engine.count();
  }

  set(key: BytesLike, value: BytesLike, via: Via, defer?: Defer): Promise<void> {
    const k = toBuffer(key);
    return this.withKeys([k], via, (ops) => ops.set(k, toBuffer(value)), defer);
  }

  delete(key: BytesLike, via: Via, defer?: Defer): Promise<boolean> {
    const k = toBuffer(key);
    return this.withKeys([k], via, (ops) => ops.delete(k), defer);
  }

  batch(ops: readonly BatchOp[], via: Via, defer?: Defer): Promise<void> {
    return this.withKeys(ops.map((op) => toBuffer(op.key)), via, (locked) => locked.batch(ops), defer);
  }

  /**
   * Runs `fn` holding the locks of `keys`: no other write to those keys interleaves, so a
   * read-modify-write (INCR, APPEND, SET NX/GET, GETDEL, MSETNX ...) is atomic with respect to
   * every other client. Resolves once every write `fn` made is acknowledged by the engine (on
   * disk under `sync: always`); the locks are released earlier, as soon as `fn` has issued its
   * writes, because the engine applies operations in the order they are issued. Writes are
   * published to the change feed as they are acknowledged. `fn` must only touch the keys it named.
   * With `defer`, resolves as soon as the writes are issued and hands their completion to `defer`
   * (which must not be called with a failure of `fn` itself: that still rejects this call).
   */
  async withKeys<T>(keys: readonly Buffer[], via: Via, fn: (ops: LockedOps) => Promise<T>, defer?: Defer): Promise<T> {
    const release = await this.#locks.lock(keys);
    const writes: Promise<void>[] = [];
    let result: T;
    try {
      result = await fn(this.#lockedOps(via, writes));
    } catch (err) {
      release();
      await Promise.allSettled(writes); // issued writes still complete; the first failure is reported
      throw err;
    }
    release();
    if (defer === undefined) await Promise.all(writes);
    else if (writes.length > 0) {
      const done = writes.length === 1 ? writes[0]! : Promise.all(writes).then(() => undefined);
      done.catch(() => {}); // the receiver observes the failure; this keeps it from counting as unhandled meanwhile
      defer(done);
    }
    return result;
  }

  /** Deletes every key (FLUSHDB), holding the whole store so no write interleaves. Resolves with how many were deleted. */
  async clear(via: Via, defer?: Defer): Promise<number> {
    const release = await this.#locks.lockAll();
    const writes: Promise<void>[] = [];
    try {
      const keys: Buffer[] = [];
      for await (const [key] of this.engine.scan()) keys.push(key);
      this.watches.touchAll();
      const ops = this.#lockedOps(via, writes);
      const CHUNK = 1000;
      for (let i = 0; i < keys.length; i += CHUNK) {
        await ops.batch(keys.slice(i, i + CHUNK).map((key) => ({ type: 'delete' as const, key })));
      }
      return keys.length;
    } finally {
      release();
      if (defer === undefined) await Promise.all(writes);
      else for (const write of writes) defer(write);
    }
  }

  compact(): Promise<CompactResult> {
    return this.engine.compact();
  }

  stats(): Promise<EngineStats> {
    return this.engine.stats();
  }

  /** Adds an observer of served commands and connections (the metrics endpoint); returns the function that removes it. */
  observe(observer: ServiceObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /** Called by an interface after each command it served. */
  recordOp(event: OpEvent): void {
    for (const observer of this.#observers) observer.op?.(event);
  }

  /** Called by an interface when a client connects (+1) or disconnects (-1). */
  recordConnection(via: Via | 'ws', delta: 1 | -1): void {
    this.#connections[via] += delta;
    for (const observer of this.#observers) observer.connection?.(via, delta);
  }

  /** Clients connected right now, per interface. */
  connections(): { resp: number; http: number; ws: number } {
    return { ...this.#connections };
  }

  /** Operations that issue writes without waiting for them; `writes` collects their completions. */
  #lockedOps(via: Via, writes: Promise<void>[]): LockedOps {
    const engine = this.engine;
    const feed = this.changes;
    const watches = this.watches;
    const issue = (write: Promise<unknown>, publish: () => void): void => {
      const done = write.then(publish);
      done.catch(() => {}); // awaited by withKeys; this only keeps a failure from counting as unhandled meanwhile
      writes.push(done);
    };
    return {
      get: (key) => engine.get(key),
      set: async (key, value) => {
        const k = checkKey(key);
        const v = checkValue(value);
        watches.touch(k);
        issue(engine.set(k, v), () => feed.publish('set', k, v.length, via));
      },
      delete: async (key) => {
        const k = checkKey(key);
        if (!(await engine.has(k))) return false;
        watches.touch(k);
        issue(engine.delete(k), () => feed.publish('delete', k, 0, via));
        return true;
      },
      batch: async (ops) => {
        const checked = checkBatch(ops);
        if (checked.length === 0) return;
        for (const op of checked) watches.touch(op.key);
        issue(engine.batch(checked), () => {
          for (const op of checked) feed.publish(op.type, op.key, op.type === 'set' ? op.value.length : 0, via);
        });
      },
    };
  }
}
