/** Varint encoding: round trips at width boundaries, and malformed input rejected rather than misread. */
import { describe, it, expect } from 'vitest';
import { encodeVarint, getVarint32, getVarint64, putVarint, VarintWriter, varintLength } from '../../src/util/varint.js';

describe('varint', () => {
  it('round trips values at every 7-bit width boundary, with the expected encoded length', () => {
    const cases: [number, number][] = [
      [0, 1], [127, 1], [128, 2], [16383, 2], [16384, 3], [2 ** 21 - 1, 3], [2 ** 21, 4], [2 ** 28 - 1, 4], [2 ** 28, 5], [2 ** 32 - 1, 5],
    ];
    for (const [v, len] of cases) {
      const enc = encodeVarint(v);
      expect(enc.length, `length of ${v}`).toBe(len);
      expect(varintLength(v)).toBe(len);
      expect(getVarint32(enc, 0)).toEqual({ value: v, next: len });
      expect(getVarint64(enc, 0)).toEqual({ value: v, next: len });
    }
    for (const v of [2 ** 32, 2 ** 35 + 7, 2 ** 49, Number.MAX_SAFE_INTEGER]) {
      const enc = encodeVarint(v);
      expect(getVarint64(enc, 0)).toEqual({ value: v, next: enc.length });
    }
    expect(encodeVarint(Number.MAX_SAFE_INTEGER).length).toBe(8);
  });

  it('a varint that runs past the end is undefined, not a short read', () => {
    const enc = encodeVarint(300); // 2 bytes
    expect(getVarint32(enc, 0, 1)).toBeUndefined();
    expect(getVarint64(enc, 0, 1)).toBeUndefined();
    expect(getVarint32(Buffer.alloc(0), 0)).toBeUndefined();
  });

  it('a varint32 past 32 bits or longer than 5 bytes is undefined', () => {
    expect(getVarint32(encodeVarint(2 ** 32), 0)).toBeUndefined();
    expect(getVarint32(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0)).toBeUndefined();
  });

  it('a varint64 past 2^53 - 1 is undefined', () => {
    const big = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]); // 2^56 - 1
    expect(getVarint64(big, 0)).toBeUndefined();
    expect(getVarint64(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0)).toBeUndefined();
  });

  it('putVarint refuses negative and unsafe values', () => {
    expect(() => putVarint(Buffer.alloc(10), 0, -1)).toThrow(RangeError);
    expect(() => putVarint(Buffer.alloc(10), 0, 1.5)).toThrow(RangeError);
    expect(() => putVarint(Buffer.alloc(10), 0, 2 ** 53)).toThrow(RangeError);
  });

  it('VarintWriter grows past its first 64 bytes and writes varints and length-prefixed bytes back to back', () => {
    const long = Buffer.alloc(200, 0x61);
    const out = new VarintWriter().varint(300).bytes(Buffer.from('ab')).varint(Number.MAX_SAFE_INTEGER).bytes(long).finish();
    expect(out.length).toBe(2 + (1 + 2) + 8 + (2 + 200));
    let v = getVarint64(out, 0)!;
    expect(v.value).toBe(300);
    v = getVarint64(out, v.next)!;
    expect(v.value).toBe(2);
    expect(out.subarray(v.next, v.next + 2).toString()).toBe('ab');
    v = getVarint64(out, v.next + 2)!;
    expect(v.value).toBe(Number.MAX_SAFE_INTEGER);
    v = getVarint64(out, v.next)!;
    expect(v.value).toBe(200);
    expect(out.subarray(v.next).equals(long)).toBe(true);
  });
});
