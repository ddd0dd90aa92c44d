/** What `kvs get KEY` does once its input is parsed (by oclif, or by the quick path): print a value byte for byte. */
import { checkKey } from '../../engine/validate.js';
import { encodeBytes, printJson, writeAll } from '../output.js';
import { withStore, type StoreFlags } from '../store-access.js';
import type { CommandInput } from './command-input.js';

export async function get({ args, flags, explicit }: CommandInput<{ key: string }, StoreFlags & { json: boolean }>): Promise<void> {
  const key = checkKey(args.key);
  const value = await withStore({ command: 'get', flags, explicit, readOnly: true, remote: true }, (store) => store.get(key));
  if (flags.json) {
    if (value === undefined) return printJson({ key: args.key, found: false });
    const { text, encoding } = encodeBytes(value);
    return printJson({ key: args.key, found: true, value: text, encoding });
  }
  if (value === undefined) return writeAll('Key not found\n');
  await writeAll(value);
  if (process.stdout.isTTY) await writeAll('\n');
}
