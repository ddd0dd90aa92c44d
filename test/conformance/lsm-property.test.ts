import { propertySuite } from '../../src/testing/index.js';

// A 2 KiB memtable and tiny files and budgets, so most runs flush and compact several times.
await propertySuite({ engine: 'lsm', options: { memtableSize: 2048, blockSize: 512, targetFileSize: 4096, level1MaxBytes: 8 * 1024, l0CompactionTrigger: 2, compactionSliceBytes: 1024 } });
