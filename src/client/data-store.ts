/**
 * The part of the engine contract that works both on a local store and over the network: what
 * the data commands and the shell need. A local `KvsEngine` satisfies it as it is; a
 * `RemoteStore` implements it over RESP.
 */
import type { BytesLike, CompactResult, EngineStats, ScanOptions } from '../engine/types.js';

export interface DataScanOptions extends ScanOptions {
  /** The caller ignores values: a remote store then does not fetch them (a local one may still read them). */
  keysOnly?: boolean;
}

export interface DataStore {
  /** The value of `key`, or `undefined` iff the key is absent. */
  get(key: BytesLike): Promise<Buffer | undefined>;
  set(key: BytesLike, value: BytesLike): Promise<void>;
  /** Removes `key`; resolves true iff it was present. */
  delete(key: BytesLike): Promise<boolean>;
  /** Entries within the bounds, in byte order of keys (descending with `reverse`). */
  scan(options?: DataScanOptions): AsyncIterable<[Buffer, Buffer]>;
  /** Number of live keys. */
  count(): Promise<number>;
  /** Engine statistics (a server's KVS.STATS). */
  stats(): Promise<EngineStats>;
  /** Reclaims space now (a server's KVS.COMPACT). */
  compact(): Promise<CompactResult>;
  /** Releases the store (local) or the connection (remote). Idempotent. */
  close(): Promise<void>;
}
