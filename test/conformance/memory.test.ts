import { conformanceSuite } from '../../src/testing/index.js';

await conformanceSuite({ engine: 'memory' });
