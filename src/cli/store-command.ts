/**
 * The base of commands that work on a store: adds the store flags and opens the store for
 * exactly the duration of one callback, so the lock is always released and writes made durable.
 * With --addr (KVS_ADDR) the store is a `kvs server` instead, for commands that allow it.
 */
import type { Interfaces } from '@oclif/core';
import * as path from 'node:path';
import type { DataStore } from '../client/data-store.js';
import { ErrorCodes, isKvsError, KvsError, loadEngine, openStore, type KvsEngine, type OpenOptions, type SyncPolicy } from '../index.js';
import { describeServer } from '../server/server-file.js';
import { BaseCommand } from './base-command.js';
import { DEFAULT_DIR, storeFlags } from './flags.js';

export interface StoreFlags {
  engine: string | undefined;
  dir: string;
  url?: string | undefined;
  addr?: string | undefined;
  password?: string | undefined;
}

export interface OpenMode {
  /** Read commands: no lock, no writes, and a missing store is STORE_NOT_FOUND. */
  readOnly?: boolean;
  /** Commands that only change an existing store (rm, compact): a missing store is STORE_NOT_FOUND. */
  mustExist?: boolean;
  sync?: SyncPolicy | undefined;
  /** The command works over --addr too; its callback then gets a DataStore. Without it, --addr is UNSUPPORTED. */
  remote?: boolean;
}

/** oclif's FlagOutput / ArgOutput, which its index does not export. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Bag = { [name: string]: any };

/** Flags that choose a local store, which the server decides in client mode. */
const LOCAL_ONLY_FLAGS = [
  ['dir', 'KVS_DIR'],
  ['engine', 'KVS_ENGINE'],
  ['url', 'KVS_REDIS_URL'],
] as const;

export abstract class StoreCommand extends BaseCommand {
  static override baseFlags = storeFlags;

  /** Flags given on the command line or by their environment variable (not defaulted). */
  #explicit = new Set<string>();

  protected override async parse<F extends Bag, B extends Bag, A extends Bag>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    const meta = parsed.metadata.flags as Record<string, { setFromDefault?: boolean } | undefined>;
    for (const [name, value] of Object.entries(parsed.flags)) if (value !== undefined && meta[name]?.setFromDefault !== true) this.#explicit.add(name);
    return parsed;
  }

  /** Opens the store named by the flags (or connects to --addr), runs `use`, and closes it whatever happens. */
  protected withStore<R>(flags: StoreFlags, mode: OpenMode & { remote: true }, use: (store: DataStore) => Promise<R>): Promise<R>;
  protected withStore<R>(flags: StoreFlags, mode: OpenMode, use: (store: KvsEngine) => Promise<R>): Promise<R>;
  protected async withStore<R>(flags: StoreFlags, mode: OpenMode, use: (store: KvsEngine & DataStore) => Promise<R>): Promise<R> {
    const store = isGiven(flags.addr) ? await this.#connect(flags, mode) : await openLocal(flags, mode);
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

  async #connect(flags: StoreFlags, mode: OpenMode): Promise<DataStore> {
    const addr = flags.addr!;
    if (mode.remote !== true) {
      throw new KvsError(ErrorCodes.UNSUPPORTED, `\`kvs ${this.id}\` does not work over --addr yet; run it where the server's data directory is, or send the KVS.* command with redis-cli`, {
        details: { addr },
      });
    }
    for (const [name, env] of LOCAL_ONLY_FLAGS) {
      if (this.#explicit.has(name)) {
        throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `--${name} (${env}) cannot be combined with --addr (KVS_ADDR): the server at ${addr} decides its store; drop one of them`);
      }
    }
    if (mode.sync !== undefined) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `--sync cannot be combined with --addr: the server decides when writes reach the disk (kvs server --sync ...)`);
    }
    const { RemoteStore } = await import('../client/remote-store.js'); // loaded only in client mode
    return RemoteStore.connect({ addr, password: isGiven(flags.password) ? flags.password : undefined });
  }
}

function isGiven(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

async function openLocal(flags: StoreFlags, mode: OpenMode): Promise<KvsEngine> {
  const dir = flags.dir ?? DEFAULT_DIR;
  const options: OpenOptions = { dir, readOnly: mode.readOnly === true, createIfMissing: mode.mustExist !== true, onWarning: printWarning };
  if (isGiven(flags.engine)) options.engine = flags.engine;
  if (mode.sync !== undefined) options.sync = mode.sync;
  if (isGiven(flags.url)) {
    await refuseUrlForLocalEngine(flags.engine, flags.url);
    options.url = flags.url;
  }
  // Engines whose own lock lets a second writer in (SQLite, LMDB) must not be written behind a
  // server's back either: its per-key locks, change feed and metrics would miss the write.
  const absolute = path.resolve(dir);
  if (mode.readOnly !== true) {
    const hint = describeServer(absolute);
    if (hint !== undefined) throw new KvsError(ErrorCodes.LOCKED, `${absolute} is locked by a kvs server; ${hint}`, { details: { dir: absolute } });
  }
  let store: KvsEngine;
  try {
    store = await openStore(options);
  } catch (err) {
    if (!isKvsError(err, ErrorCodes.LOCKED)) throw err; // a read-only open LevelDB refuses, or a server that started just now
    const hint = describeServer(absolute);
    if (hint === undefined) throw err;
    throw new KvsError(ErrorCodes.LOCKED, `${err.message}; ${hint}`, { cause: err, details: err.details });
  }
  if (!store.supports.persistent && mode.readOnly !== true) {
    printWarning(`the ${store.name} engine keeps nothing on disk: what this command writes is gone when it exits`);
  }
  return store;
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
