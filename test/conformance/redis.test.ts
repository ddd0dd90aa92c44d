import { afterAll } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import { conformanceSuite, propertySuite } from '../../src/testing/index.js';

// One private redis-server for this file; every store gets its own namespace on it.
const redis = await startRedisServer();
afterAll(() => redis.stop());
let n = 0;
const spec = { engine: 'redis', url: redis.url, freshOptions: () => ({ namespace: `t${n++}` }) };

await conformanceSuite(spec);
await propertySuite(spec, 50);
