/** Engine options of the RocksDB engine: RocksDB tuning knobs, validated before the library sees them. */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

/** What the rocksdb binding's open() accepts from us. */
export interface RocksTuning {
  cacheSize?: number;
  writeBufferSize?: number;
  blockSize?: number;
  maxFileSize?: number;
  maxOpenFiles?: number;
  compression?: boolean;
}

const NUMERIC = ['cacheSize', 'writeBufferSize', 'blockSize', 'maxFileSize', 'maxOpenFiles'] as const;

/** Validates `options`; unknown keys and non-positive sizes are INVALID_ARGUMENT. */
export function parseRocksOptions(options: Record<string, unknown>): RocksTuning {
  const out: RocksTuning = {};
  for (const [name, value] of Object.entries(options)) {
    if ((NUMERIC as readonly string[]).includes(name)) {
      if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
        throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `rocksdb option "${name}" must be a positive integer (bytes or a count); got ${JSON.stringify(value)}`);
      }
      out[name as (typeof NUMERIC)[number]] = value as number;
    } else if (name === 'compression') {
      if (typeof value !== 'boolean') throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `rocksdb option "compression" must be true or false; got ${JSON.stringify(value)}`);
      out.compression = value;
    } else {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown rocksdb option "${name}"; known options: ${[...NUMERIC, 'compression'].join(', ')}`);
    }
  }
  return out;
}
