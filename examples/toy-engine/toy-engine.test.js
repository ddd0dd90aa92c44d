// The toy engine proves it keeps the kvs contract: the conformance suite and the property test
// against the memory model, from kvs/testing, in two calls.
import { conformanceSuite, propertySuite } from 'kvs/testing';
import { toyEngine } from './toy-engine.js';

await conformanceSuite({ engine: 'toy', module: toyEngine });
await propertySuite({ engine: 'toy', module: toyEngine }, 25);
