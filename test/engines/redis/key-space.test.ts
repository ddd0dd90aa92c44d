/** The redis engine's key layout and the SCAN MATCH prefix derived from a scan range. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inRange, toKeyRange } from '../../../src/engine/key-range.js';
import { commonRangePrefix, escapeGlob, KeySpace } from '../../../src/engines/redis/key-space.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('commonRangePrefix', () => {
  it('a prefix scan narrows SCAN to exactly that prefix', () => {
    expect(commonRangePrefix(toKeyRange({ prefix: 'user:' }))).toEqual(b('user:'));
    expect(commonRangePrefix(toKeyRange({ prefix: b('a\xff') }))).toEqual(b('a\xff'));
  });
  it('two bounds narrow to their shared bytes when nothing longer is safe', () => {
    expect(commonRangePrefix(toKeyRange({ gte: 'ab', lt: 'b' }))).toEqual(b('a'));
    expect(commonRangePrefix(toKeyRange({ gte: 'abc', lte: 'abd' }))).toEqual(b('ab'));
    expect(commonRangePrefix(toKeyRange({ gte: 'b', lte: 'b' }))).toEqual(b('b'));
  });
  it('an open side gives no prefix (the whole namespace is scanned)', () => {
    expect(commonRangePrefix(toKeyRange({ gte: 'abc' }))).toEqual(b(''));
    expect(commonRangePrefix(toKeyRange({ lt: 'abc' }))).toEqual(b(''));
    expect(commonRangePrefix(toKeyRange({ prefix: b('\xff') }))).toEqual(b('')); // no successor, no upper bound
  });
  it('every key inside a random range starts with the derived prefix', () => {
    const bytes = fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a.map((x) => [0, 1, 0x61, 0x62, 0xfe, 0xff][x % 6]!)));
    fc.assert(
      fc.property(
        fc.record({ gte: bytes, gt: bytes, lte: bytes, lt: bytes, prefix: bytes }, { requiredKeys: [] }),
        fc.array(bytes, { maxLength: 30 }),
        (options, keys) => {
          const range = toKeyRange(options);
          const prefix = commonRangePrefix(range);
          for (const key of keys) if (inRange(range, key)) expect(key.subarray(0, prefix.length)).toEqual(prefix);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('KeySpace', () => {
  it('maps keys into "<namespace>:" and back, and ignores Redis keys outside it', () => {
    const space = new KeySpace('ns');
    expect(space.toRedis(b('k\x00'))).toEqual(b('ns:k\x00'));
    expect(space.fromRedis(b('ns:k\x00'))).toEqual(b('k\x00'));
    expect(space.fromRedis(b('ns:'))).toBeUndefined();
    expect(space.fromRedis(b('ns2:k'))).toBeUndefined();
    expect(space.fromRedis(b('n'))).toBeUndefined();
  });
  it('escapes every glob metacharacter with a backslash', () => {
    expect(escapeGlob(b('a*b?c[d]e\\f^-g'))).toEqual(b('a\\*b\\?c\\[d\\]e\\\\f\\^\\-g'));
    expect(new KeySpace('n*').matchPattern(b('p?'))).toEqual(b('n\\*:p\\?*'));
  });
});
