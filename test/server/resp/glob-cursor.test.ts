import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, literalPrefix } from '../../../src/server/resp/glob.js';
import { ScanCursors } from '../../../src/server/resp/scan-cursor.js';

const m = (pattern: string, subject: string): boolean => globMatch(Buffer.from(pattern, 'latin1'), Buffer.from(subject, 'latin1'));

describe('globMatch (Redis patterns)', () => {
  const cases: [string, string, boolean][] = [
    ['*', '', true],
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h*llo', 'hello world', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true], // reversed ranges work, as in Redis
    ['h[a-b]llo', 'hcllo', false],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['user:*:name', 'user:42:name', true],
    ['user:*:name', 'user:42:email', false],
    ['*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false], // backtracking stays cheap
    ['a\\', 'a\\', true], // a trailing backslash matches itself
  ];
  for (const [pattern, subject, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(subject)}`, () => {
      expect(m(pattern, subject)).toBe(expected);
    });
  }

  it('literalPrefix stops at the first special character and unescapes', () => {
    expect(literalPrefix(Buffer.from('user:\\*x*')).toString()).toBe('user:*x');
    expect(literalPrefix(Buffer.from('*x')).length).toBe(0);
    expect(literalPrefix(Buffer.from('a[bc]')).toString()).toBe('a');
  });

  it('every key matching a pattern starts with its literal prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '*', '?', '[', ']', '\\', '^', '-') }), fc.string({ unit: fc.constantFrom('a', 'b', '*', '[', '\\') }), (pattern, subject) => {
        const p = Buffer.from(pattern);
        const s = Buffer.from(subject);
        if (globMatch(p, s)) expect(s.subarray(0, literalPrefix(p).length)).toEqual(literalPrefix(p));
      }),
    );
  });
});

describe('SCAN cursors', () => {
  it('round-trip any key, leading zero bytes included, as decimals below 2^64', () => {
    const cursors = new ScanCursors();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
        const key = Buffer.from(bytes);
        const cursor = cursors.encode(key);
        expect(cursor).toMatch(/^[1-9][0-9]*$/);
        expect(BigInt(cursor) < 2n ** 64n).toBe(true);
        expect(cursors.decode(Buffer.from(cursor))).toEqual(key);
      }),
    );
  });

  it('keys of up to 7 bytes need no server state', () => {
    const cursors = new ScanCursors();
    const cursor = cursors.encode(Buffer.from([0, 0, 1, 2, 3, 4, 5]));
    expect(cursors.size).toBe(0);
    expect(new ScanCursors().decode(Buffer.from(cursor))).toEqual(Buffer.from([0, 0, 1, 2, 3, 4, 5]));
  });

  it('forgets the oldest long-key cursors past its bounds, which are then invalid', () => {
    const cursors = new ScanCursors({ maxEntries: 2, maxBytes: 1000 });
    const first = cursors.encode(Buffer.from('long key one'));
    const second = cursors.encode(Buffer.from('long key two'));
    const third = cursors.encode(Buffer.from('long key three'));
    expect(cursors.size).toBe(2);
    expect(cursors.decode(Buffer.from(first))).toBeUndefined();
    expect(cursors.decode(Buffer.from(second))?.toString()).toBe('long key two');
    expect(cursors.decode(Buffer.from(third))?.toString()).toBe('long key three');
    const small = new ScanCursors({ maxEntries: 100, maxBytes: 20 });
    small.encode(Buffer.from('twelve bytes'));
    small.encode(Buffer.from('twelve bytes'));
    expect(small.size).toBe(1); // the byte bound evicts too
  });

  it('"0" starts an iteration; garbage is invalid', () => {
    const cursors = new ScanCursors();
    expect(cursors.decode(Buffer.from('0'))).toBeNull();
    for (const bad of ['', 'abc', '-1', '1', '12x', '2', '18446744073709551616', '4611686018427387905']) expect(cursors.decode(Buffer.from(bad))).toBeUndefined();
  });
});
