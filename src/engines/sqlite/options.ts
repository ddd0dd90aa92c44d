/** Engine options of the SQLite engine, validated before the library sees them. */
import { resolveEngineOptions } from '../shared/options.js';

export interface SqliteTuning {
  /** How long a write waits for another connection's write lock before LOCKED (SQLite busy_timeout). */
  busyTimeoutMs: number;
  /** Page cache size in KiB (PRAGMA cache_size = -N). */
  cacheKiB: number;
}

export const DEFAULT_SQLITE_TUNING: SqliteTuning = { busyTimeoutMs: 2000, cacheKiB: 16 * 1024 };

const SPEC = {
  busyTimeoutMs: { type: 'integer', min: 0 },
  cacheKiB: { type: 'integer', min: 0 },
} as const;

/** Validates `options` and fills in defaults; unknown keys and bad values are INVALID_ARGUMENT. */
export function parseSqliteOptions(options: Record<string, unknown>): SqliteTuning {
  return resolveEngineOptions('sqlite', options, SPEC, DEFAULT_SQLITE_TUNING);
}
