import { conformanceSuite } from '../../src/testing/index.js';

// Small files and an eager merge policy, so rotation and automatic merges happen during the suite.
await conformanceSuite({ engine: 'bitcask', options: { maxFileSize: 8 * 1024, mergeMinDeadBytes: 0 } });
