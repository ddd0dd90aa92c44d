/** What `kvs set KEY [VALUE]` does once its input is parsed: store a value from the argument, a file, or stdin. */
import type { SyncPolicy } from '../../engine/types.js';
import { checkKey } from '../../engine/validate.js';
import { withStore, type StoreFlags } from '../store-access.js';
import { readValue } from '../value-input.js';
import type { CommandInput } from './command-input.js';

type SetFlags = StoreFlags & { file?: string | undefined; sync?: SyncPolicy | undefined };

export async function set({ args, flags, explicit }: CommandInput<{ key: string; value?: string | undefined }, SetFlags>): Promise<void> {
  const key = checkKey(args.key); // before opening: a rejected write must not create the store
  const value = await readValue({ value: args.value, file: flags.file });
  await withStore({ command: 'set', flags, explicit, sync: flags.sync, remote: true }, (store) => store.set(key, value));
}
