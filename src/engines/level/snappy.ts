/**
 * Snappy decompression (the raw format LevelDB compresses table blocks with), only so that
 * table-check.ts can read index blocks to find the data blocks it checks. Written by hand: it is
 * forty lines, read only at open, and no package here offers it without a native build.
 *
 * Grammar (google/snappy format_description.txt):
 *   block   := length:varint32 element*
 *   element := literal | copy; tag byte, low two bits give the kind:
 *     00 literal: n = tag>>2; n < 60: n+1 bytes follow; 60..63: the length-1 in the next 1..4 bytes (LE)
 *     01 copy:    length 4 + ((tag>>2) & 7), offset ((tag>>5) << 8) | next byte
 *     10 copy:    length (tag>>2) + 1, offset u16le
 *     11 copy:    length (tag>>2) + 1, offset u32le
 * Decoders never trust a length: every read and copy is bounds-checked.
 */

/** The uncompressed bytes of `input`; throws a RangeError saying what is wrong and where. */
export function snappyDecompress(input: Uint8Array): Uint8Array {
  let at = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= input.length || shift > 28) throw new RangeError('snappy: bad length preamble');
    const b = input[at++]!;
    length |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  length >>>= 0;
  const out = new Uint8Array(length);
  let o = 0;
  while (at < input.length) {
    const tag = input[at++]!;
    let len: number;
    let offset: number;
    if ((tag & 3) === 0) {
      len = tag >>> 2;
      if (len >= 60) {
        const n = len - 59;
        if (at + n > input.length) throw new RangeError(`snappy: literal length cut short at byte ${at}`);
        len = 0;
        for (let i = 0; i < n; i++) len |= input[at + i]! << (8 * i);
        len >>>= 0;
        at += n;
      }
      len += 1;
      if (at + len > input.length || o + len > length) throw new RangeError(`snappy: a ${len}-byte literal at byte ${at} runs past the end`);
      out.set(input.subarray(at, at + len), o);
      at += len;
      o += len;
      continue;
    }
    if ((tag & 3) === 1) {
      if (at + 1 > input.length) throw new RangeError(`snappy: copy cut short at byte ${at}`);
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | input[at++]!;
    } else {
      const n = (tag & 3) === 2 ? 2 : 4;
      if (at + n > input.length) throw new RangeError(`snappy: copy cut short at byte ${at}`);
      len = (tag >>> 2) + 1;
      offset = 0;
      for (let i = 0; i < n; i++) offset |= input[at + i]! << (8 * i);
      offset >>>= 0;
      at += n;
    }
    if (offset === 0 || offset > o || o + len > length) throw new RangeError(`snappy: a copy of ${len} bytes from ${offset} back at output byte ${o} is out of range`);
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new RangeError(`snappy: ${o} bytes decoded, the preamble says ${length}`);
  return out;
}
