/** What `kvs count` does once its input is parsed: print the number of live keys. */
import { printJson, writeAll } from '../output.js';
import { withStore, type StoreFlags } from '../store-access.js';
import type { CommandInput } from './command-input.js';

export async function count({ flags, explicit }: CommandInput<Record<string, never>, StoreFlags & { json: boolean }>): Promise<void> {
  const n = await withStore({ command: 'count', flags, explicit, readOnly: true, remote: true }, (store) => store.count());
  await (flags.json ? printJson({ count: n }) : writeAll(`${n}\n`));
}
