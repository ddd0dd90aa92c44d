/**
 * The base of every kvs command: a KvsError becomes one line, `Error: <message>`, on stderr
 * and exit code 1; anything else (parse errors, bugs) keeps oclif's handling (exit 2 for usage).
 */
import { Command } from '@oclif/core';
import { isKvsError } from '../index.js';

export abstract class BaseCommand extends Command {
  override async init(): Promise<void> {
    await super.init();
    if (process.env.KVS_ENGINE_MODULES !== undefined) {
      const { loadEngineModules } = await import('../engine/engine-modules.js'); // engines from outside kvs; nothing to load otherwise
      await loadEngineModules();
    }
    // A closed reader (`kvs ls | head`) is not a failure: stop quietly.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }

  override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isKvsError(err)) {
      process.stderr.write(`Error: ${err.message}\n`);
      process.exitCode = 1;
      return undefined;
    }
    return super.catch(err);
  }
}
