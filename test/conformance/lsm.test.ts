import { conformanceSuite } from '../../src/testing/index.js';

// A 4 KiB memtable, 1 KiB blocks, 8 KiB files and a 16 KiB L1 budget, so flushes and compactions happen throughout the suite.
await conformanceSuite({ engine: 'lsm', options: { memtableSize: 4096, blockSize: 1024, targetFileSize: 8192, level1MaxBytes: 16 * 1024, l0CompactionTrigger: 2, compactionSliceBytes: 2048 } });
