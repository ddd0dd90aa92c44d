/** The bitcask engine's registry entry. (Work in progress.) */
import type { EngineModule } from '../../engine/registry.js';
import { MemoryEngine, memorySupports } from '../memory/memory-engine.js';

export const bitcaskEngine: EngineModule = {
  supports: { ...memorySupports, persistent: true, directory: true },
  open: async (options) => new MemoryEngine(options.readOnly),
};
