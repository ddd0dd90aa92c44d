/**
 * Tab completion for the shell, from the command table: command names (and aliases) for the
 * first word, a command's flags for later words that start with "-". Pure; readline calls it.
 */
import { findCommand, SHELL_COMMANDS } from './shell-commands.js';

/** readline's completer contract: the candidates and the part of the line they would replace. */
export function complete(line: string): [string[], string] {
  const words = line.trimStart().split(/[ \t]+/);
  const current = words[words.length - 1] ?? '';
  if (words.length <= 1) {
    const lower = current.toLowerCase();
    const names = SHELL_COMMANDS.flatMap((c) => [c.name, ...c.aliases]).filter((n) => n.startsWith(lower));
    return [names.sort(), current];
  }
  const command = findCommand(words[0]!);
  if (command === undefined || !current.startsWith('-')) return [[], current];
  return [command.flags.filter((f) => f.startsWith(current) && !words.slice(1, -1).includes(f)), current];
}
