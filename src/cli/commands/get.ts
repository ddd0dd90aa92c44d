/** `kvs get KEY`: prints a value byte for byte. */
import { get } from '../actions/get.js';
import { jsonFlag, keyArg } from '../flags.js';
import { StoreCommand } from '../store-command.js';

export default class Get extends StoreCommand {
  static override summary = 'Print the value of a key.';
  static override description = `Writes the value's bytes to stdout unchanged (a newline is added only on a terminal), so binary values can be redirected to a file. A missing key prints "Key not found" and exits 0. With --json prints {"key","found","value","encoding"}, where encoding is "utf8", or "base64" for a value that is not valid UTF-8.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> user:1',
    { description: 'Save a binary value to a file.', command: '<%= config.bin %> <%= command.id %> avatar:1 > avatar.png' },
    '<%= config.bin %> <%= command.id %> user:1 --json',
    { description: 'Ask a running kvs server instead of opening a directory.', command: '<%= config.bin %> <%= command.id %> user:1 --addr 127.0.0.1:6380' },
  ];
  static override args = {
    key: keyArg,
  };
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    await get(await this.input(Get));
  }
}
