/** The redis engine's registry entry. Importing it loads node-redis, so only the registry's lazy load() does. */
import type { EngineModule } from '../../engine/registry.js';
import { openRedis } from './open-redis.js';
import { redisSupports } from './redis-engine.js';

export const redisEngine: EngineModule = {
  // A standalone server's; a store opened on a Redis Cluster reports its own (atomicBatch false).
  supports: redisSupports,
  open: openRedis,
};
