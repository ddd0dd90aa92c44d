import { conformanceSuite } from '../../src/testing/index.js';

// Small write buffers and tables, so memtable flushes and compactions happen during the suite.
await conformanceSuite({ engine: 'level', options: { writeBufferSize: 64 * 1024, maxFileSize: 64 * 1024 } });
