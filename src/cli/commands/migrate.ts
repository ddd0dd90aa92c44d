/** `kvs migrate`: copies every key of one store into a store of another engine, with progress on stderr. */
import { Flags } from '@oclif/core';
import { migrate, type StoreLocation } from '../../migrate/migrate.js';
import { BaseCommand } from '../base-command.js';
import { jsonFlag } from '../flags.js';
import { formatBytes } from '../format.js';
import { printJson, writeAll } from '../output.js';
import { createProgress, type Progress } from '../progress.js';

export default class Migrate extends BaseCommand {
  static override summary = 'Copy every key of one store into another, of any engine.';
  static override description = `Opens the source read-only (its engine is the one recorded in --from-dir unless --from-engine says otherwise) and the destination with --to-engine, then copies every key in batches of --batch entries, showing progress on stderr (a bar on a terminal, a line every few seconds otherwise). At the end it checks that the source still holds as many keys as were copied and that the destination holds them. Stop every writer of both stores first: the copy is not a snapshot.

A destination that already holds keys is refused unless --force, which copies into it and overwrites keys present in both. The same directory (or the same Redis URL and namespace) on both sides is refused. An interrupted migration leaves a partial destination: run it again with --force.

Prints "Copied N keys (SIZE) from SOURCE to DEST in T s"; with --json {"keys","bytes","source","destination","sourceEngine","destinationEngine","destinationKeysBefore","destinationKeysAfter","seconds"}.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --from-dir ./kvs-data --to-dir ./kvs-sqlite --to-engine sqlite',
    '<%= config.bin %> <%= command.id %> --from-dir ./kvs-data --to-engine redis --to-url redis://127.0.0.1:6379',
    '<%= config.bin %> <%= command.id %> --from-engine redis --from-url redis://127.0.0.1:6379 --to-dir ./local --to-engine bitcask --force',
  ];
  static override flags = {
    'from-dir': Flags.string({ helpValue: '<path>', summary: 'Data directory of the source store.' }),
    'from-engine': Flags.string({ helpValue: '<name>', summary: 'Engine of the source. Default: the engine recorded in --from-dir.' }),
    'from-url': Flags.string({ helpValue: '<url>', summary: 'Server of a remote source engine (redis://host:port).' }),
    'to-dir': Flags.string({ helpValue: '<path>', summary: 'Data directory of the destination; created if missing.' }),
    'to-engine': Flags.string({ required: true, helpValue: '<name>', summary: 'Engine of the destination (see `kvs engines`).' }),
    'to-url': Flags.string({ helpValue: '<url>', summary: 'Server of a remote destination engine (redis://host:port).' }),
    batch: Flags.integer({ min: 1, max: 1_000_000, default: 1000, helpValue: '<n>', summary: 'Entries per destination batch.' }),
    force: Flags.boolean({ default: false, summary: 'Copy into a destination that already holds keys, overwriting keys present in both.' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Migrate);
    const from: StoreLocation = {};
    if (flags['from-dir'] !== undefined) from.dir = flags['from-dir'];
    if (flags['from-engine'] !== undefined) from.engine = flags['from-engine'];
    if (flags['from-url'] !== undefined) from.url = flags['from-url'];
    const to: StoreLocation = { engine: flags['to-engine'] };
    if (flags['to-dir'] !== undefined) to.dir = flags['to-dir'];
    if (flags['to-url'] !== undefined) to.url = flags['to-url'];

    let bar: Progress | undefined;
    let result;
    try {
      result = await migrate(from, to, {
        batchSize: flags.batch,
        force: flags.force,
        onStart: (total) => (bar = createProgress({ total, label: 'copying' })),
        onProgress: (n) => bar?.tick(n),
      });
    } finally {
      bar?.done();
    }
    if (flags.json) return printJson(result);
    await writeAll(`Copied ${result.keys} ${result.keys === 1 ? 'key' : 'keys'} (${formatBytes(result.bytes)}) from ${result.source} to ${result.destination} in ${result.seconds.toFixed(1)} s\n`);
  }
}
