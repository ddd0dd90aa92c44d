/**
 * Engines by name. A descriptor is metadata plus a lazy `load`, so naming an engine costs
 * nothing until it is opened: the CLI never imports an engine (or its native module) it
 * does not use.
 */
import { ErrorCodes, KvsError } from './errors.js';
import type { EngineOpenOptions, KvsEngine, Supports } from './types.js';

/** What an engine's module exports. */
export interface EngineModule {
  readonly supports: Supports;
  open(options: EngineOpenOptions): Promise<KvsEngine>;
}

/**
 * What in an engine's design explains each kind of benchmark figure: one clause per aspect that
 * names a mechanism, not a measurement ("a get is one hash lookup and one positional read"), and
 * reads after "in ENGINE, ". `kvs bench` quotes them as the *why* of its verdict; an aspect left
 * out falls back to the descriptor's summary.
 */
export interface EngineTraits {
  /** How one set or delete reaches the store (fills, overwrite, deletes). */
  readonly write?: string;
  /** What a `batch()` of many sets costs compared with single sets. */
  readonly batch?: string;
  /** What a write costs under sync `always`. */
  readonly sync?: string;
  /** How a get finds a key that is there. */
  readonly read?: string;
  /** How a get learns that a key is absent. */
  readonly miss?: string;
  /** How an ordered scan, full or short, walks the keys. */
  readonly scan?: string;
  /** How reads fare while another task writes. */
  readonly concurrency?: string;
  /** What the engine holds in memory, and what a reopen must do before the first get. */
  readonly footprint?: string;
}

/** Every aspect an `EngineTraits` may describe. */
export const TRAIT_ASPECTS: readonly (keyof EngineTraits)[] = ['write', 'batch', 'sync', 'read', 'miss', 'scan', 'concurrency', 'footprint'];

export interface EngineDescriptor {
  name: string;
  /** One line for `kvs engines`. */
  summary: string;
  /** The design behind the figures, for the verdict of `kvs bench`; optional. */
  traits?: EngineTraits;
  load(): Promise<EngineModule>;
}

/** The engine a new store uses when none is named. */
export const DEFAULT_ENGINE = 'bitcask';

const engines = new Map<string, EngineDescriptor>();

/** Adds an engine; throws if the name is taken. */
export function registerEngine(descriptor: EngineDescriptor): void {
  if (!/^[a-z][a-z0-9-]*$/.test(descriptor.name)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `engine name "${descriptor.name}" must be lowercase letters, digits and dashes`);
  }
  if (engines.has(descriptor.name)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `an engine named "${descriptor.name}" is already registered`);
  }
  for (const [aspect, text] of Object.entries(descriptor.traits ?? {})) {
    if (!TRAIT_ASPECTS.includes(aspect as keyof EngineTraits)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `engine "${descriptor.name}" has an unknown trait "${aspect}"; traits are ${TRAIT_ASPECTS.join(', ')}`);
    }
    if (typeof text !== 'string' || text.trim() === '') {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `engine "${descriptor.name}": traits.${aspect} must be a non-empty string`);
    }
  }
  engines.set(descriptor.name, descriptor);
}

/** Every registered engine, in registration order. */
export function listEngines(): EngineDescriptor[] {
  return [...engines.values()];
}

/** The descriptor for `name`; throws UNKNOWN_ENGINE, listing the known names, if there is none. */
export function findEngine(name: string): EngineDescriptor {
  const found = engines.get(name);
  if (found === undefined) {
    throw new KvsError(
      ErrorCodes.UNKNOWN_ENGINE,
      `unknown engine "${name}"; known engines: ${[...engines.keys()].join(', ')} (see \`kvs engines\`)`,
      { details: { engine: name, known: [...engines.keys()] } },
    );
  }
  return found;
}

/** Loads an engine's module, turning a failed import into ENGINE_UNAVAILABLE with the reason. */
export async function loadEngine(name: string): Promise<EngineModule> {
  const descriptor = findEngine(name);
  try {
    return await descriptor.load();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `engine "${name}" cannot be loaded here: ${reason}`, { cause: err });
  }
}

