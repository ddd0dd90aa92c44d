/**
 * openStore: the one way to get a KvsEngine. Resolves the engine (named, or remembered by the
 * data directory, or the default), checks the options against what the engine supports, and
 * opens it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from './errors.js';
import { DEFAULT_ENGINE, loadEngine, type EngineModule } from './registry.js';
import { DEFAULT_LOCK_TIMEOUT_MS, openWaitingForLock } from './lock-wait.js';
import { createMarker, isEmptyOrMissing, MARKER_FILE, readMarker } from './store-marker.js';
import { SYNC_POLICIES, type EngineOpenOptions, type KvsEngine, type Supports, type SyncPolicy } from './types.js';

export interface OpenOptions {
  /** Engine name; defaults to the engine that created `dir`, else "bitcask". */
  engine?: string;
  /** Data directory, required by engines that keep data on disk. Created if missing (unless readOnly). Ignored when `engine` names an engine without a directory (memory, redis). */
  dir?: string;
  /** Default "always" (every acknowledged write is on disk), or the engine's strongest policy when it cannot honour that. */
  sync?: SyncPolicy;
  /** Period of the background fsync under the "interval" policy. Default 1000 ms. */
  syncIntervalMs?: number;
  /** Open without taking the write lock; writes reject with READ_ONLY. The store must exist. */
  readOnly?: boolean;
  /**
   * How long a writable open waits for a directory another process has locked, trying again
   * until it is free, before it fails with LOCKED. Default 0: fail at once. (The CLI waits
   * 5000 ms: --lock-timeout, KVS_LOCK_TIMEOUT.)
   */
  lockTimeoutMs?: number;
  /** Create the store when `dir` holds none (default true; false gives STORE_NOT_FOUND instead, for operations that only change an existing store). */
  createIfMissing?: boolean;
  /** Location of a remote store, for engines that keep data on a server (redis://[:password@]host:port[/db]). */
  url?: string;
  /** Engine-specific tuning (see the engine's documentation). */
  options?: Record<string, unknown>;
  /**
   * Called with a one-sentence message for each thing the user should know that is not an
   * error, e.g. that recovery cut a torn tail (bytes of an interrupted write) off a file.
   * Default: warnings are dropped. An exception it throws is ignored, so that it cannot leave
   * a store half-opened.
   */
  onWarning?: (message: string) => void;
}

export const DEFAULT_SYNC: SyncPolicy = 'always';
export const DEFAULT_SYNC_INTERVAL_MS = 1000;

export async function openStore(options: OpenOptions = {}): Promise<KvsEngine> {
  if (options.sync !== undefined && !SYNC_POLICIES.includes(options.sync)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `sync policy must be one of ${SYNC_POLICIES.join(', ')}; got ${JSON.stringify(options.sync)}`);
  }
  const syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  if (!(Number.isFinite(syncIntervalMs) && syncIntervalMs > 0)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `syncIntervalMs must be a positive number of milliseconds; got ${String(syncIntervalMs)}`);
  }
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  if (!(typeof lockTimeoutMs === 'number' && lockTimeoutMs >= 0 && lockTimeoutMs <= Number.MAX_SAFE_INTEGER)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `lockTimeoutMs must be a number of milliseconds, 0 or more; got ${String(lockTimeoutMs)}`);
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `onWarning must be a function taking a message; got ${typeof options.onWarning}`);
  }
  const readOnly = options.readOnly === true;
  const named = options.engine === undefined ? undefined : await loadEngine(options.engine); // unknown names fail before touching the disk

  // An engine without a directory (memory, redis) never reads or writes one, so the data
  // directory's marker has no say: the CLI always passes --dir (default ./kvs-data), and
  // `kvs --engine redis --url ... set k v` must reach Redis from a folder that holds a Bitcask store.
  if (named !== undefined && !named.supports.directory) {
    return named.open(withWarning({ dir: '', sync: chooseSync(options.engine!, named, options.sync), syncIntervalMs, readOnly, url: options.url, options: options.options ?? {} }, options));
  }

  // For engines with a directory, the directory's marker decides the engine: naming another
  // engine over a Bitcask directory must fail, not open an empty store beside it.
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
  const engine = named ?? (await loadEngine(engineName));
  if (engine.supports.directory) {
    if (dir === undefined) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `the ${engineName} engine keeps its data on disk: pass a directory (dir)`);
    }
    if (marker === undefined && !isEmptyOrMissing(dir)) {
      if (readMarker(dir) !== undefined) return openStore(options); // another process created the store since we looked
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
  const sync = chooseSync(engineName, engine, options.sync);
  // Another process may create the store between our look and our marker: then its engine rules.
  if (engine.supports.directory && marker === undefined && createMarker(dir!, engineName).engine !== engineName) return openStore(options);
  const opts = withWarning({ dir: engine.supports.directory ? dir! : '', sync, syncIntervalMs, readOnly, url: options.url, existing: marker !== undefined, options: options.options ?? {} }, options);
  const created = engine.supports.directory && marker === undefined;
  try {
    return await openWaitingForLock(() => engine.open(opts), lockTimeoutMs);
  } catch (err) {
    // A first open that failed before the engine wrote anything (a bad option, say) leaves no
    // store behind: otherwise the marker would claim one whose files an engine must then find.
    if (created) removeMarkerIfAlone(dir!);
    throw err;
  }
}

/** Removes the marker of `dir` iff it is the only entry there (nothing of a store was written beside it). */
function removeMarkerIfAlone(dir: string): void {
  try {
    const entries = fs.readdirSync(dir);
    if (entries.length === 1 && entries[0] === MARKER_FILE) fs.rmSync(path.join(dir, MARKER_FILE));
  } catch {
    // best effort: the open's own error is the one to report
  }
}

/** `opts` with the caller's onWarning, if any (absent rather than undefined: exactOptionalPropertyTypes). */
function withWarning(opts: EngineOpenOptions, options: OpenOptions): EngineOpenOptions {
  const listener = options.onWarning;
  if (listener !== undefined) {
    opts.onWarning = (message) => {
      try {
        listener(message);
      } catch {
        // The warning is advisory; the open it reports on goes ahead.
      }
    };
  }
  return opts;
}

/**
 * The sync policy a store opens with when none is requested: DEFAULT_SYNC, or the engine's
 * strongest policy when it cannot honour the default (redis supports only "never": its server
 * decides when data is fsynced).
 */
export function defaultSyncFor(supports: Supports): SyncPolicy {
  const supported = supports.syncPolicies;
  return supported.includes(DEFAULT_SYNC) ? DEFAULT_SYNC : SYNC_POLICIES.find((p) => supported.includes(p)) ?? DEFAULT_SYNC;
}

/** The sync policy to open `engine` with: the requested one, which it must support (else UNSUPPORTED), or its default. */
function chooseSync(engineName: string, engine: EngineModule, requested: SyncPolicy | undefined): SyncPolicy {
  const supported = engine.supports.syncPolicies;
  if (requested === undefined) return defaultSyncFor(engine.supports);
  if (!supported.includes(requested)) {
    throw new KvsError(ErrorCodes.UNSUPPORTED, `the ${engineName} engine does not support the "${requested}" sync policy; it supports ${supported.join(', ')}`);
  }
  return requested;
}
