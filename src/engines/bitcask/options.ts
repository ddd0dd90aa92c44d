/** Bitcask tuning options: defaults, documentation and validation (unknown keys are rejected). */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

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

function number(raw: Record<string, unknown>, name: keyof BitcaskOptions, min: number, max: number): number {
  const value = raw[name] ?? DEFAULT_OPTIONS[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `bitcask option ${name} must be a number from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

export function parseOptions(raw: Record<string, unknown>): BitcaskOptions {
  for (const name of Object.keys(raw)) {
    if (!(name in DEFAULT_OPTIONS)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown bitcask option "${name}"; known options: ${Object.keys(DEFAULT_OPTIONS).join(', ')}`);
    }
  }
  const autoMerge = raw.autoMerge ?? DEFAULT_OPTIONS.autoMerge;
  if (typeof autoMerge !== 'boolean') throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `bitcask option autoMerge must be true or false`);
  return {
    maxFileSize: Math.floor(number(raw, 'maxFileSize', 1024, MAX_FILE_SIZE_LIMIT)),
    mergeDeadRatio: number(raw, 'mergeDeadRatio', 0.01, 1),
    mergeMinDeadBytes: number(raw, 'mergeMinDeadBytes', 0, Number.MAX_SAFE_INTEGER),
    autoMerge,
  };
}
