/**
 * `kvs/testing`: the suites every kvs engine passes, for engines of your own.
 *
 *   import { conformanceSuite, propertySuite } from 'kvs/testing';
 *   await conformanceSuite({ engine: 'toy', module: toyEngine });
 *   await propertySuite({ engine: 'toy', module: toyEngine });
 *
 * Needs vitest (the default runner) and, for propertySuite, fast-check; both are optional peer
 * dependencies of kvs, installed by the project that runs the suites.
 */
import type { TestRunner } from './runner.js';
import type { EngineUnderTest } from './harness.js';

export { conformanceSuite } from './conformance-suite.js';
export { collect, type EngineUnderTest, type Harness } from './harness.js';
export type { TestRunner } from './runner.js';

/** The property test (random operations against the memory model); loads fast-check only when called. */
export async function propertySuite(spec: EngineUnderTest, runs = 100, runner?: TestRunner): Promise<void> {
  const { propertySuite: register } = await import('./property-suite.js');
  return register(spec, runs, runner);
}
