import { conformanceSuite } from './suite.js';

await conformanceSuite({ engine: 'lmdb' });
