/** `kvs shell`: an interactive session (or a script from stdin) on a local store or a kvs server. */
import * as path from 'node:path';
import { historyPath } from '../../shell/history.js';
import { runSession } from '../../shell/session.js';
import { syncFlag } from '../flags.js';
import { StoreCommand } from '../store-command.js';

export default class Shell extends StoreCommand {
  static override summary = 'Run commands interactively, or a script from stdin.';
  static override description = `Opens the store once (or connects to --addr once) and reads commands: set KEY VALUE, get KEY, rm KEY (delete), ls [--prefix P] [--start K] [--end K] [--limit N] [--reverse] [--values], count, help, quit (exit, Ctrl-D). Quote values with spaces ("..." with escapes \\n \\t \\" \\\\ \\xHH, or '...' as is). On a terminal: tab completion of commands, history kept in ~/.kvs_history (KVS_HISTORY_FILE overrides; empty turns it off), and a bad line prints an error and the session goes on. With stdin not a terminal the lines run as a script: results print as the kvs commands print them (get adds a newline), lines starting with # are comments, and the first error stops the script with exit code 1. A local store is created if missing and locked for the whole session.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --addr 127.0.0.1:6380',
    { description: 'Run a script.', command: `printf 'set greeting "hello world"\\nget greeting\\n' | <%= config.bin %> <%= command.id %>` },
  ];
  static override flags = { sync: syncFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Shell);
    const interactive = process.stdin.isTTY === true;
    const where = flags.addr !== undefined && flags.addr !== '' ? flags.addr : path.relative(process.cwd(), path.resolve(flags.dir)) || '.';
    const code = await this.withStore(flags, { sync: flags.sync, remote: true }, async (store) => {
      if (interactive) process.stdout.write(`kvs shell on ${where}; type help for the commands, quit or Ctrl-D to leave.\n`);
      return runSession({
        store,
        input: process.stdin,
        out: process.stdout,
        err: process.stderr,
        interactive,
        prompt: `kvs ${where}> `,
        historyFile: interactive ? historyPath() : undefined,
      });
    });
    process.exitCode = code;
  }
}
