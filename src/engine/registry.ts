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

export interface EngineDescriptor {
  name: string;
  /** One line for `kvs engines`. */
  summary: string;
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
  load: async () => (await import('../engines/bitcask/index.js')).bitcaskEngine,
});
registerEngine({
  name: 'lsm',
  summary: 'LSM tree (LevelDB design): WAL, memtable, SSTables with bloom filters, leveled compaction',
  load: async () => (await import('../engines/lsm/index.js')).lsmEngine,
});
registerEngine({
  name: 'memory',
  summary: 'Sorted in-memory map, nothing on disk; the reference model in tests',
  load: async () => (await import('../engines/memory/index.js')).memoryEngine,
});
registerEngine({
  name: 'level',
  summary: 'LevelDB (classic-level): ordered LSM tree from Google, synchronous gets, native batches',
  load: async () => (await import('../engines/level/index.js')).levelEngine,
});
registerEngine({
  name: 'sqlite',
  summary: 'SQLite (better-sqlite3): one BLOB-keyed table in WAL mode, fully synchronous',
  load: async () => (await import('../engines/sqlite/index.js')).sqliteEngine,
});
registerEngine({
  name: 'lmdb',
  summary: 'LMDB (lmdb-js): memory-mapped B+tree, synchronous reads and writes, multi-process',
  load: async () => (await import('../engines/lmdb/index.js')).lmdbEngine,
});
registerEngine({
  name: 'rocksdb',
  summary: 'RocksDB (rocksdb/leveldown): ordered LSM tree from Meta, native batches, read-only opens',
  load: async () => (await import('../engines/rocksdb/index.js')).rocksdbEngine,
});
registerEngine({
  name: 'redis',
  summary: 'Redis server over the network (--url / KVS_REDIS_URL): keys under a namespace, MULTI/EXEC batches, sorted SCAN',
  load: async () => (await import('../engines/redis/index.js')).redisEngine,
});
