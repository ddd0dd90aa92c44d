/**
 * How a data command reaches its store, without oclif (the quick path uses it too): open the
 * store named by the flags for exactly the duration of one callback, so the lock is always
 * released and writes made durable; or, with --addr (KVS_ADDR), connect to a `kvs server`.
 */
import * as path from 'node:path';
import type { DataStore } from '../client/data-store.js';
import { ErrorCodes, isKvsError, KvsError } from '../engine/errors.js';
import { openStore, type OpenOptions } from '../engine/open-store.js';
import { loadEngine } from '../engine/registry.js';
import type { KvsEngine, SyncPolicy } from '../engine/types.js';
import { readServerFile } from '../server/server-file.js';
import { isProcessAlive } from '../util/process.js';

/** Where the store lives when neither --dir nor KVS_DIR is given (relative to the working directory). */
export const DEFAULT_DIR = './kvs-data';
/** How long a command waits for a store another process is writing to (--lock-timeout, KVS_LOCK_TIMEOUT). */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;

export interface StoreFlags {
  engine?: string | undefined;
  dir?: string | undefined;
  url?: string | undefined;
  addr?: string | undefined;
  password?: string | undefined;
  'lock-timeout'?: number | undefined;
}

/** What a command asks of the store, and the flags the user gave (on the command line or by environment variable). */
export interface StoreRequest {
  /** The command's name, for messages (`kvs <command>`). */
  command: string;
  flags: StoreFlags;
  /** Names of the flags given explicitly (not defaulted). */
  explicit: ReadonlySet<string>;
  /** Read commands: no lock, no writes, and a missing store is STORE_NOT_FOUND. */
  readOnly?: boolean;
  /** Commands that only change an existing store (rm, compact): a missing store is STORE_NOT_FOUND. */
  mustExist?: boolean;
  sync?: SyncPolicy | undefined;
  /** The command works over --addr too; its callback then gets a DataStore. Without it, --addr is UNSUPPORTED. */
  remote?: boolean;
}

/** Flags that choose a local store, which the server decides in client mode. */
const LOCAL_ONLY_FLAGS = [
  ['dir', 'KVS_DIR'],
  ['engine', 'KVS_ENGINE'],
  ['url', 'KVS_REDIS_URL'],
] as const;

/** Opens the store named by the flags (or connects to --addr), runs `use`, and closes it whatever happens. */
export function withStore<R>(request: StoreRequest & { remote: true }, use: (store: DataStore) => Promise<R>): Promise<R>;
export function withStore<R>(request: StoreRequest, use: (store: KvsEngine) => Promise<R>): Promise<R>;
export async function withStore<R>(request: StoreRequest, use: (store: KvsEngine & DataStore) => Promise<R>): Promise<R> {
  const store = isGiven(request.flags.addr) ? await connect(request) : await openLocal(request);
  let result: R;
  try {
    result = await use(store as KvsEngine & DataStore);
  } catch (err) {
    await store.close().catch(() => {}); // the first failure is the one to report
    throw err;
  }
  await store.close();
  return result;
}

function isGiven(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

async function connect(request: StoreRequest): Promise<DataStore> {
  const addr = request.flags.addr!;
  if (request.remote !== true) {
    throw new KvsError(ErrorCodes.UNSUPPORTED, `\`kvs ${request.command}\` does not work over --addr yet; run it where the server's data directory is, or send the KVS.* command with redis-cli`, {
      details: { addr },
    });
  }
  for (const [name, env] of LOCAL_ONLY_FLAGS) {
    if (request.explicit.has(name)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `--${name} (${env}) cannot be combined with --addr (KVS_ADDR): the server at ${addr} decides its store; drop one of them`);
    }
  }
  if (request.sync !== undefined) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `--sync cannot be combined with --addr: the server decides when writes reach the disk (kvs server --sync ...)`);
  }
  const { RemoteStore } = await import('../client/remote-store.js'); // loaded only in client mode
  return RemoteStore.connect({ addr, password: isGiven(request.flags.password) ? request.flags.password : undefined });
}

