/**
 * A 100k-entry table built and read back in full; logs build, point-read, absent-read and scan
 * throughput (measured for the record, never asserted: the machine is shared).
 */
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { EntryKind } from '../../../../src/engines/lsm/entry.js';
import { BlockCache, DEFAULT_BLOCK_CACHE_BYTES } from '../../../../src/engines/lsm/sstable/block-cache.js';
import { TableBuilder, DEFAULT_TABLE_OPTIONS } from '../../../../src/engines/lsm/sstable/table-builder.js';
import { TableReader, newReadCounters } from '../../../../src/engines/lsm/sstable/table-reader.js';
import { tempDir } from './helpers.js';

const N = 100_000;
const key = (i: number): Buffer => Buffer.from(`user:${String(i).padStart(10, '0')}`);
const val = (i: number): Buffer => Buffer.from(`value-${i}-`.padEnd(100, 'x'));
const perSecond = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

describe('table throughput (logged, not asserted)', () => {
  it('100k entries (16-byte keys, 100-byte values): build, then every key and 100k absent keys read back', () => {
    const file = path.join(tempDir('throughput'), '000001.sst');
    let t0 = performance.now();
    const builder = new TableBuilder(file, DEFAULT_TABLE_OPTIONS);
    for (let i = 0; i < N; i++) builder.add(key(i), i + 1, EntryKind.VALUE, val(i));
    const meta = builder.finish();
    const buildMs = performance.now() - t0;

    const cache = new BlockCache(DEFAULT_BLOCK_CACHE_BYTES);
    const counters = newReadCounters();
    const reader = TableReader.open(file, 1, cache, counters);
    // A fixed permutation (LCG stride) so reads jump between blocks like a random workload.
    const order = Array.from({ length: N }, (_, i) => (i * 7919) % N);
    t0 = performance.now();
    let found = 0;
    for (const i of order) if (reader.get(key(i), Number.MAX_SAFE_INTEGER)?.value.equals(val(i))) found++;
    const readMs = performance.now() - t0;

    t0 = performance.now();
    let absentHits = 0;
    for (let i = 0; i < N; i++) if (reader.get(Buffer.from(`absent:${String(i).padStart(10, '0')}`), Number.MAX_SAFE_INTEGER) !== undefined) absentHits++;
    const absentMs = performance.now() - t0;

    t0 = performance.now();
    let scanned = 0;
    const it = reader.iterator();
    for (it.seekToFirst(); it.valid(); it.next()) scanned++;
    const scanMs = performance.now() - t0;
    reader.close();

    console.log(
      [
        `table: ${N} entries, ${(meta.fileSize / 1048576).toFixed(1)} MiB, blockSize ${DEFAULT_TABLE_OPTIONS.blockSize}, 8 MiB cache`,
        `  build       ${buildMs.toFixed(0)} ms  ${perSecond(N, buildMs)} entries`,
        `  get present ${readMs.toFixed(0)} ms  ${perSecond(N, readMs)} (block reads ${counters.blockReads}, cache hits ${counters.cacheHits})`,
        `  get absent  ${absentMs.toFixed(0)} ms  ${perSecond(N, absentMs)} (bloom negatives ${counters.bloomNegatives} of ${N})`,
        `  scan        ${scanMs.toFixed(0)} ms  ${perSecond(N, scanMs)} entries`,
      ].join('\n'),
    );
    expect(meta.entryCount).toBe(N);
    expect(found).toBe(N);
    expect(absentHits).toBe(0);
    expect(scanned).toBe(N);
  });
});
