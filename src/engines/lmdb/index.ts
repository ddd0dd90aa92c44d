/** The lmdb engine's registry entry; importing it loads lmdb-js and its native module. */
import type { EngineModule } from '../../engine/registry.js';
import { LmdbEngine, lmdbSupports } from './lmdb-engine.js';

export const lmdbEngine: EngineModule = {
  supports: lmdbSupports,
  open: async (options) => LmdbEngine.open(options),
};
