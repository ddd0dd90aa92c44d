/**
 * The quick path of the everyday data commands (get, set, rm, count, ls): loading oclif takes
 * longer than the whole command should (about 70 ms of a 200 ms `kvs get`, and its parser alone
 * pulls in its help and error modules), so a command line these commands take in one plain shape
 * is read here from oclif's own manifest (oclif.manifest.json: every flag's name, letter, type,
 * choices, environment variable and default) and run without oclif. Anything else, including
 * every mistake, help and --version, is left to oclif, which then parses the whole line itself:
 * the quick path only ever accepts what oclif would accept in the same way (a test compares the
 * two on many command lines), so it never has an error message of its own.
 */
import { isKvsError } from '../engine/errors.js';
import type { CommandInput } from './actions/command-input.js';
import { exitQuietlyOnEpipe } from './output.js';
import { reportError } from './report-error.js';

/** What the quick path reads of a flag in oclif.manifest.json (`quick` is added by scripts/write-manifest.js). */
export interface ManifestFlag {
  name: string;
  type: 'boolean' | 'option';
  char?: string;
  env?: string;
  default?: unknown;
  options?: string[];
  multiple?: boolean;
  allowNo?: boolean;
  allowStdin?: boolean | 'only';
  required?: boolean;
  quick?: {
    /** Present iff the flag is an oclif integer flag, with its bounds. */
    integer?: { min?: number; max?: number };
    /** A boolean flag's default, which oclif's manifest omits. */
    default?: boolean;
  };
  exclusive?: unknown;
  dependsOn?: unknown;
  exactlyOne?: unknown;
  relationships?: unknown;
}

export interface ManifestCommand {
  flags: Record<string, ManifestFlag>;
  args: Record<string, { name: string; required?: boolean }>;
  strict?: boolean;
}

export interface Manifest {
  commands: Record<string, ManifestCommand>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (input: CommandInput<any, any>) => Promise<void>;

/** The commands with a quick path, each loading only its own action. */
const ACTIONS: Record<string, () => Promise<Action>> = {
  get: async () => (await import('./actions/get.js')).get,
  set: async () => (await import('./actions/set.js')).set,
  rm: async () => (await import('./actions/rm.js')).rm,
  count: async () => (await import('./actions/count.js')).count,
  ls: async () => (await import('./actions/ls.js')).ls,
};

/** Runs `argv` (command first) on the quick path and resolves true, or resolves false, having done nothing, iff oclif must run it. */
export async function runQuick(manifest: Manifest, argv: readonly string[]): Promise<boolean> {
  const [id, ...rest] = argv;
  if (id === undefined || !Object.hasOwn(ACTIONS, id) || !Object.hasOwn(manifest.commands, id)) return false;
  const input = parseQuick(manifest.commands[id]!, rest, process.env);
  if (input === undefined) return false;
  exitQuietlyOnEpipe();
  const action = await ACTIONS[id]!();
  try {
    if (process.env.KVS_ENGINE_MODULES !== undefined) {
      const { loadEngineModules } = await import('../engine/engine-modules.js'); // engines from outside kvs
      await loadEngineModules();
    }
    await action(input);
  } catch (err) {
    if (!isKvsError(err)) throw err;
    reportError(err);
  }
  return true;
}

/**
 * The args and flags oclif would parse from `tokens` (what follows the command's name), or
 * undefined iff the line is not in the quick shape: each flag at most once, as `--name value`,
 * `--name=value`, `-c value`, `--bool` or `--no-bool`, option values not starting with "-" (but
 * "-" itself), known flags only, every required argument and none extra, values within their
 * choices and bounds, `--` ending the flags.
 */
export function parseQuick(command: ManifestCommand, tokens: readonly string[], env: NodeJS.ProcessEnv): CommandInput<Record<string, string>, Record<string, unknown>> | undefined {
  const flags = Object.values(command.flags);
  if (flags.some((f) => f.multiple === true || f.allowStdin !== undefined || f.exclusive !== undefined || f.dependsOn !== undefined || f.exactlyOne !== undefined || f.relationships !== undefined)) return undefined;
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byChar = new Map(flags.filter((f) => f.char !== undefined).map((f) => [f.char!, f]));
  const values: Record<string, unknown> = {};
  const explicit = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0, flagsEnded = false; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (flagsEnded || token === '-' || !token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      flagsEnded = true;
      continue;
    }
    const long = token.startsWith('--');
    const equals = long ? token.indexOf('=') : -1;
    const name = long ? token.slice(2, equals < 0 ? undefined : equals) : token.slice(1);
    if (!long && name.length !== 1) return undefined; // -abc, -dPATH: oclif's
    let flag = long ? byName.get(name) : byChar.get(name);
    let value: unknown;
    if (flag === undefined && long && name.startsWith('no-') && equals < 0) {
      flag = byName.get(name.slice(3));
      if (flag?.type !== 'boolean' || flag.allowNo !== true) return undefined;
      value = false;
    } else if (flag === undefined) {
      return undefined; // --help, --version, a typo: oclif's
    } else if (flag.type === 'boolean') {
      if (equals >= 0) return undefined;
      value = true;
    } else {
      const text = equals >= 0 ? token.slice(equals + 1) : tokens[++i];
      if (text === undefined || (text.startsWith('-') && text !== '-')) return undefined;
      value = optionValue(flag, text);
      if (value === undefined) return undefined;
    }
    if (explicit.has(flag.name)) return undefined; // given twice
    values[flag.name] = value;
    explicit.add(flag.name);
  }
  for (const flag of flags) {
    if (explicit.has(flag.name)) continue;
    const fromEnv = flag.env === undefined ? undefined : env[flag.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      const value = flag.type === 'boolean' ? ['true', '1', 'yes', 'y'].includes(fromEnv.toLowerCase()) : optionValue(flag, fromEnv);
      if (value === undefined) return undefined;
      values[flag.name] = value;
      explicit.add(flag.name);
    } else if ((flag.quick?.default ?? flag.default) !== undefined) {
      values[flag.name] = flag.quick?.default ?? flag.default;
    } else if (flag.required === true) {
      return undefined;
    }
  }
  const argDefs = Object.values(command.args);
  if (positionals.length > argDefs.length || argDefs.some((a, i) => a.required === true && positionals[i] === undefined)) return undefined;
  const args: Record<string, string> = {};
  argDefs.forEach((a, i) => {
    if (positionals[i] !== undefined) args[a.name] = positionals[i]!;
  });
  return { args, flags: values, explicit };
}

/** `text` as the flag's value (a number for an integer flag), or undefined iff oclif would refuse it. */
function optionValue(flag: ManifestFlag, text: string): unknown {
  if (flag.options !== undefined && !flag.options.includes(text)) return undefined;
  if (flag.quick?.integer === undefined) return text;
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number.parseInt(text, 10);
  const { min, max } = flag.quick.integer;
  return (min !== undefined && n < min) || (max !== undefined && n > max) ? undefined : n;
}
