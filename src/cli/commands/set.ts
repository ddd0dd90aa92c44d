/** `kvs set KEY [VALUE]`: stores a value from the argument, a file, or stdin. */
import { Args, Flags } from '@oclif/core';
import { set } from '../actions/set.js';
import { keyArg, syncFlag } from '../flags.js';
import { StoreCommand } from '../store-command.js';

export default class SetCommand extends StoreCommand {
  static override summary = 'Store a value under a key.';
  static override description = `Replaces any previous value. The value is the VALUE argument (stored as UTF-8), or the raw bytes of --file PATH (--file - reads stdin); give exactly one. Keys are 1 to 65536 bytes, values at most 64 MiB; an oversized key or value is rejected before anything is written. Prints nothing on success.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> user:1 Alice',
    { description: 'Store the bytes of a file.', command: '<%= config.bin %> <%= command.id %> avatar:1 --file ./avatar.png' },
    { description: 'Store whatever arrives on stdin.', command: '<%= config.bin %> <%= command.id %> notes:1 --file - < notes.txt' },
    { description: 'Use another store, without waiting for fsync.', command: '<%= config.bin %> <%= command.id %> user:2 Bob --dir /tmp/users --sync never' },
    { description: 'Write through a running kvs server.', command: 'KVS_ADDR=127.0.0.1:6380 <%= config.bin %> <%= command.id %> user:3 Carol' },
  ];
  static override args = {
    key: keyArg,
    value: Args.string({ required: false, ignoreStdin: true, description: 'Value (UTF-8); omit it when using --file.' }),
  };
  static override flags = {
    file: Flags.string({ char: 'f', helpValue: '<path>', summary: 'Read the value (raw bytes) from this file; - reads stdin.' }),
    sync: syncFlag,
  };

  async run(): Promise<void> {
    await set(await this.input(SetCommand));
  }
}
