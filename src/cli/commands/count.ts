/** `kvs count`: prints the number of live keys. */
import { count } from '../actions/count.js';
import { jsonFlag } from '../flags.js';
import { StoreCommand } from '../store-command.js';

export default class Count extends StoreCommand {
  static override summary = 'Print the number of keys.';
  static override description = 'Counts live keys (deleted and overwritten entries are not counted). With --json prints {"count":N}.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --addr 127.0.0.1:6380'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    await count(await this.input(Count));
  }
}
