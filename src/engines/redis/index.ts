/** The redis engine's registry entry. Importing it loads node-redis, so only the registry's lazy load() does. */
import type { EngineModule } from '../../engine/registry.js';
import { RedisEngine, redisSupports } from './redis-engine.js';

export const redisEngine: EngineModule = {
  supports: redisSupports,
  open: (options) => RedisEngine.open(options),
};
