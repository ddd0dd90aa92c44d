/**
 * Validation of engine options (`--option name=value`, `openStore({ options })`) against a small
 * declarative spec: unknown names and values of the wrong type or range are INVALID_ARGUMENT, with
 * a message naming the engine, the option and what it accepts. Pure functions.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

/** An integer option (safe integers only) in `[min, max]`. */
export interface IntegerOption {
  type: 'integer';
  min: number;
  /** Default Number.MAX_SAFE_INTEGER. */
  max?: number;
  /** Words that follow "integer" in the message, e.g. "of bytes" or "(bytes or a count)". */
  unit?: string;
}

/** A finite number (fractions allowed) in `[min, max]`. */
export interface NumberOption {
  type: 'number';
  min: number;
  max: number;
}

export interface BooleanOption {
  type: 'boolean';
}

/** A string that `accepts` approves; `description` says in words what is accepted ("a name without ':'"). */
export interface StringOption {
  type: 'string';
  accepts: (value: string) => boolean;
  description: string;
}

export type OptionSpec = IntegerOption | NumberOption | BooleanOption | StringOption;

type ValueOf<S extends OptionSpec> = S extends BooleanOption ? boolean : S extends StringOption ? string : number;

/** The options a spec accepts; a name the caller did not give is absent. */
export type ParsedOptions<Spec extends Record<string, OptionSpec>> = { -readonly [K in keyof Spec]?: ValueOf<Spec[K]> };

/**
 * Checks every entry of `raw` against `spec`, in the caller's order, and returns them typed.
 * Throws INVALID_ARGUMENT at the first name `spec` lacks or the first value it rejects; `engine`
 * names the engine in the message ("unknown level option ...").
 */
export function parseEngineOptions<Spec extends Record<string, OptionSpec>>(engine: string, raw: Record<string, unknown>, spec: Spec): ParsedOptions<Spec> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const option = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (option === undefined) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown ${engine} option "${name}"; known options: ${Object.keys(spec).join(', ')}`);
    }
    if (!accepts(option, value)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `${engine} option "${name}" must be ${describe(option)}; got ${JSON.stringify(value)}`);
    }
    out[name] = value;
  }
  return out as ParsedOptions<Spec>;
}

/**
 * `defaults` with every option of `raw` that `spec` accepts put in: parseEngineOptions, then the
 * defaults for the names the caller did not give. The one way an engine turns raw options into its
 * settings.
 */
export function resolveEngineOptions<Spec extends Record<string, OptionSpec>, T extends { [K in keyof Spec]: ValueOf<Spec[K]> }>(
  engine: string,
  raw: Record<string, unknown>,
  spec: Spec,
  defaults: T,
): T {
  return { ...defaults, ...parseEngineOptions(engine, raw, spec) };
}

/** True iff `value` is valid for `option`. */
function accepts(option: OptionSpec, value: unknown): boolean {
  switch (option.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && option.accepts(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= option.min && value <= option.max;
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= option.min && (value as number) <= (option.max ?? Number.MAX_SAFE_INTEGER);
  }
}

/** What `option` accepts, in words: "true or false", "a positive integer of bytes", "an integer from 2 to 9". */
function describe(option: OptionSpec): string {
  if (option.type === 'boolean') return 'true or false';
  if (option.type === 'string') return option.description;
  if (option.type === 'number') return `a number from ${option.min} to ${option.max}`;
  const unit = option.unit === undefined ? '' : ` ${option.unit}`;
  if (option.max === undefined && option.min === 1) return `a positive integer${unit}`;
  if (option.max === undefined && option.min === 0) return `a non-negative integer${unit}`;
  if (option.max === undefined) return `an integer${unit} of at least ${option.min}`;
  return `an integer${unit} from ${option.min} to ${option.max}`;
}
