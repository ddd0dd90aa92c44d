/** `kvs engines`: the engines this kvs knows, whether each can run here, and what each supports. */
import { listEngines, loadEngine, type Supports } from '../../index.js';
import { BaseCommand } from '../base-command.js';
import { jsonFlag } from '../flags.js';
import { renderTable } from '../format.js';
import { printJson, writeAll } from '../output.js';

interface EngineReport {
  name: string;
  summary: string;
  usable: boolean;
  /** Why the engine cannot be loaded here; present iff `usable` is false. */
  reason?: string;
  /** Present iff `usable`: known only once the engine's module is loaded. */
  supports?: Supports;
}

export default class Engines extends BaseCommand {
  static override summary = 'List the storage engines and what each supports.';
  static override description = `Loads every registered engine to tell whether it can run here ("no: <reason>" when, for example, a native module is missing). Columns: persistent (data survives a restart), ordered scan (ls in byte order), atomic batch, and the sync policies it honours. With --json prints an array of {"name","summary","usable","reason"?,"supports"?}.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Engines);
    const reports = await Promise.all(listEngines().map(report));
    if (flags.json) return printJson(reports);
    const yesNo = (b: boolean | undefined): string => (b === undefined ? '?' : b ? 'yes' : 'no');
    const rows = reports.map((r) => [
      r.name,
      r.usable ? 'yes' : `no: ${r.reason}`,
      yesNo(r.supports?.persistent),
      yesNo(r.supports?.orderedScan),
      yesNo(r.supports?.atomicBatch),
      r.supports?.syncPolicies.join(',') ?? '?',
      r.summary,
    ]);
    const header = ['ENGINE', 'USABLE', 'PERSISTENT', 'ORDERED SCAN', 'ATOMIC BATCH', 'SYNC', 'SUMMARY'];
    await writeAll(`${renderTable([header, ...rows]).join('\n')}\n`);
  }
}

async function report(descriptor: { name: string; summary: string }): Promise<EngineReport> {
  const base = { name: descriptor.name, summary: descriptor.summary };
  try {
    const engine = await loadEngine(descriptor.name);
    return { ...base, usable: true, supports: engine.supports };
  } catch (err) {
    return { ...base, usable: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
