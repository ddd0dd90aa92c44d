/** `kvs ls`: lists keys (and values) in byte order, streamed. */
import { Flags } from '@oclif/core';
import { ls } from '../actions/ls.js';
import { jsonFlag } from '../flags.js';
import { StoreCommand } from '../store-command.js';

export default class Ls extends StoreCommand {
  static override summary = 'List keys in byte order.';
  static override description = `Prints one key per line, or "key<TAB>value" with --values, in byte order of keys (descending with --reverse). Bounds combine: --prefix, --start (inclusive) and --end (exclusive). With --json prints a JSON array of {"key"} objects, or {"key","value","encoding"} with --values (encoding "utf8", or "base64" for a value that is not valid UTF-8; a key that is not valid UTF-8 is base64 with "keyEncoding":"base64"). Output is streamed, so any number of keys can be listed.

On a terminal, keys and values are shown escaped wherever they are not printable text: tab, newline, carriage return and backslash as \\t \\n \\r \\\\, other control characters as \\xHH or \\u00HH, and bytes that are not valid UTF-8 as \\xHH. Piped or redirected, they are written raw, byte for byte; --json gives the exact bytes anywhere (base64 for what is not UTF-8).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --prefix user: --limit 10',
    '<%= config.bin %> <%= command.id %> --start a --end n --values',
    '<%= config.bin %> <%= command.id %> --reverse --limit 1',
    '<%= config.bin %> <%= command.id %> --prefix user: --values --json',
    '<%= config.bin %> <%= command.id %> --prefix user: --addr 127.0.0.1:6380',
  ];
  static override flags = {
    prefix: Flags.string({ char: 'p', helpValue: '<prefix>', summary: 'Only keys that start with this prefix.' }),
    start: Flags.string({ helpValue: '<key>', summary: 'Only keys at or after this key (inclusive).' }),
    end: Flags.string({ helpValue: '<key>', summary: 'Only keys before this key (exclusive).' }),
    limit: Flags.integer({ char: 'n', min: 0, helpValue: '<count>', summary: 'List at most this many keys.' }),
    reverse: Flags.boolean({ char: 'r', default: false, summary: 'List in descending order.' }),
    values: Flags.boolean({ default: false, summary: 'Print each value after its key.' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    await ls(await this.input(Ls));
  }
}
