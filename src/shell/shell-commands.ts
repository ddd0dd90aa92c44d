/**
 * The shell's command table: names, aliases, usage and flags in one place, shared by the runner,
 * `help` and tab completion. Each command prints what the matching `kvs` command prints, except
 * that `get` always ends its value with a newline so that results stay on their own lines.
 */
import type { DataScanOptions, DataStore } from '../client/data-store.js';
import { ErrorCodes, KvsError } from '../engine/errors.js';
import { BufferedOutput, writeAll } from '../cli/output.js';

export interface ShellContext {
  store: DataStore;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export interface ShellCommand {
  name: string;
  aliases: readonly string[];
  /** Arguments after the name, as shown by help: `KEY VALUE`. */
  usage: string;
  summary: string;
  /** Flags offered by tab completion. */
  flags: readonly string[];
  /** True iff the command ends the session. */
  quits?: boolean;
  /** Runs the command; resolves false iff it failed in a way a script must stop at (a message is already printed). */
  run(ctx: ShellContext, args: readonly Buffer[]): Promise<boolean>;
}

const NEWLINE = Buffer.from('\n');
const TAB = Buffer.from('\t');

function usageError(command: ShellCommand, why: string): KvsError {
  return new KvsError(ErrorCodes.INVALID_ARGUMENT, `${why}; usage: ${command.name} ${command.usage}`.trimEnd());
}

function expectArgs(command: ShellCommand, args: readonly Buffer[], count: number, hint = ''): void {
  if (args.length !== count) {
    const why = args.length < count ? 'missing argument' : `too many arguments (${args.length}, expected ${count})${hint}`;
    throw usageError(command, why);
  }
}

const set: ShellCommand = {
  name: 'set',
  aliases: [],
  usage: 'KEY VALUE',
  summary: 'Store VALUE under KEY ("quote" a value with spaces).',
  flags: [],
  async run(ctx, args) {
    expectArgs(set, args, 2, '; quote a value with spaces: set k "two words"');
    await ctx.store.set(args[0]!, args[1]!);
    return true;
  },
};

const get: ShellCommand = {
  name: 'get',
  aliases: [],
  usage: 'KEY',
  summary: 'Print the value of KEY, or "Key not found".',
  flags: [],
  async run(ctx, args) {
    expectArgs(get, args, 1);
    const value = await ctx.store.get(args[0]!);
    await writeAll(value === undefined ? 'Key not found\n' : Buffer.concat([value, NEWLINE]), ctx.out);
    return true;
  },
};

const rm: ShellCommand = {
  name: 'rm',
  aliases: ['delete', 'del'],
  usage: 'KEY',
  summary: 'Delete KEY; a missing key prints "Key not found" and fails.',
  flags: [],
  async run(ctx, args) {
    expectArgs(rm, args, 1);
    if (await ctx.store.delete(args[0]!)) return true;
    await writeAll('Key not found\n', ctx.err);
    return false;
  },
};

const LS_VALUE_FLAGS: Record<string, 'prefix' | 'start' | 'end' | 'limit'> = {
  '--prefix': 'prefix', '-p': 'prefix', '--start': 'start', '--end': 'end', '--limit': 'limit', '-n': 'limit',
};

const ls: ShellCommand = {
  name: 'ls',
  aliases: ['list'],
  usage: '[--prefix P] [--start KEY] [--end KEY] [--limit N] [--reverse] [--values]',
  summary: 'List keys in byte order (--start inclusive, --end exclusive).',
  flags: ['--prefix', '--start', '--end', '--limit', '--reverse', '--values'],
  async run(ctx, args) {
    const scan: DataScanOptions = { keysOnly: true };
    for (let i = 0; i < args.length; i++) {
      const text = args[i]!.toString('utf8');
      const eq = text.startsWith('--') ? text.indexOf('=') : -1;
      const flag = eq > 0 ? text.slice(0, eq) : text;
      if (flag === '--reverse' || flag === '-r') scan.reverse = true;
      else if (flag === '--values') scan.keysOnly = false;
      else if (flag in LS_VALUE_FLAGS) {
        const value = eq > 0 ? Buffer.from(text.slice(eq + 1)) : args[++i];
        if (value === undefined) throw usageError(ls, `${flag} needs a value`);
        const name = LS_VALUE_FLAGS[flag]!;
        if (name === 'prefix') scan.prefix = value;
        else if (name === 'start') scan.gte = value;
        else if (name === 'end') scan.lt = value;
        else scan.limit = parseLimit(value.toString('utf8'));
      } else {
        throw usageError(ls, `unknown argument ${JSON.stringify(text)}`);
      }
    }
    const out = new BufferedOutput(ctx.out);
    for await (const [key, value] of ctx.store.scan(scan)) {
      await out.write(scan.keysOnly === true ? Buffer.concat([key, NEWLINE]) : Buffer.concat([key, TAB, value, NEWLINE]));
    }
    await out.flush();
    return true;
  },
};

function parseLimit(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw usageError(ls, `--limit must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

const count: ShellCommand = {
  name: 'count',
  aliases: [],
  usage: '',
  summary: 'Print the number of keys.',
  flags: [],
  async run(ctx, args) {
    expectArgs(count, args, 0);
    await writeAll(`${await ctx.store.count()}\n`, ctx.out);
    return true;
  },
};

const help: ShellCommand = {
  name: 'help',
  aliases: ['?'],
  usage: '[COMMAND]',
  summary: 'List the commands, or show one.',
  flags: [],
  async run(ctx, args) {
    if (args.length > 1) throw usageError(help, 'too many arguments');
    const wanted = args[0] === undefined ? undefined : findCommand(args[0].toString('utf8'));
    if (args[0] !== undefined && wanted === undefined) throw unknownCommand(args[0].toString('utf8'));
    await writeAll(helpText(wanted === undefined ? SHELL_COMMANDS : [wanted]), ctx.out);
    return true;
  },
};

const quit: ShellCommand = {
  name: 'quit',
  aliases: ['exit'],
  usage: '',
  summary: 'Leave the shell (so does Ctrl-D).',
  flags: [],
  quits: true,
  async run() {
    return true;
  },
};

export const SHELL_COMMANDS: readonly ShellCommand[] = [set, get, rm, ls, count, help, quit];

/** The command called `name` (or an alias of it), case-insensitively; undefined iff none. */
export function findCommand(name: string): ShellCommand | undefined {
  const lower = name.toLowerCase();
  return SHELL_COMMANDS.find((c) => c.name === lower || c.aliases.includes(lower));
}

export function unknownCommand(name: string): KvsError {
  return new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown command ${JSON.stringify(name)}; type help to list the commands`);
}

function helpText(commands: readonly ShellCommand[]): string {
  // Usage and summary on separate lines: ls's usage alone is wider than half a terminal.
  const lines = commands.flatMap((c) => [
    `  ${c.name} ${c.usage}`.trimEnd(),
    `      ${c.summary}${c.aliases.length > 0 ? ` Also: ${c.aliases.join(', ')}.` : ''}`,
  ]);
  if (commands.length > 1) lines.push('', `Quote values with spaces: set k "two words" or 'two words'; "\\n", "\\t", "\\xff" are escapes.`);
  return `${lines.join('\n')}\n`;
}
