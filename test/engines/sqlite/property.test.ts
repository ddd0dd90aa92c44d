import { propertySuite } from '../../../src/testing/index.js';

// Random operation sequences with reopen points, checked against the memory engine.
await propertySuite({ engine: 'sqlite' }, 30);
