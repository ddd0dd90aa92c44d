import { afterAll, expect, it } from 'vitest';
import { startRedisCluster } from '../support/redis-cluster.js';
import { conformanceSuite, propertySuite } from '../../src/testing/index.js';

// One private three-master Redis Cluster for this file; every store gets its own namespace on it.
const cluster = await startRedisCluster();
afterAll(() => cluster.stop());
let n = 0;
const spec = { engine: 'redis', url: cluster.url, freshOptions: () => ({ namespace: `t${n++}` }) };

await conformanceSuite(spec);
await propertySuite(spec, 30); // fewer runs than standalone: each reopen connects to every node

it('the suites above spread their keys over every master (so scans and counts merged them)', async () => {
  const masters = await cluster.masters();
  expect(masters).toHaveLength(3);
  for (const { port } of masters) expect(Number(await cluster.cli(port, 'DBSIZE')), `master ${port}`).toBeGreaterThan(0);
});
