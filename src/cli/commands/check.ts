/** `kvs check`: reads every record of the store and reports damage, changing nothing. */
import { jsonFlag } from '../flags.js';
import { renderVerifyReport } from '../format.js';
import { printJson, writeAll } from '../output.js';
import { StoreCommand } from '../store-command.js';

export default class Check extends StoreCommand {
  static override summary = 'Check every record of the store for damage, changing nothing.';
  static override description = `Opens the store read-only (beside a running writer, too) and reads every record or block it holds, live or not, checking each checksum; then prints what it read and each problem with its file and byte offset. Exits 0 when nothing is damaged and 1 when something is. What an engine cannot check (LMDB keeps no checksums, for one) is listed under "Not checked". With --json prints {"ok","checked","problems","notChecked"}.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -d ./kvs-lsm --json'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Check);
    const report = await this.withStore(flags, { readOnly: true }, (store) => store.verify());
    await (flags.json ? printJson(report) : writeAll(`${renderVerifyReport(report).join('\n')}\n`));
    if (!report.ok) process.exitCode = 1;
  }
}
