import { propertySuite } from '../../src/testing/index.js';

// 4 KiB files and merges at any dead-byte count, so most runs rotate and merge.
await propertySuite({ engine: 'bitcask', options: { maxFileSize: 4 * 1024, mergeMinDeadBytes: 0, mergeDeadRatio: 0.3 } });
