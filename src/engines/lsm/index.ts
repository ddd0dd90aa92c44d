/** The lsm engine's registry entry. */
import type { EngineModule } from '../../engine/registry.js';
import { LsmEngine, lsmSupports } from './lsm-engine.js';

export const lsmEngine: EngineModule = {
  supports: lsmSupports,
  open: (options) => LsmEngine.open(options),
};
