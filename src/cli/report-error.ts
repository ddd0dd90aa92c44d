/**
 * How every kvs command reports a failure, in one style whether oclif or the quick path ran it:
 * `Error: <message>` on stderr; exit code 1 for a KvsError (the store or the input said no), 2 for
 * a usage error, which adds the usage line and where to read more.
 */
import type { KvsError } from '../engine/errors.js';

export function reportError(err: KvsError): void {
  process.stderr.write(`Error: ${err.message}\n`);
  process.exitCode = 1;
}

/**
 * `message` (first letter lower case, no final period), then for a command its usage line (e.g.
 * `kvs get KEY [flags]`) and where its help is, or without one where the list of commands is.
 */
export function reportUsageError(message: string, usage: { bin: string; id?: string | undefined; args?: readonly { name: string; required?: boolean }[] }): void {
  const lines = [`Error: ${message}`];
  if (usage.id === undefined || usage.id === '') {
    lines.push(`Run \`${usage.bin} --help\` to list the commands.`);
  } else {
    const command = `${usage.bin} ${usage.id}`;
    const args = (usage.args ?? []).map((a) => (a.required === true ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`));
    lines.push(`Usage: ${[command, ...args, '[flags]'].join(' ')}`, `See \`${command} --help\` for more.`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exitCode = 2;
}
