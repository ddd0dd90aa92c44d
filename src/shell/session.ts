/**
 * The shell's read-eval-print loop over one open DataStore (local or remote). Interactive: a
 * prompt, history, tab completion, and errors that are reported without ending the session.
 * Script (stdin not a terminal): each line runs in turn, results print as the commands print
 * them, and the first failure ends the session with exit code 1. Lines run one at a time.
 */
import * as readline from 'node:readline';
import { isKvsError } from '../engine/errors.js';
import { complete } from './completer.js';
import { appendHistory, HISTORY_SIZE, loadHistory } from './history.js';
import { findCommand, unknownCommand, type ShellContext } from './shell-commands.js';
import { tokenize } from './tokenizer.js';

export interface SessionOptions extends ShellContext {
  input: NodeJS.ReadableStream;
  /** Prompts, history, completion, and errors that keep the session alive. */
  interactive: boolean;
  /** Let readline drive a terminal (line editing, completion). Default: interactive and `out` is a TTY. */
  terminal?: boolean;
  prompt?: string;
  /** Where interactive history is kept; none when undefined. */
  historyFile?: string | undefined;
}

/** The outcome of one line. */
export type LineResult = 'ok' | 'failed' | 'quit';

/** Runs one line: blank lines and `#` comments do nothing; errors are printed as `Error: <message>`. */
export async function runLine(ctx: ShellContext, line: string): Promise<LineResult> {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return 'ok';
  try {
    const [name, ...args] = tokenize(trimmed);
    if (name === undefined) return 'ok';
    const command = findCommand(name.toString('utf8'));
    if (command === undefined) throw unknownCommand(name.toString('utf8'));
    const ok = await command.run(ctx, args);
    if (command.quits === true) return 'quit';
    return ok ? 'ok' : 'failed';
  } catch (err) {
    // A KvsError is bad input or a store failure; anything else is a bug, still reported on one line.
    const message = isKvsError(err) || err instanceof Error ? err.message : String(err);
    ctx.err.write(`Error: ${message}\n`);
    return 'failed';
  }
}

/** Runs the session until quit, end of input, or (in a script) the first failure; resolves with the exit code. */
export async function runSession(options: SessionOptions): Promise<number> {
  const { interactive } = options;
  const terminal = options.terminal ?? (interactive && (options.out as { isTTY?: boolean }).isTTY === true);
  const history = interactive && options.historyFile !== undefined ? loadHistory(options.historyFile) : [];
  const rl = readline.createInterface({
    input: options.input,
    output: interactive ? options.out : undefined,
    terminal,
    prompt: options.prompt ?? 'kvs> ',
    history,
    historySize: HISTORY_SIZE,
    completer: terminal ? complete : undefined,
    crlfDelay: Infinity,
  });
  if (interactive) {
    rl.on('SIGINT', () => {
      // Ctrl-C drops the line being typed, as in other shells; leaving takes quit or Ctrl-D.
      if (rl.line === '') {
        options.out.write('\n(To leave, type quit or press Ctrl-D)\n');
        rl.prompt();
      } else {
        options.out.write('\n');
        rl.write(null, { ctrl: true, name: 'e' }); // to the end of the line, then delete all of it (redraws the prompt)
        rl.write(null, { ctrl: true, name: 'u' });
      }
    });
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      if (interactive && options.historyFile !== undefined) appendHistory(options.historyFile, line);
      const result = await runLine(options, line);
      if (result === 'quit') return 0;
      if (result === 'failed' && !interactive) return 1;
      if (interactive) rl.prompt();
    }
    if (interactive && terminal) options.out.write('\n'); // Ctrl-D leaves the cursor after the prompt
    return 0;
  } finally {
    rl.close();
  }
}
