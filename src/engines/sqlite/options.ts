/** Engine options of the SQLite engine, validated before the library sees them. */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

export interface SqliteTuning {
  /** How long a write waits for another connection's write lock before LOCKED (SQLite busy_timeout). */
  busyTimeoutMs: number;
  /** Page cache size in KiB (PRAGMA cache_size = -N). */
  cacheKiB: number;
}

export const DEFAULT_SQLITE_TUNING: SqliteTuning = { busyTimeoutMs: 2000, cacheKiB: 16 * 1024 };

/** Validates `options`; unknown keys and bad values are INVALID_ARGUMENT. */
export function parseSqliteOptions(options: Record<string, unknown>): SqliteTuning {
  const out = { ...DEFAULT_SQLITE_TUNING };
  for (const [name, value] of Object.entries(options)) {
    if (name !== 'busyTimeoutMs' && name !== 'cacheKiB') {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown sqlite option "${name}"; known options: busyTimeoutMs, cacheKiB`);
    }
    if (!(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `sqlite option "${name}" must be a non-negative integer; got ${JSON.stringify(value)}`);
    }
    out[name] = value as number;
  }
  return out;
}
