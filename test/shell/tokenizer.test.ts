/** The shell tokenizer: words, both quote styles, escapes, and the errors for bad quoting. */
import { describe, expect, it } from 'vitest';
import { isKvsError } from '../../src/engine/errors.js';
import { tokenize } from '../../src/shell/tokenizer.js';

const words = (line: string): string[] => tokenize(line).map((b) => b.toString('utf8'));

function error(line: string): Error {
  try {
    tokenize(line);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${JSON.stringify(line)} to be rejected`);
}

describe('splitting', () => {
  it('splits on runs of spaces and tabs, ignoring leading and trailing space', () => {
    expect(words('  set \t k   v  ')).toEqual(['set', 'k', 'v']);
    expect(words('')).toEqual([]);
    expect(words('   ')).toEqual([]);
  });

  it('double and single quotes keep spaces; an empty pair is an empty argument', () => {
    expect(words('set k "hello world"')).toEqual(['set', 'k', 'hello world']);
    expect(words("set k 'a  b'")).toEqual(['set', 'k', 'a  b']);
    expect(words('set k ""')).toEqual(['set', 'k', '']);
    expect(words("set k ''")).toEqual(['set', 'k', '']);
  });

  it('quoted and plain parts that touch form one argument', () => {
    expect(words(`a"b c"'d e'f`)).toEqual(['ab cd ef']);
  });

  it('keeps non-ASCII text as UTF-8', () => {
    expect(tokenize('set clé "naïve ☃"')[2]).toEqual(Buffer.from('naïve ☃', 'utf8'));
  });
});

describe('escapes', () => {
  it('double quotes understand \\n \\r \\t \\0 \\\\ \\" \\\' and \\xHH', () => {
    expect(tokenize(String.raw`"a\nb\rc\td\0e\\f\"g\'h"`)[0]!.toString('latin1')).toBe('a\nb\rc\td\0e\\f"g\'h');
    expect([...tokenize(String.raw`"\x00\xff\x41"`)[0]!]).toEqual([0, 255, 65]);
  });

  it('single quotes take backslashes literally', () => {
    expect(words(String.raw`'C:\dir\n'`)).toEqual([String.raw`C:\dir\n`]);
  });

  it('outside quotes a backslash makes the next character literal', () => {
    expect(words(String.raw`two\ words \"q\" back\\slash`)).toEqual(['two words', '"q"', 'back\\slash']);
  });

  it('\\xHH mixed with text builds the exact bytes', () => {
    expect([...tokenize(String.raw`"é\xe9"`)[0]!]).toEqual([0xc3, 0xa9, 0xe9]);
  });
});

describe('bad input', () => {
  const cases: [string, RegExp][] = [
    ['get "unclosed', /^unclosed double quote at column 5; end the text with "$/],
    ["get 'unclosed", /^unclosed single quote at column 5/],
    [String.raw`get "a\q"`, /^unknown escape \\q at column 7 inside double quotes/],
    [String.raw`get "\x4"`, /^\\x at column 6 needs two hex digits/],
    [String.raw`get "\xzz"`, /needs two hex digits/],
    ['get trailing\\', /^a backslash at the end of the line \(column 13\) escapes nothing/],
    ['get "ends with backslash\\', /^unclosed double quote at column 5/],
  ];
  for (const [line, message] of cases) {
    it(`rejects ${JSON.stringify(line)} with INVALID_ARGUMENT and the column`, () => {
      const err = error(line);
      expect(isKvsError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect(err.message).toMatch(message);
    });
  }
});
