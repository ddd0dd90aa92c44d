/**
 * The base of every kvs command: failures are reported in one style (report-error.ts). A
 * KvsError is `Error: <message>` with exit code 1; a usage error (missing argument, unknown flag,
 * bad flag value) is `Error: <what>`, the usage line and a hint, exit code 2; anything else is a
 * bug, and keeps oclif's handling (its stack).
 */
import { Command, Errors } from '@oclif/core';
import { isKvsError } from '../engine/errors.js';
import { exitQuietlyOnEpipe } from './output.js';
import { reportError, reportUsageError } from './report-error.js';
import { closest } from './suggest.js';

/** What oclif's parse errors carry (RequiredArgsError its args, NonExistentFlagsError its flags); oclif's index does not export their classes. */
interface ParseError extends Error {
  args?: { name: string }[];
  flags?: string[];
}

/** True iff `err` is oclif's word that the command line is wrong: a CLIError (our commands throw KvsErrors), not an exit. */
function isParseError(err: unknown): err is ParseError {
  return err instanceof Errors.CLIError && !(err instanceof Errors.ExitError);
}

export abstract class BaseCommand extends Command {
  override async init(): Promise<void> {
    await super.init();
    if (process.env.KVS_ENGINE_MODULES !== undefined) {
      const { loadEngineModules } = await import('../engine/engine-modules.js'); // engines from outside kvs; nothing to load otherwise
      await loadEngineModules();
    }
    exitQuietlyOnEpipe();
  }

  override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isKvsError(err)) return reportError(err);
    if (isParseError(err)) {
      this.parsed = true; // it was parsed, and found wrong: no "did not parse its arguments" warning
      return reportUsageError(this.#describe(err), { bin: this.config.bin, id: this.id, args: Object.values(this.ctor.args ?? {}) });
    }
    return super.catch(err);
  }

  /** One line for a parse error: oclif's message without its lists, colours and "See more help" line. */
  #describe(err: ParseError): string {
    if (err.constructor.name === 'RequiredArgsError' && err.args !== undefined) {
      return `missing argument${err.args.length === 1 ? '' : 's'} ${err.args.map((a) => a.name.toUpperCase()).join(' and ')}`;
    }
    if (err.constructor.name === 'NonExistentFlagsError' && err.flags !== undefined) {
      const known = Object.keys({ ...this.ctor.baseFlags, ...this.ctor.flags }).map((name) => `--${name}`);
      const guesses = err.flags.map((flag) => closest(flag.split('=')[0]!, known)).filter((g) => g !== undefined);
      return `unknown flag${err.flags.length === 1 ? '' : 's'} ${err.flags.join(', ')}${guesses.length > 0 ? `; did you mean ${guesses.join(', ')}?` : ''}`;
    }
    const text = err.message
      .replace(/\nSee more help with --help$/, '')
      .replace(/\u001b\[[0-9;]*m/g, '') // colour codes
      .replace(/^The following errors? occurred:\s*/, '');
    const parts = text.split('\n').map((part) => part.trim()).filter((part) => part !== '');
    const flag = /^Parsing (--\S+)$/.exec(parts[0] ?? '')?.[1]; // "Parsing --limit", then why
    const why = (flag === undefined ? parts : parts.slice(1)).map((part) => part.charAt(0).toLowerCase() + part.slice(1)).join('; ');
    return flag === undefined ? why : `${flag}: ${why}`;
  }
}
