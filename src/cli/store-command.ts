/**
 * The base of commands that work on a store: adds --engine and --dir and opens the store for
 * exactly the duration of one callback, so the lock is always released and writes made durable.
 */
import { openStore, type KvsEngine, type OpenOptions, type SyncPolicy } from '../index.js';
import { BaseCommand } from './base-command.js';
import { storeFlags } from './flags.js';

export interface StoreFlags {
  engine: string | undefined;
  dir: string;
  url?: string | undefined;
  addr?: string | undefined;
}

export interface OpenMode {
  /** Read commands: no lock, no writes, and a missing store is STORE_NOT_FOUND. */
  readOnly?: boolean;
  /** Commands that only change an existing store (rm, compact): a missing store is STORE_NOT_FOUND. */
  mustExist?: boolean;
  sync?: SyncPolicy | undefined;
}

export abstract class StoreCommand extends BaseCommand {
  static override baseFlags = storeFlags;

  /** Opens the store named by the flags, runs `use`, and closes the store whatever happens. */
  protected async withStore<R>(flags: StoreFlags, mode: OpenMode, use: (store: KvsEngine) => Promise<R>): Promise<R> {
    const options: OpenOptions = { dir: flags.dir, readOnly: mode.readOnly === true, createIfMissing: mode.mustExist !== true };
    if (flags.engine !== undefined && flags.engine !== '') options.engine = flags.engine;
    if (mode.sync !== undefined) options.sync = mode.sync;
    if (flags.url !== undefined && flags.url !== '') options.url = flags.url;
    const store = await openStore(options);
    let result: R;
    try {
      result = await use(store);
    } catch (err) {
      await store.close().catch(() => {}); // the first failure is the one to report
      throw err;
    }
    await store.close();
    return result;
  }
}
