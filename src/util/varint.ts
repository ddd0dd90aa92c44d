/**
 * LEB128-style unsigned varints as LevelDB writes them: 7 bits per byte, low groups first, the
 * high bit set on every byte but the last. Pure functions, plus VarintWriter for small records;
 * imports no engine.
 *
 *   varint32 := 1..5 bytes, value < 2^32
 *   varint64 := 1..8 bytes here, value <= Number.MAX_SAFE_INTEGER (2^53 - 1)
 *
 * Decoders never trust their input: they return undefined for a varint that runs past `end`, is
 * longer than its width allows, or overflows, and callers turn that into a CORRUPTION error that
 * names the structure and offset.
 */

/** Most bytes a varint32 takes: ceil(32 / 7) = 5. */
export const MAX_VARINT32_BYTES = 5;
/** Most bytes a varint64 of a safe integer takes: ceil(53 / 7) = 8. */
export const MAX_VARINT64_BYTES = 8;

/** A decoded varint and the offset just past it. */
export interface Varint {
  value: number;
  next: number;
}

/** Bytes `value` takes as a varint. REQUIRES: a safe non-negative integer. */
export function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/**
 * Writes `value` as a varint at `at` and returns the offset just past it. Works for varint32 and
 * varint64 alike (the encoding is the same). REQUIRES: room for varintLength(value) bytes.
 */
export function putVarint(out: Uint8Array, at: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint value must be a safe non-negative integer; got ${value}`);
  // Division, not >>>, so that values past 2^32 survive.
  while (value >= 0x80) {
    out[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** `value` encoded as a fresh varint buffer. */
export function encodeVarint(value: number): Buffer {
  const out = Buffer.allocUnsafe(varintLength(value));
  putVarint(out, 0, value);
  return out;
}

/** Decodes a varint32 at `at`, reading no byte at or past `end`; undefined iff malformed. */
export function getVarint32(buf: Uint8Array, at: number, end: number = buf.length): Varint | undefined {
  // Fast path: most lengths in a block fit one byte.
  if (at < end) {
    const b = buf[at]!;
    if (b < 0x80) return { value: b, next: at + 1 };
  }
  let value = 0;
  for (let i = 0; i < MAX_VARINT32_BYTES; i++) {
    if (at + i >= end) return undefined;
    const b = buf[at + i]!;
    if (i === MAX_VARINT32_BYTES - 1 && b > 0x0f) return undefined; // bits past 32
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, next: at + i + 1 };
  }
  return undefined;
}

/** Decodes a varint64 (as a safe integer) at `at`, reading no byte at or past `end`; undefined iff malformed. */
export function getVarint64(buf: Uint8Array, at: number, end: number = buf.length): Varint | undefined {
  let value = 0;
  for (let i = 0; i < MAX_VARINT64_BYTES; i++) {
    if (at + i >= end) return undefined;
    const b = buf[at + i]!;
    if (i === MAX_VARINT64_BYTES - 1 && b > 0x0f) return undefined; // bits past 53
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, next: at + i + 1 };
  }
  return undefined;
}

/**
 * A growable buffer for encoders of small records made of varints and length-prefixed byte
 * strings (the LSM manifest's version edits):
 *
 *   bytes := length:varint byte{length}
 */
export class VarintWriter {
  #buf = Buffer.allocUnsafe(64);
  #len = 0;

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  /** Appends `value` as a varint64. REQUIRES: a safe non-negative integer. */
  varint(value: number): this {
    this.#reserve(MAX_VARINT64_BYTES);
    this.#len = putVarint(this.#buf, this.#len, value);
    return this;
  }

  /** Appends `b` as a length-prefixed byte string. */
  bytes(b: Uint8Array): this {
    this.varint(b.length);
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  /** The bytes written so far: a view, valid until the next append. */
  finish(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }
}
