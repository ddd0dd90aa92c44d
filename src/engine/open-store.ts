/**
 * openStore: the one way to get a KvsEngine. Resolves the engine (named, or remembered by the
 * data directory, or the default), checks the options against what the engine supports, and
 * opens it.
 */
import * as path from 'node:path';
import { ErrorCodes, KvsError } from './errors.js';
import { DEFAULT_ENGINE, findEngine, loadEngine } from './registry.js';
import { isEmptyOrMissing, MARKER_FILE, readMarker, writeMarker } from './store-marker.js';
import { SYNC_POLICIES, type KvsEngine, type SyncPolicy } from './types.js';

export interface OpenOptions {
  /** Engine name; defaults to the engine that created `dir`, else "bitcask". */
  engine?: string;
  /** Data directory, required by engines that keep data on disk. Created if missing (unless readOnly). */
  dir?: string;
  /** Default "always": every acknowledged write is on disk. */
  sync?: SyncPolicy;
  /** Period of the background fsync under the "interval" policy. Default 1000 ms. */
  syncIntervalMs?: number;
  /** Open without taking the write lock; writes reject with READ_ONLY. The store must exist. */
  readOnly?: boolean;
  /** Create the store when `dir` holds none (default true; false gives STORE_NOT_FOUND instead, for operations that only change an existing store). */
  createIfMissing?: boolean;
  /** Location of a remote store, for engines that keep data on a server (redis://host:port). */
  url?: string;
  /** Engine-specific tuning (see the engine's documentation). */
  options?: Record<string, unknown>;
}

export const DEFAULT_SYNC: SyncPolicy = 'always';
export const DEFAULT_SYNC_INTERVAL_MS = 1000;

export async function openStore(options: OpenOptions = {}): Promise<KvsEngine> {
  const sync = options.sync ?? DEFAULT_SYNC;
  if (!SYNC_POLICIES.includes(sync)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `sync policy must be one of ${SYNC_POLICIES.join(', ')}; got ${JSON.stringify(sync)}`);
  }
  const syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  if (!(Number.isFinite(syncIntervalMs) && syncIntervalMs > 0)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `syncIntervalMs must be a positive number of milliseconds; got ${String(syncIntervalMs)}`);
  }
  const readOnly = options.readOnly === true;
  if (options.engine !== undefined) findEngine(options.engine); // unknown names fail before touching the disk

  // The directory's marker decides the engine, whatever kind of engine was named: naming the
  // memory engine over a Bitcask directory must fail, not open an empty store beside it.
  const dir = options.dir === undefined ? undefined : path.resolve(options.dir);
  const marker = dir === undefined ? undefined : readMarker(dir);
  if (marker !== undefined && options.engine !== undefined && options.engine !== marker.engine) {
    throw new KvsError(
      ErrorCodes.ENGINE_MISMATCH,
      `${dir} was created by the ${marker.engine} engine, not ${options.engine}; omit the engine to use ${marker.engine}, or choose another directory`,
      { details: { dir, expected: marker.engine, requested: options.engine } },
    );
  }
  const engineName = marker?.engine ?? options.engine ?? DEFAULT_ENGINE;
  const engine = await loadEngine(engineName);
  if (engine.supports.directory) {
    if (dir === undefined) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `the ${engineName} engine keeps its data on disk: pass a directory (dir)`);
    }
    if (marker === undefined && !isEmptyOrMissing(dir)) {
      throw new KvsError(
        ErrorCodes.NOT_A_STORE,
        `${dir} holds files but is not a kvs store (no ${MARKER_FILE}); choose an empty or new directory`,
        { details: { dir } },
      );
    }
    if (marker === undefined && (readOnly || options.createIfMissing === false)) {
      throw new KvsError(ErrorCodes.STORE_NOT_FOUND, `no kvs store at ${dir}; create one by writing to it (kvs set KEY VALUE), or pass the right directory`, { details: { dir } });
    }
  }
  if (!engine.supports.syncPolicies.includes(sync)) {
    throw new KvsError(ErrorCodes.UNSUPPORTED, `the ${engineName} engine does not support the "${sync}" sync policy; it supports ${engine.supports.syncPolicies.join(', ')}`);
  }
  if (engine.supports.directory && marker === undefined) writeMarker(dir!, engineName);
  return engine.open({ dir: engine.supports.directory ? dir! : '', sync, syncIntervalMs, readOnly, url: options.url, options: options.options ?? {} });
}