registerEngine({
  name: 'bitcask',
  summary: 'Log-structured hash table (Bitcask): one disk read per get, keys held in memory',
  traits: {
    write: 'a set is one append to the active data file plus one update of the in-memory keydir, with nothing rewritten until a merge',
    batch: 'a batch is one append of all its records and one keydir update per key',
    sync: 'under `always` each write waits for an fsync of the active data file, shared by the writers waiting at the same time',
    read: 'a get is one lookup in the in-memory keydir (a hash table) and one positional read of the value',
    miss: 'a missing key is a miss in the in-memory hash table, with no disk access at all',
    scan: 'the keydir is a hash table with no order, so a scan first sorts the keys in its range (a limited scan walks every key to pick its first ones) and then reads each value from disk',
    concurrency: 'gets and appends are synchronous calls on the one event loop, so a busy writer takes turns from the readers',
    footprint: 'every key is held in memory (about 50 bytes plus the key), and a reopen rebuilds the keydir from the hint files',
  },
  load: async () => (await import('../engines/bitcask/index.js')).bitcaskEngine,
});
registerEngine({
  name: 'lsm',
  summary: 'LSM tree (LevelDB design): WAL, memtable, SSTables with bloom filters, leveled compaction',
  traits: {
    write: 'a set is a WAL append plus a skiplist insert, and flushes and compactions rewrite the data later, in slices between writes',
    batch: 'a batch is one WAL record and one memtable insert per key',
    sync: 'under `always` each write waits for an fsync of the WAL, shared by the writers waiting at the same time',
    read: 'a get that misses the memtable checks the bloom filter of each level-0 table and of one table per deeper level, then decodes a data block in JavaScript (behind an 8 MiB block cache)',
    miss: 'bloom filters (10 bits per key, about 1% false positives) rule out almost every table without reading a block',
    scan: 'a scan merges the memtable and the sorted tables in key order, reading each data block once',
    concurrency: 'flushes and compactions run in slices on the same event loop as the reads and writes',
    footprint: 'memory holds the memtable (up to 4 MiB) and the block cache (8 MiB), not the keys, and a reopen replays the WAL into a level-0 table',
  },
  load: async () => (await import('../engines/lsm/index.js')).lsmEngine,
});
registerEngine({
  name: 'memory',
  summary: 'Sorted in-memory map, nothing on disk; the reference model in tests',
  traits: {
    write: 'a set updates a JavaScript Map and one sorted array of keys: cheap at the end, an O(n) splice in the middle',
    batch: 'a batch is the same sets, one after the other, on the heap',
    sync: 'nothing is written anywhere, so syncing costs nothing',
    read: 'a get is one JavaScript Map lookup',
    miss: 'a missing key is one JavaScript Map lookup',
    scan: 'a scan walks the sorted key array',
    concurrency: 'every operation is synchronous on the event loop',
    footprint: 'everything lives on the JavaScript heap, and nothing survives a restart',
  },
  load: async () => (await import('../engines/memory/index.js')).memoryEngine,
});
registerEngine({
  name: 'level',
  summary: 'LevelDB (classic-level): ordered LSM tree from Google, synchronous gets, native batches',
  traits: {
    write: 'each set is a native LevelDB batch run on the libuv thread pool (a log append and a memtable insert in C++), one batch in flight at a time',
    batch: 'a batch is one native call and one log record for all its keys, so the thread-pool round trip is paid once',
    sync: 'under `always` each native batch waits for an fsync of the log, and writes queued meanwhile share it',
    read: 'a get is a synchronous native call (`getSync`) through the memtable, bloom filters and cached blocks, all in C++',
    miss: 'a missing key is settled in C++ by the memtable and the bloom filters of the tables, in one synchronous call',
    scan: 'a scan is a native iterator that hands over 256 entries per call',
    concurrency: 'writes and compactions run on native threads, off the event loop, so readers keep it to themselves',
    footprint: 'memory holds the write buffer and block cache of LevelDB, not the keys, and a reopen replays the log',
  },
  load: async () => (await import('../engines/level/index.js')).levelEngine,
});
registerEngine({
  name: 'sqlite',
  summary: 'SQLite (better-sqlite3): one BLOB-keyed table in WAL mode, fully synchronous',
  traits: {
    write: 'each set is a transaction of its own, which writes at least one whole 4 KiB page to the WAL (and again at the checkpoint)',
    batch: 'a batch is one transaction whose pages serve all its keys, which pays most when the keys are adjacent',
    sync: 'under `always` (`synchronous=FULL`) every commit fsyncs the WAL',
    read: 'a get is one step of a cached prepared statement down the B-tree, synchronous on the calling thread',
    miss: 'a missing key still walks the B-tree down to a leaf',
    scan: 'a scan reads the leaves of the B-tree in key order, 256 rows per query',
    concurrency: 'every call is synchronous on the event loop, and a write holds it for its whole transaction',
    footprint: 'memory holds the page cache of SQLite, not the keys, and a reopen has nothing to replay',
  },
  load: async () => (await import('../engines/sqlite/index.js')).sqliteEngine,
});
registerEngine({
  name: 'lmdb',
  summary: 'LMDB (lmdb-js): memory-mapped B+tree, synchronous reads and writes, multi-process',
  traits: {
    write: 'a set is a synchronous write transaction on a copy-on-write B+tree in a memory map, one writer at a time',
    batch: 'a batch is one write transaction, so the copied pages serve all its keys',
    sync: 'under `always` every write transaction fdatasyncs before it returns',
    read: 'a get reads the B+tree straight from the memory map, synchronously and without copying into a cache',
    miss: 'a missing key walks the B+tree in the memory map down to a leaf',
    scan: 'a scan walks the leaves of the B+tree in key order, straight from the memory map',
    concurrency: 'there is a single writer, and each write transaction runs synchronously on the event loop, so a writer delays the readers',
    footprint: 'the map lives in the page cache of the OS, not on the JavaScript heap, and a reopen only maps the file',
  },
  load: async () => (await import('../engines/lmdb/index.js')).lmdbEngine,
});
registerEngine({
  name: 'rocksdb',
  summary: 'RocksDB (rocksdb/leveldown): ordered LSM tree from Meta, native batches, read-only opens',
  traits: {
    write: 'each set is a native RocksDB batch run on the libuv thread pool, one batch in flight at a time',
    batch: 'a batch is one native call for all its keys, so the thread-pool round trip is paid once',
    sync: 'under `always` each native batch waits for an fsync of the WAL, and writes queued meanwhile share it',
    read: 'this binding has no synchronous get, so every get is a `getMany` round trip through the thread pool',
    miss: 'a lookup of a missing key pays the same thread-pool round trip as a hit',
    scan: 'a scan is a native iterator that fetches its entries in batches',
    concurrency: 'writes and compactions run on native threads, but gets too wait in the queue of the thread pool',
    footprint: 'memory holds the write buffer and block cache of RocksDB, not the keys, and a reopen replays the WAL',
  },
  load: async () => (await import('../engines/rocksdb/index.js')).rocksdbEngine,
});
registerEngine({
  name: 'redis',
  summary: 'Redis server or Redis Cluster over the network (--url / KVS_REDIS_URL): keys under a namespace, MULTI/EXEC batches (per slot on a cluster), sorted SCAN',
  traits: {
    write: 'each set is a network round trip to the server, pipelined on one connection',
    batch: 'a batch is one `MULTI`/`EXEC` transaction: one round trip for all its keys',
    sync: 'durability is the configuration of the server: kvs cannot make it fsync',
    read: 'each get is a network round trip, answered from the memory of the server',
    miss: 'a missing key costs the same round trip as a hit',
    scan: 'the server keeps no order, so a scan gathers every key of its range with `SCAN`, sorts them here, then fetches the values with `MGET`',
    concurrency: 'the server runs commands one at a time, and the client only waits on the network',
    footprint: 'the data lives in the memory of the server, and a reopen is a new connection',
  },
  load: async () => (await import('../engines/redis/index.js')).redisEngine,
});
