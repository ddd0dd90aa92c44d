/** Engine options of the LMDB engine, validated before lmdb-js sees them. */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

/** The engine options: only `mapSize` (bytes of address space to map; lmdb-js grows it when needed). */
export function parseLmdbOptions(options: Record<string, unknown>): number | undefined {
  for (const [name, value] of Object.entries(options)) {
    if (name !== 'mapSize') throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown lmdb option "${name}"; known options: mapSize`);
    if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `lmdb option "mapSize" must be a positive integer of bytes; got ${JSON.stringify(value)}`);
    }
  }
  return options.mapSize as number | undefined;
}
