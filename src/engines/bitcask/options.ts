/** Bitcask tuning options: defaults, documentation and validation (unknown keys are rejected). */
import { resolveEngineOptions, type OptionSpec } from '../shared/options.js';

export interface BitcaskOptions {
  /** The active file is sealed and a new one started once it would grow past this. Default 64 MiB. */
  maxFileSize: number;
  /** Merge automatically when dead bytes are at least this share of the sealed files... Default 0.5. */
  mergeDeadRatio: number;
  /** ...and at least this many bytes. Default 16 MiB. */
  mergeMinDeadBytes: number;
  /** Run the merge policy at all (compact() always works). Default true. */
  autoMerge: boolean;
}

export const DEFAULT_OPTIONS: BitcaskOptions = {
  maxFileSize: 64 * 1024 * 1024,
  mergeDeadRatio: 0.5,
  mergeMinDeadBytes: 16 * 1024 * 1024,
  autoMerge: true,
};

/** Largest allowed maxFileSize: record offsets are 32-bit, and a file may exceed the limit by one record. */
const MAX_FILE_SIZE_LIMIT = 1024 * 1024 * 1024;

const SPEC = {
  maxFileSize: { type: 'integer', min: 1024, max: MAX_FILE_SIZE_LIMIT, unit: 'of bytes' },
  mergeDeadRatio: { type: 'number', min: 0.01, max: 1 },
  mergeMinDeadBytes: { type: 'integer', min: 0, unit: 'of bytes' },
  autoMerge: { type: 'boolean' },
} as const satisfies Record<keyof BitcaskOptions, OptionSpec>;

/** Validated options with defaults filled in; throws INVALID_ARGUMENT naming the first unknown or bad key. */
export function parseOptions(raw: Record<string, unknown>): BitcaskOptions {
  return resolveEngineOptions('bitcask', raw, SPEC, DEFAULT_OPTIONS);
}
