/** What `kvs rm KEY` does once its input is parsed: delete a key, saying so on stderr when it was not there. */
import type { SyncPolicy } from '../../engine/types.js';
import { checkKey } from '../../engine/validate.js';
import { withStore, type StoreFlags } from '../store-access.js';
import type { CommandInput } from './command-input.js';

export async function rm({ args, flags, explicit }: CommandInput<{ key: string }, StoreFlags & { sync?: SyncPolicy | undefined }>): Promise<void> {
  const key = checkKey(args.key);
  const deleted = await withStore({ command: 'rm', flags, explicit, sync: flags.sync, mustExist: true, remote: true }, (store) => store.delete(key));
  if (!deleted) {
    process.stderr.write('Key not found\n');
    process.exitCode = 1;
  }
}
