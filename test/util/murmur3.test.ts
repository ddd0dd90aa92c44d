/** MurmurHash3 x86_32: reference vectors, every tail length, and the seed. */
import { describe, it, expect } from 'vitest';
import { murmur3 } from '../../src/util/murmur3.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('murmur3', () => {
  it('matches the reference vectors of MurmurHash3_x86_32 (seed 0)', () => {
    expect(murmur3(b(''), 0)).toBe(0);
    expect(murmur3(b('hello'), 0)).toBe(0x248bfa47);
    expect(murmur3(b('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
  });

  it('matches the reference vectors with a seed, for tails of 0 to 3 bytes', () => {
    expect(murmur3(b(''), 1)).toBe(0x514e28b7);
    expect(murmur3(b(''), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3(Buffer.from([0x21, 0x43, 0x65, 0x87]), 0x5082edee)).toBe(0x2362f9de);
    expect(murmur3(Buffer.from([0x21, 0x43, 0x65]), 0)).toBe(0x7e4a8634);
    expect(murmur3(Buffer.from([0x21, 0x43]), 0)).toBe(0xa0f7b07a);
    expect(murmur3(Buffer.from([0x21]), 0)).toBe(0x72661cf4);
  });
});
