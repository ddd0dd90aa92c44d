/** The CLI's renderings (src/cli/format.ts): byte sizes, the compact summary line, and bytes made safe for a terminal. */
import { describe, expect, it } from 'vitest';
import { describeCompaction, escapeForTerminal, formatBytes } from '../../src/cli/format.js';

describe('describeCompaction', () => {
  it('says what was reclaimed when the store shrank or stayed the same size', () => {
    expect(describeCompaction({ bytesBefore: 3 * 1024 * 1024, bytesAfter: 1024 * 1024, reclaimedBytes: 2 * 1024 * 1024 })).toBe('Reclaimed 2.0 MiB (3.0 MiB -> 1.0 MiB)');
    expect(describeCompaction({ bytesBefore: 172, bytesAfter: 172, reclaimedBytes: 0 })).toBe('Reclaimed 0 B (172 B -> 172 B)');
  });

  it('says "Grew by" when the store is larger afterwards (engines that write new tables before deleting old ones)', () => {
    expect(describeCompaction({ bytesBefore: 1741, bytesAfter: 2662, reclaimedBytes: 0 })).toBe('Grew by 921 B (1.7 KiB -> 2.6 KiB)');
  });
});

describe('escapeForTerminal', () => {
  const esc = (bytes: number[] | string) => escapeForTerminal(Buffer.from(bytes as never));

  it('printable UTF-8 text passes unchanged', () => {
    expect(esc('plain text, ünïcödé, 日本語, emoji 🙂')).toBe('plain text, ünïcödé, 日本語, emoji 🙂');
  });

  it('tab, newline, carriage return and backslash get their short escapes, so separators stay unambiguous', () => {
    expect(esc('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
  });

  it('other C0 controls and DEL are \\xHH; C1 controls are \\u00HH', () => {
    expect(esc([0x00, 0x07, 0x1b, 0x7f])).toBe('\\x00\\x07\\x1b\\x7f');
    expect(esc('\u0085\u009b')).toBe('\\u0085\\u009b');
  });

  it('bytes that are not valid UTF-8 are \\xHH, and the valid text around them is kept', () => {
    expect(esc([0x61, 0xff, 0x62])).toBe('a\\xffb');
    expect(esc([0xc3, 0xa9, 0xc3])).toBe('é\\xc3'); // a sequence cut short at the end
    expect(esc([0xe2, 0x28, 0xa1])).toBe('\\xe2(\\xa1'); // a bad continuation byte
    expect(esc([0xed, 0xa0, 0x80])).toBe('\\xed\\xa0\\x80'); // an encoded surrogate is not UTF-8
    expect(esc([0xc0, 0xaf])).toBe('\\xc0\\xaf'); // an overlong encoding
    expect(esc([0x1b, 0xff])).toBe('\\x1b\\xff');
  });

  it('every byte value comes out as printable ASCII or printable text only', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(escapeForTerminal(all)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });
});

describe('formatBytes', () => {
  it('exact bytes below 1 KiB, one decimal above', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
