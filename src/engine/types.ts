/**
 * The engine contract: what every kvs storage engine offers, whatever it stores data in.
 * Keys and values are bytes; strings are accepted as UTF-8 and results are always Buffers.
 */

/** A key or value as callers may give it. Strings are encoded as UTF-8. */
export type BytesLike = string | Uint8Array;

/**
 * When a write reaches stable storage.
 * - `always`: fsync before the write's promise resolves (survives power loss once acknowledged).
 * - `interval`: a background fsync every `syncIntervalMs` (default 1000 ms); a crash of the
 *   machine can lose up to that window, a crash of the process loses nothing already written.
 * - `never`: left to the operating system.
 */
export type SyncPolicy = 'always' | 'interval' | 'never';

export const SYNC_POLICIES: readonly SyncPolicy[] = ['always', 'interval', 'never'];

/** Bounds of a scan. All bounds combine (intersection); `prefix` is a bound like the others. */
export interface ScanOptions {
  prefix?: BytesLike;
  gte?: BytesLike;
  gt?: BytesLike;
  lte?: BytesLike;
  lt?: BytesLike;
  /** Largest number of entries to yield; no limit when absent. */
  limit?: number;
  /** Yield in descending byte order. */
  reverse?: boolean;
}

export type BatchOp =
  | { type: 'set'; key: BytesLike; value: BytesLike }
  | { type: 'delete'; key: BytesLike };

/** What an engine can do; the conformance suite and the CLI honour it. */
export interface Supports {
  /** Data survives close and reopen. */
  persistent: boolean;
  /** `scan` yields in byte order of keys (otherwise in an unspecified order). */
  orderedScan: boolean;
  /** `batch` applies all of its operations or none, also across a crash. */
  atomicBatch: boolean;
  /** The sync policies the engine honours. */
  syncPolicies: readonly SyncPolicy[];
  /** `compact` reclaims space (otherwise it is a no-op that reports zero). */
  compaction: boolean;
  /** The engine stores data in a local directory (otherwise in memory or on a server). */
  directory: boolean;
}

/** A statistic: a number, a short text, or a list/record of them for per-file detail. */
export type StatValue = number | string | boolean | null | StatValue[] | { [name: string]: StatValue };

/** Engine statistics. The three common fields are always present; engines add their own. */
export interface EngineStats {
  engine: string;
  /** Live keys. */
  keys: number;
  /** Bytes the store occupies on disk (0 for engines without a directory). */
  diskBytes: number;
  [name: string]: StatValue;
}

export interface CompactResult {
  bytesBefore: number;
  bytesAfter: number;
  /** bytesBefore - bytesAfter, never negative. */
  reclaimedBytes: number;
  /** Engine-specific facts about the compaction (files merged, duration, ...). */
  details: { [name: string]: StatValue };
}

/** One piece of damage that `verify` found. */
export interface VerifyProblem {
  /** The damaged file, by its name inside the store directory (for a server engine: the node). */
  file: string;
  /** Byte offset of the damaged record or block in `file`, where the engine can tell. */
  offset?: number;
  /** What is wrong, in words a person can act on. */
  message: string;
}

/** What `verify` read and what it found. */
export interface VerifyReport {
  /** True iff `problems` is empty. */
  ok: boolean;
  /** What was read, by the engine's own units, e.g. `{ files: 3, records: 12000, bytes: 1234567 }`. */
  checked: { [unit: string]: number };
  problems: VerifyProblem[];
  /** What the engine cannot detect (e.g. "LMDB keeps no checksums: a flipped byte in data.mdb is served"); empty when everything stored is covered. */
  notChecked: string[];
}

export type EngineStatus = 'open' | 'closing' | 'closed';

/**
 * A key-value store. Methods reject with a KvsError once `close()` has been called.
 * Operations issued without awaiting run in the order they were issued.
 */
export interface KvsEngine {
  /** Registry name of the engine ("bitcask", "memory", ...). */
  readonly name: string;
  readonly supports: Supports;
  readonly status: EngineStatus;
  /** True iff the store was opened read-only (writes reject with READ_ONLY). */
  readonly readOnly: boolean;
  /**
   * The sync policy this store runs: the one requested at open, or the engine's strongest when
   * none was requested. What an acknowledged write survives follows from it (see SyncPolicy).
   */
  readonly syncPolicy: SyncPolicy;

  /** The value of `key`, or `undefined` iff the key is absent. */
  get(key: BytesLike): Promise<Buffer | undefined>;
  /** True iff `key` is present. */
  has(key: BytesLike): Promise<boolean>;
  /** Stores `value` under `key`, replacing any previous value. */
  set(key: BytesLike, value: BytesLike): Promise<void>;
  /**
   * Removes `key`; resolves true iff it was present. The answer is part of the contract (the CLI's
   * `rm` and the server's DEL report it), and it has a price where the engine cannot know it for
   * free: bitcask and memory know it from their in-memory index, sqlite and lmdb from the delete
   * itself, redis from DEL's reply; lsm and level do a get first (so deleting an absent key writes
   * nothing), and rocksdb reads the key just before the delete's batch.
   */
  delete(key: BytesLike): Promise<boolean>;
  /** Applies `ops` in order; atomically iff `supports.atomicBatch`. Validates every op before applying any. */
  batch(ops: readonly BatchOp[]): Promise<void>;
  /**
   * Entries within the bounds, in byte order of keys (descending with `reverse`); without
   * `supports.orderedScan`, in an unspecified order.
   *
   * Visibility while the scan runs (every engine, so scans behave alike everywhere): a scan is
   * not a snapshot. It yields each key at most once, and for every key it has not reached yet it
   * yields the value current when it reaches it: a write or delete made during the scan is seen
   * iff it lands ahead of the scan's position; one behind it is not. (Snapshot scans would need
   * every engine to pin old versions; Bitcask, SQLite's paged reads and Redis cannot.) Iterating
   * after `close()` rejects with NOT_OPEN.
   */
  scan(options?: ScanOptions): AsyncIterable<[Buffer, Buffer]>;
  /** Number of live keys. */
  count(): Promise<number>;
  /** Reclaims space held by overwritten and deleted data now. */
  compact(): Promise<CompactResult>;
  stats(): Promise<EngineStats>;
  /**
   * Reads every record or block the store holds (live or not) and checks it; changes nothing,
   * and works on a store opened read-only. Damage is reported in the result, not thrown: it
   * rejects only when the store cannot be read at all.
   */
  verify(): Promise<VerifyReport>;
  /** Waits for pending operations, makes written data durable, releases the store. Idempotent. */
  close(): Promise<void>;
}

/** Options every engine receives from `openStore`, already validated. */
export interface EngineOpenOptions {
  /** Absolute data directory (engines with `supports.directory`). */
  dir: string;
  sync: SyncPolicy;
  syncIntervalMs: number;
  readOnly: boolean;
  /** Location of a remote store (engines without `supports.directory`, e.g. redis://host:port); undefined when not given. */
  url: string | undefined;
  /**
   * True iff the directory's store marker was there before this open: the store exists, so the
   * engine must find its files and never create them afresh (a missing database is CORRUPTION).
   * Absent or false: the marker was written by this open (or there is none) and the engine may create its files.
   */
  existing?: boolean;
  /** Engine-specific tuning; each engine validates and documents its own keys. */
  options: Record<string, unknown>;
  /**
   * Hears of things the user should know that are not errors, such as a torn tail that recovery
   * cut off; one human-readable sentence per call. Engines with nothing to report ignore it.
   */
  onWarning?: (message: string) => void;
}
