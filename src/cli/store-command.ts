/**
 * The base of commands that work on a store: adds the store flags, remembers which flags the
 * user gave (rather than defaulted), and opens the store through store-access.ts for exactly the
 * duration of one callback.
 */
import type { Interfaces } from '@oclif/core';
import type { DataStore } from '../client/data-store.js';
import type { KvsEngine } from '../index.js';
import type { CommandInput } from './actions/command-input.js';
import { BaseCommand } from './base-command.js';
import { storeFlags } from './flags.js';
import { withStore, type StoreFlags, type StoreRequest } from './store-access.js';

export type { StoreFlags } from './store-access.js';

/** What a command asks of the store, besides its flags. */
export type OpenMode = Omit<StoreRequest, 'command' | 'flags' | 'explicit'>;

/** oclif's FlagOutput / ArgOutput, which its index does not export. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Bag = { [name: string]: any };

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

  /** The parsed input, as the actions (and the quick path) take it. */
  protected async input<A, F>(command: Parameters<StoreCommand['parse']>[0]): Promise<CommandInput<A, F>> {
    const { args, flags } = await this.parse(command);
    return { args: args as A, flags: flags as F, explicit: this.#explicit };
  }

  /** Opens the store named by the flags (or connects to --addr), runs `use`, and closes it whatever happens. */
  protected withStore<R>(flags: StoreFlags, mode: OpenMode & { remote: true }, use: (store: DataStore) => Promise<R>): Promise<R>;
  protected withStore<R>(flags: StoreFlags, mode: OpenMode, use: (store: KvsEngine) => Promise<R>): Promise<R>;
  protected withStore<R>(flags: StoreFlags, mode: OpenMode, use: (store: KvsEngine & DataStore) => Promise<R>): Promise<R> {
    return withStore({ ...mode, command: this.id ?? '', flags, explicit: this.#explicit }, use);
  }
}
