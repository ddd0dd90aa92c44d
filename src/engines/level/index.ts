/** The level engine's registry entry; importing it loads classic-level's native module. */
import type { EngineModule } from '../../engine/registry.js';
import { LevelEngine, levelSupports } from './level-engine.js';

export const levelEngine: EngineModule = {
  supports: levelSupports,
  open: async (options) => LevelEngine.open(options),
};
