/** The long-key bucket codec: round trip, encoded lengths, and decoding that never trusts lengths. */
import { describe, expect, it } from 'vitest';
import { ENTRY_HEADER_BYTES, decodeBucket, encodeBucket, findSuffix } from '../../../src/engines/lmdb/long-keys.js';

const entries = [
  { suffix: Buffer.from([0]), value: Buffer.alloc(0) },
  { suffix: Buffer.from('m'), value: Buffer.from('value') },
  { suffix: Buffer.from('zz'), value: Buffer.alloc(300, 7) },
];

describe('long-key buckets', () => {
  it('round-trip, and the encoded length is the headers plus the bytes', () => {
    const bytes = encodeBucket(entries);
    expect(bytes.length).toBe(3 * ENTRY_HEADER_BYTES + 1 + 0 + 1 + 5 + 2 + 300);
    expect(decodeBucket(bytes, 'test')).toEqual(entries);
    expect(decodeBucket(Buffer.alloc(0), 'test')).toEqual([]);
  });

  it('findSuffix finds entries and the insertion point of absent ones', () => {
    expect(findSuffix(entries, Buffer.from('m'))).toBe(1);
    expect(findSuffix(entries, Buffer.from('a'))).toBe(-2);
    expect(findSuffix(entries, Buffer.from('zzz'))).toBe(-4);
  });

  it('a truncated header, an overrunning length and an empty suffix are CORRUPTION with the byte offset', () => {
    const bytes = encodeBucket(entries);
    expect(() => decodeBucket(bytes.subarray(0, bytes.length - 1), 'B')).toThrow(expect.objectContaining({ code: 'CORRUPTION', details: { where: 'B', offset: 23 } }));
    expect(() => decodeBucket(bytes.subarray(0, 5), 'B')).toThrow(expect.objectContaining({ code: 'CORRUPTION', details: { where: 'B', offset: 0 } }));
    const emptySuffix = Buffer.from(bytes);
    emptySuffix.writeUInt32BE(0, 0);
    expect(() => decodeBucket(emptySuffix, 'B')).toThrow(/empty key suffix/);
  });
});
