import { propertySuite } from '../../../src/testing/index.js';

// Random operation sequences with reopen points, checked against the memory engine.
// Tiny write buffers, so memtable flushes and table compactions happen inside the runs.
await propertySuite({ engine: 'level', options: { writeBufferSize: 4096, maxFileSize: 4096 } }, 30);
