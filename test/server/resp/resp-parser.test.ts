import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/server/resp/limits.js';
import { ProtocolError, RespParser, type ParserLimits } from '../../../src/server/resp/resp-parser.js';

const LIMITS: ParserLimits = { maxBulkBytes: 1024, maxInlineBytes: 256, maxArgs: 16, maxRequestBytes: 4096 };

function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const b = Buffer.isBuffer(arg) ? arg : Buffer.from(arg);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Feeds `chunks` and returns the commands as strings (latin1, so bytes survive), and the error if any. */
function parse(chunks: (string | Buffer)[], limits: ParserLimits = LIMITS): { commands: string[][]; error?: string } {
  const parser = new RespParser(limits);
  const commands: string[][] = [];
  try {
    for (const chunk of chunks) parser.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1'), (args) => void commands.push(args.map((a) => a.toString('latin1'))));
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return { commands, error: err.message };
  }
  return { commands };
}

describe('RespParser: well-formed input', () => {
  it('parses a multibulk command', () => {
    expect(parse([encode(['SET', 'k', 'v'])])).toEqual({ commands: [['SET', 'k', 'v']] });
  });

  it('parses pipelined commands in one chunk, in order', () => {
    const frames = Buffer.concat([encode(['SET', 'a', '1']), encode(['GET', 'a']), Buffer.from('PING\r\n')]);
    expect(parse([frames]).commands).toEqual([['SET', 'a', '1'], ['GET', 'a'], ['PING']]);
  });

  it('gives the same commands when the input is split at every byte', () => {
    const frames = Buffer.concat([encode(['SET', 'key', Buffer.from([0, 13, 10, 255])]), Buffer.from('GET "a b"\r\n'), encode(['DEL', 'k1', 'k2'])]);
    const whole = parse([frames]).commands;
    expect(whole).toHaveLength(3);
    for (let cut = 1; cut < frames.length; cut++) {
      expect(parse([frames.subarray(0, cut), frames.subarray(cut)]).commands).toEqual(whole);
    }
    const bytes = [...frames].map((b) => Buffer.from([b]));
    expect(parse(bytes).commands).toEqual(whole);
  });

  it('keeps binary bulk strings intact (CR, LF, NUL inside a value)', () => {
    const value = Buffer.from([0x00, 0x0d, 0x0a, 0x2a, 0x24, 0xff]);
    const parser = new RespParser(LIMITS);
    let got: Buffer[] = [];
    parser.feed(encode(['SET', 'k', value]), (args) => void (got = args));
    expect(got[2]).toEqual(value);
  });

  it('accepts empty bulk strings and ignores an empty or negative multibulk count', () => {
    expect(parse(['*0\r\n*-1\r\n', encode(['SET', 'k', ''])]).commands).toEqual([['SET', 'k', '']]);
  });

  it('parses inline commands with quotes and escapes, and skips empty lines', () => {
    const { commands } = parse(['SET k "hello world"\r\n\r\n  \nGET \'it\\\'s\'\n', 'SET b "\\x41\\n\\t"\r\n']);
    expect(commands).toEqual([['SET', 'k', 'hello world'], ['GET', "it's"], ['SET', 'b', 'A\n\t']]);
  });

  it('stops after a command when emit returns false, buffers, and goes on at resume', () => {
    const parser = new RespParser(LIMITS);
    const seen: string[] = [];
    const once = (args: Buffer[]): boolean => {
      seen.push(args[0]!.toString());
      return false;
    };
    parser.feed(Buffer.from('PING\r\nECHO\r\n'), once);
    expect(seen).toEqual(['PING']);
    parser.feed(encode(['GET']), once); // buffered, not parsed
    expect(seen).toEqual(['PING']);
    parser.resume(() => {
      seen.push('more');
      return true;
    });
    expect(seen).toEqual(['PING', 'more', 'more']);
  });
});

