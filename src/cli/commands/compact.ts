/** `kvs compact`: reclaims the space of overwritten and deleted data now. */
import { syncFlag, jsonFlag } from '../flags.js';
import { describeCompaction, renderStats } from '../format.js';
import { printJson, writeAll } from '../output.js';
import { StoreCommand } from '../store-command.js';

export default class Compact extends StoreCommand {
  static override summary = 'Reclaim space held by overwritten and deleted data.';
  static override description = `Rewrites the store without its dead data and prints what it reclaimed, e.g. "Reclaimed 1.2 MiB (3.4 MiB -> 2.2 MiB)", or "Grew by 0.9 KiB (1.7 KiB -> 2.6 KiB)" when the engine's compaction left more on disk than before (LevelDB and RocksDB may write new tables before they delete old ones), followed by engine-specific details. Engines without compaction report 0 B. With --json prints {"bytesBefore","bytesAfter","reclaimedBytes","details"}.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = { json: jsonFlag, sync: syncFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Compact);
    const result = await this.withStore(flags, { sync: flags.sync, mustExist: true, remote: true }, (store) => store.compact());
    if (flags.json) return printJson(result);
    const lines = [describeCompaction(result), ...renderStats(result.details, '  ')];
    await writeAll(`${lines.join('\n')}\n`);
  }
}
