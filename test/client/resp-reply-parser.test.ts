/** The RESP2 reply parser: every reply type, input split at every byte, and malformed input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKvsError } from '../../src/engine/errors.js';
import { encodeCommand } from '../../src/client/resp-encoder.js';
import { ErrorReply, ReplyParser, type Reply } from '../../src/client/resp-reply-parser.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Feeds `chunks` to one parser and returns every reply. */
function parseChunks(chunks: Buffer[], parser = new ReplyParser()): Reply[] {
  return chunks.flatMap((c) => parser.feed(c));
}

/** The error `feed` throws for `input`, fed whole. */
function failure(input: string | Buffer, parser = new ReplyParser()): Error {
  try {
    parser.feed(typeof input === 'string' ? b(input) : input);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the parser to reject the input');
}

// One stream holding every kind of reply, nested arrays, binary and empty bulks, and null forms.
const STREAM = b(
  '+OK\r\n' +
    '-ERR unknown command\r\n' +
    ':42\r\n' +
    ':-7\r\n' +
    '$5\r\nhello\r\n' +
    '$0\r\n\r\n' +
    '$-1\r\n' +
    '*-1\r\n' +
    '*0\r\n' +
    '$4\r\na\r\nb\r\n' +
    '*3\r\n$1\r\nk\r\n*2\r\n:1\r\n+two\r\n$-1\r\n' +
    '$3\r\n\x00\xff\n\r\n',
);
const EXPECTED: Reply[] = [
  'OK',
  new ErrorReply('ERR unknown command'),
  42,
  -7,
  b('hello'),
  b(''),
  null,
  null,
  [],
  b('a\r\nb'),
  [b('k'), [1, 'two'], null],
  b('\x00\xff\n'),
];

describe('well-formed replies', () => {
  it('parses every reply type from one chunk, in order', () => {
    expect(parseChunks([STREAM])).toEqual(EXPECTED);
  });

  it('an error reply keeps its message and its class (first word)', () => {
    const [reply] = parseChunks([b('-WRONGPASS invalid username-password pair\r\n')]);
    expect(reply).toBeInstanceOf(ErrorReply);
    expect((reply as ErrorReply).code).toBe('WRONGPASS');
    expect((reply as ErrorReply).message).toBe('WRONGPASS invalid username-password pair');
  });

  it('gives the same replies when the stream is split in two at every byte', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(parseChunks([STREAM.subarray(0, cut), STREAM.subarray(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('gives the same replies fed one byte at a time', () => {
    const bytes = [...STREAM].map((byte) => Buffer.from([byte]));
    expect(parseChunks(bytes)).toEqual(EXPECTED);
  });

  it('a reply is returned by the chunk that completes it, not before', () => {
    const parser = new ReplyParser();
    expect(parser.feed(b('*2\r\n$1\r\na\r\n'))).toEqual([]);
    expect(parser.idle).toBe(false);
    expect(parser.feed(b('$1\r\nb'))).toEqual([]);
    expect(parser.feed(b('\r\n+OK\r\n'))).toEqual([[b('a'), b('b')], 'OK']);
    expect(parser.idle).toBe(true);
  });

  it('a 1 MiB bulk string arriving in 997-byte chunks comes back byte for byte', () => {
    const payload = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const frame = Buffer.concat([b(`$${payload.length}\r\n`), payload, b('\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < frame.length; i += 997) chunks.push(frame.subarray(i, i + 997));
    const replies = parseChunks(chunks);
    expect(replies).toHaveLength(1);
    expect(Buffer.compare(replies[0] as Buffer, payload)).toBe(0);
  });

  it('parses a request the encoder wrote (the same grammar) as an array of bulk strings', () => {
    const request = encodeCommand(['SET', 'k', Buffer.from([0, 13, 10, 255])]);
    expect(request.toString('latin1')).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n\x00\r\n\xff\r\n');
    expect(parseChunks([request])).toEqual([[b('SET'), b('k'), Buffer.from([0, 13, 10, 255])]]);
  });
});

/** The wire form of `reply` (the test's own encoder of the reply grammar). */
function encodeReply(reply: Reply): Buffer {
  if (reply === null) return b('$-1\r\n');
  if (typeof reply === 'string') return b(`+${reply}\r\n`);
  if (typeof reply === 'number') return b(`:${reply}\r\n`);
  if (reply instanceof ErrorReply) return b(`-${reply.message}\r\n`);
  if (Buffer.isBuffer(reply)) return Buffer.concat([b(`$${reply.length}\r\n`), reply, b('\r\n')]);
  return Buffer.concat([b(`*${reply.length}\r\n`), ...reply.map(encodeReply)]);
}

const line = fc.string({ unit: fc.constantFrom(...'abc XYZ-_:019'.split('')), maxLength: 12 });
const { reply: replyArb } = fc.letrec<{ reply: Reply }>((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    line,
    line.map((text) => new ErrorReply(`ERR ${text}`)),
    fc.integer({ min: -1e12, max: 1e12 }),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(null),
    fc.array(tie('reply'), { maxLength: 4 }),
  ),
}));

describe('property: any reply sequence, split anywhere', () => {
  it('parses back to the same replies however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(replyArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (replies, cuts) => {
        const stream = Buffer.concat(replies.map(encodeReply));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(from, p));
          from = p;
        }
        expect(parseChunks(chunks)).toEqual(replies);
      }),
      { numRuns: 300 },
    );
  });
});

describe('malformed replies', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown type byte', '!oops\r\n', /unexpected type byte 0x21 .* at byte 0/],
    ['a RESP3 map', '%1\r\n+a\r\n+b\r\n', /RESP3/],
    ['an empty line', '\r\n', /unexpected type byte 0x0d/],
    ['a line ended by LF alone', '+OK\n', /LF without CR at byte 3/],
    ['a non-numeric integer', ':12a\r\n', /integer reply "12a" is not an integer/],
    ['an integer with a plus sign', ':+1\r\n', /not an integer/],
    ['a bulk length of -2', '$-2\r\n', /bulk length -2/],
    ['a bulk length that is not a number', '$x\r\n', /bulk length "x" is not an integer/],
    ['a bulk length past the limit', '$999999999999\r\n', /bulk length 999999999999/],
    ['a bulk string longer than its length', '$2\r\nabc\r\n', /bulk string of 2 bytes not followed by CRLF/],
    ['an array length of -5', '*-5\r\n', /array length -5/],
    ['an array length with spaces', '* 1\r\n', /array length " 1" is not an integer/],
  ];
  for (const [name, input, message] of cases) {
    it(`rejects ${name} with an IO_ERROR naming the byte offset`, () => {
      const err = failure(input);
      expect(isKvsError(err, 'IO_ERROR')).toBe(true);
      expect(err.message).toMatch(/^malformed reply: /);
      expect(err.message).toMatch(message);
    });
  }

  it('names the offset within the whole stream, after earlier replies', () => {
    const err = failure('+OK\r\n:1\r\n?\r\n');
    expect(err.message).toMatch(/at byte 9 of the reply stream/);
  });

  it('rejects a line longer than the limit without waiting for its end', () => {
    const parser = new ReplyParser({ maxLineBytes: 16 });
    expect(parser.feed(b('+0123456789'))).toEqual([]);
    expect(failure('0123456789', parser).message).toMatch(/longer than 16 bytes/);
  });

  it('rejects arrays nested past the depth limit', () => {
    expect(failure('*1\r\n'.repeat(5), new ReplyParser({ maxDepth: 4 })).message).toMatch(/nested deeper than 4/);
  });

  it('rejects an array longer than the limit before reading its elements', () => {
    expect(failure('*11\r\n', new ReplyParser({ maxArrayLength: 10 })).message).toMatch(/array length 11/);
  });

  it('fails for good: later input gets the same error, even if well-formed', () => {
    const parser = new ReplyParser();
    const first = failure('?\r\n', parser);
    expect(failure('+OK\r\n', parser)).toBe(first);
  });

  it('mutated frames never crash the parser: each byte replaced in turn either parses or throws a KvsError', () => {
    for (let i = 0; i < STREAM.length; i++) {
      for (const byte of [0x00, 0x0a, 0x0d, 0x2a, 0x24, 0x2d, 0x39]) {
        const mutated = Buffer.from(STREAM);
        mutated[i] = byte;
        try {
          parseChunks([mutated]);
        } catch (err) {
          expect(isKvsError(err, 'IO_ERROR'), `byte ${i} -> ${byte}: ${String(err)}`).toBe(true);
        }
      }
    }
  });
});