async function openLocal(request: StoreRequest): Promise<KvsEngine> {
  const { flags } = request;
  const dir = isGiven(flags.dir) ? flags.dir : DEFAULT_DIR;
  const readOnly = request.readOnly === true;
  const lockTimeoutMs = flags['lock-timeout'] ?? DEFAULT_LOCK_TIMEOUT_MS;
  const options: OpenOptions = { dir, readOnly, createIfMissing: request.mustExist !== true, lockTimeoutMs, onWarning: printWarning };
  if (isGiven(flags.engine)) options.engine = flags.engine;
  if (request.sync !== undefined) options.sync = request.sync;
  if (isGiven(flags.url)) {
    await refuseUrlForLocalEngine(flags.engine, flags.url);
    options.url = flags.url;
  }
  // Engines whose own lock lets a second writer in (SQLite, LMDB) must not be written behind a
  // server's back either: its per-key locks, change feed and metrics would miss the write.
  const absolute = path.resolve(dir);
  if (!readOnly) refuseIfServed(absolute);
  let store: KvsEngine;
  try {
    store = await openStore(options);
  } catch (err) {
    if (!isKvsError(err, ErrorCodes.LOCKED)) throw err;
    refuseIfServed(absolute); // a read-only open LevelDB refuses, or a server that started just now
    throw lockedForCommand(err, lockTimeoutMs);
  }
  if (!store.supports.persistent && !readOnly) {
    printWarning(`the ${store.name} engine keeps nothing on disk: what this command writes is gone when it exits`);
  }
  return store;
}

/** Throws LOCKED pointing to --addr iff a live `kvs server` serves `dir`. */
function refuseIfServed(dir: string): void {
  const server = readServerFile(dir);
  if (server === undefined || !isProcessAlive(server.pid)) return;
  throw new KvsError(ErrorCodes.LOCKED, `${dir} is locked by a kvs server (pid ${server.pid}) serving it at ${server.addr}; talk to it with --addr ${server.addr} (or KVS_ADDR=${server.addr})`, {
    details: { dir, pid: server.pid, addr: server.addr },
  });
}

/** The library's LOCKED error, told for a short-lived command: who holds the store, how long this waited, and what to do. */
function lockedForCommand(err: KvsError, lockTimeoutMs: number): KvsError {
  const { dir, pid, host, since, holder } = err.details as { dir?: string; pid?: number; host?: string; since?: string; holder?: string };
  if (pid === undefined || holder === 'this-process') return err; // an engine's own lock (LevelDB's), or a bug
  const waited = lockTimeoutMs > 0 ? `, and stayed locked for the ${formatSeconds(lockTimeoutMs)} this command waits` : '';
  const retry = lockTimeoutMs > 0 ? 'retry, or wait longer with --lock-timeout <ms> (KVS_LOCK_TIMEOUT)' : 'retry, or wait for it with --lock-timeout <ms> (KVS_LOCK_TIMEOUT)';
  return new KvsError(
    ErrorCodes.LOCKED,
    `${dir ?? 'the store'} is in use by process ${pid}${host === undefined ? '' : ` on ${host}`} (since ${since ?? '?'})${waited}. If that is another kvs command, ${retry}; if it is a long-running program (kvs shell, an application), close the store there, or serve it with \`kvs server\` and use --addr`,
    { cause: err, details: err.details },
  );
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** --url names a server: with an engine that keeps its data in a directory it would be silently ignored, so it is refused. */
async function refuseUrlForLocalEngine(engine: string | undefined, url: string): Promise<void> {
  const remote = isGiven(engine) && !(await loadEngine(engine)).supports.directory;
  if (!remote) {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `--url (KVS_REDIS_URL) ${url} is only used by engines that keep their data on a server; add --engine redis, or drop --url to use ${isGiven(engine) ? `the ${engine} store in --dir` : 'the store in --dir'}`,
    );
  }
}

/** What the engine reports while opening (a torn tail it cut, ...) goes to stderr, never stdout. */
export function printWarning(message: string): void {
  process.stderr.write(`Warning: ${message}\n`);
}