describe('RespParser: malformed input', () => {
  const cases: [string, string, string][] = [
    ['a count that is not a number', '*x\r\n', 'invalid multibulk length'],
    ['more arguments than allowed', '*17\r\n', 'invalid multibulk length'],
    ['a bulk without its $', '*1\r\n:3\r\n', "expected '$', got ':'"],
    ['a negative bulk length', '*1\r\n$-1\r\n', 'invalid bulk length'],
    ['a bulk length that is not a number', '*1\r\n$1x\r\n', 'invalid bulk length'],
    ['a declared bulk over the limit', '*1\r\n$1025\r\n', 'invalid bulk length'],
    ['a huge declared bulk', '*1\r\n$99999999999999999999\r\n', 'invalid bulk length'],
    ['a bulk not followed by CRLF', '*1\r\n$3\r\nabcXY', 'expected CRLF after bulk string'],
    ['a count line ended by LF alone', '*1\n', 'expected CRLF after mbulk count'],
    ['unbalanced quotes', 'SET k "abc\r\n', 'unbalanced quotes in request'],
    ['a closing quote glued to a word', 'SET k "abc"d\r\n', 'unbalanced quotes in request'],
    ['a request over the total size limit', `*5\r\n${'$1000\r\n'.concat('x'.repeat(1000), '\r\n').repeat(5)}`, 'too big request'],
  ];
  for (const [name, input, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(parse([input]).error).toBe(message);
    });
  }

  it('rejects an inline line longer than the limit without waiting for its end', () => {
    expect(parse(['GET ', 'x'.repeat(300)]).error).toBe('too big inline request');
  });

  it('rejects a count line that never ends, bounded, even when fed a byte at a time', () => {
    const bytes = `*${'1'.repeat(40)}`.split('');
    expect(parse(bytes).error).toBe('too big count string');
  });

  it('emits the commands before a malformed frame, then refuses more input', () => {
    const parser = new RespParser(LIMITS);
    const seen: string[] = [];
    expect(() => parser.feed(Buffer.from('PING\r\n*1\r\n$x\r\n'), (args) => void seen.push(args[0]!.toString()))).toThrow(ProtocolError);
    expect(seen).toEqual(['PING']);
    expect(() => parser.feed(Buffer.from('PING\r\n'), () => {})).toThrow(ProtocolError);
  });

  it('holds a bounded amount for a partial bulk: at most what was declared', () => {
    const parser = new RespParser(LIMITS);
    parser.feed(Buffer.from('*1\r\n$1000\r\n'), () => {});
    parser.feed(Buffer.alloc(500, 0x61), () => {});
    expect(parser.bufferedBytes).toBeLessThanOrEqual(1000 + 1000);
  });
});

describe('RespParser: property-based', () => {
  const arg = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
  const command = fc.array(arg, { minLength: 1, maxLength: 6 });

  it('parses any sequence of encoded commands, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (commands, cuts) => {
        const bytes = Buffer.concat(commands.map(encode));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const p of points) {
          chunks.push(bytes.subarray(from, p));
          from = p;
        }
        chunks.push(bytes.subarray(from));
        const parser = new RespParser(DEFAULT_LIMITS);
        const got: Buffer[][] = [];
        for (const chunk of chunks) parser.feed(chunk, (args) => void got.push(args.map((a) => Buffer.from(a))));
        expect(got).toEqual(commands);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but ProtocolError on random or mutated bytes, and never holds more than its limits', () => {
    const valid = fc.array(command, { minLength: 1, maxLength: 4 }).map((cs) => Buffer.concat(cs.map(encode)));
    const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 })).map(([buf, edits]) => {
      const copy = Buffer.from(buf);
      for (const [at, byte] of edits) copy[at % copy.length] = byte;
      return copy;
    });
    const random = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.oneof(mutated, random), fc.integer({ min: 1, max: 50 }), (bytes, step) => {
        const parser = new RespParser(LIMITS);
        try {
          for (let i = 0; i < bytes.length; i += step) {
            parser.feed(bytes.subarray(i, i + step), (args) => {
              expect(args.length).toBeGreaterThan(0);
              expect(args.length).toBeLessThanOrEqual(LIMITS.maxArgs);
            });
            expect(parser.bufferedBytes).toBeLessThanOrEqual(LIMITS.maxRequestBytes + LIMITS.maxBulkBytes + LIMITS.maxInlineBytes);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RespParser: large bulks', () => {
  const big: ParserLimits = { maxBulkBytes: 8 * 1024 * 1024, maxInlineBytes: 256, maxArgs: 16, maxRequestBytes: 16 * 1024 * 1024 };

  it('a 3 MiB bulk split into chunks of every size arrives intact, with the commands around it; what is held counts the bytes received', () => {
    const value = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 7) & 0xff;
    const wire = Buffer.concat([encode(['PING']), encode(['SET', 'k', value]), encode(['GET', 'k'])]);
    for (const size of [1000, 65536, 1_000_003, wire.length]) {
      const parser = new RespParser(big);
      const commands: Buffer[][] = [];
      let maxHeld = 0;
      for (let at = 0; at < wire.length; at += size) {
        parser.feed(wire.subarray(at, at + size), (args) => void commands.push(args));
        maxHeld = Math.max(maxHeld, parser.bufferedBytes);
      }
      expect(commands.map((c) => c[0]!.toString())).toEqual(['PING', 'SET', 'GET']);
      expect(commands[1]![2]!.equals(value)).toBe(true);
      expect(parser.bufferedBytes).toBe(0);
      expect(maxHeld).toBeLessThanOrEqual(value.length + 64);
    }
  });

  it('a large bulk without its CRLF is a protocol error', () => {
    const parser = new RespParser(big);
    const len = 2 * 1024 * 1024;
    parser.feed(Buffer.from(`*2\r\n$3\r\nGET\r\n$${len}\r\n`), () => {});
    parser.feed(Buffer.alloc(len - 10), () => {});
    expect(() => parser.feed(Buffer.alloc(12), () => {})).toThrow(new ProtocolError('expected CRLF after bulk string'));
    expect(parser.bufferedBytes).toBe(0);
  });
});
