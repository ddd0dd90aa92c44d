/** `kvs count`: prints the number of live keys. */
import { jsonFlag } from '../flags.js';
import { printJson, writeAll } from '../output.js';
import { StoreCommand } from '../store-command.js';

export default class Count extends StoreCommand {
  static override summary = 'Print the number of keys.';
  static override description = 'Counts live keys (deleted and overwritten entries are not counted). With --json prints {"count":N}.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --addr 127.0.0.1:6380'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Count);
    const count = await this.withStore(flags, { readOnly: true, remote: true }, (store) => store.count());
    await (flags.json ? printJson({ count }) : writeAll(`${count}\n`));
  }
}
