/** Engine options of the LMDB engine, validated before lmdb-js sees them. */
import { parseEngineOptions } from '../shared/options.js';

/** The engine options: only `mapSize` (bytes of address space to map; lmdb-js grows it when needed). */
export function parseLmdbOptions(options: Record<string, unknown>): number | undefined {
  return parseEngineOptions('lmdb', options, { mapSize: { type: 'integer', min: 1, unit: 'of bytes' } }).mapSize;
}
