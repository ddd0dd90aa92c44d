import { propertySuite } from '../../conformance/property.js';

// Random operation sequences with reopen points, checked against the memory engine.
await propertySuite({ engine: 'sqlite' }, 30);
