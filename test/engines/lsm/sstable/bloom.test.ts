/** Bloom filter: no false negatives, the false-positive rate at 10 bits/key, probe counts, bad k. */
import { describe, it, expect } from 'vitest';
import { BloomFilter, bloomHash, buildBloomFilter, probesFor } from '../../../../src/engines/lsm/sstable/bloom.js';
import { isKvsError } from '../../../../src/engine/errors.js';
import { b } from './helpers.js';

function filterOf(keys: Buffer[], bitsPerKey: number): BloomFilter {
  const hashes = Uint32Array.from(keys.map((k) => bloomHash(k)));
  return new BloomFilter(buildBloomFilter(hashes, hashes.length, bitsPerKey), { file: 'f.sst', offset: 0 });
}

describe('bloom filter', () => {
  it('probe count is round(bits * ln 2) clamped to 1..30', () => {
    expect(probesFor(10)).toBe(7);
    expect(probesFor(1)).toBe(1);
    expect(probesFor(0.1)).toBe(1);
    expect(probesFor(100)).toBe(30);
  });

  it('false-positive rate at 10 bits/key is under 2% (10k keys, 100k absent probes), with no false negatives', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => b(`user:${i}`));
    const filter = filterOf(keys, 10);
    for (const k of keys) expect(filter.mayContain(k)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++) if (filter.mayContain(b(`absent:${i}`))) falsePositives++;
    const rate = falsePositives / 100_000;
    console.log(`bloom false-positive rate at 10 bits/key: ${(rate * 100).toFixed(2)}%`);
    expect(rate).toBeLessThan(0.02);
    expect(rate).toBeGreaterThan(0); // a filter that says "absent" to everything would also pass the bound
  });

  it('a tiny key set still gets a 64-bit filter that finds its keys', () => {
    const hashes = Uint32Array.of(bloomHash(b('a')));
    const contents = buildBloomFilter(hashes, 1, 10);
    expect(contents.length).toBe(64 / 8 + 1);
    const f = new BloomFilter(contents, { file: 'f.sst', offset: 0 });
    expect(f.mayContain(b('a'))).toBe(true);
  });

  it('a probe count outside 1..30 is CORRUPTION at the k byte', () => {
    const contents = buildBloomFilter(Uint32Array.of(1, 2, 3), 3, 10);
    contents[contents.length - 1] = 31;
    let err: unknown;
    try {
      new BloomFilter(contents, { file: '/x/000004.sst', offset: 100 });
    } catch (e) {
      err = e;
    }
    expect(isKvsError(err, 'CORRUPTION')).toBe(true);
    expect((err as Error).message).toContain(`000004.sst is corrupt at byte offset ${100 + contents.length - 1}`);
  });
});
