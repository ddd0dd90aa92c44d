/** The bitcask engine's registry entry. */
import type { EngineModule } from '../../engine/registry.js';
import { BitcaskEngine, bitcaskSupports } from './bitcask-engine.js';

export const bitcaskEngine: EngineModule = {
  supports: bitcaskSupports,
  open: async (options) => BitcaskEngine.open(options),
};
