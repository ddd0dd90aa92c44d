/** The memory engine's registry entry. */
import type { EngineModule } from '../../engine/registry.js';
import { MemoryEngine, memorySupports } from './memory-engine.js';

export const memoryEngine: EngineModule = {
  supports: memorySupports,
  open: async (options) => new MemoryEngine(options),
};
