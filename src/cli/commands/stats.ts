/** `kvs stats`: prints engine statistics. */
import { jsonFlag } from '../flags.js';
import { renderStats } from '../format.js';
import { printJson, writeAll } from '../output.js';
import { StoreCommand } from '../store-command.js';

export default class Stats extends StoreCommand {
  static override summary = 'Print statistics of the store.';
  static override description = `Every engine reports engine, keys and diskBytes; each adds its own (live and dead bytes, files, ...). Per-file statistics are shown as a table. With --json prints the statistics object.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Stats);
    const stats = await this.withStore(flags, { readOnly: true, remote: true }, (store) => store.stats());
    await (flags.json ? printJson(stats) : writeAll(`${renderStats(stats).join('\n')}\n`));
  }
}
