/**
 * Variable-length integers (LEB128, as LevelDB's varint64) for the WAL batch and version-edit
 * grammars. Values up to 2^53 - 1: arithmetic instead of 32-bit bit operations keeps them exact.
 * Decoders never trust the input: they return undefined instead of reading past `end`.
 */

/** Largest encoded width of a value below 2^53: ceil(53 / 7) = 8 bytes. */
export const MAX_VARINT_BYTES = 8;

/** Bytes needed to encode `n`. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Writes `n` (a safe non-negative integer) at `at`; returns the offset after it. */
export function putVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** Decoded value and the offset after it, or undefined iff the varint is cut off by `end` or too long. */
export function getVarint(buf: Uint8Array, at: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES && at < end; i++) {
    const byte = buf[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return Number.isSafeInteger(value) ? { value, next: at } : undefined;
    scale *= 128;
  }
  return undefined;
}

/** A growable byte buffer for encoders of small records (version edits). */
export class ByteWriter {
  #buf = Buffer.allocUnsafe(64);
  #len = 0;

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  varint(n: number): this {
    this.#reserve(MAX_VARINT_BYTES);
    this.#len = putVarint(this.#buf, this.#len, n);
    return this;
  }

  /** A length-prefixed byte string. */
  bytes(b: Uint8Array): this {
    this.varint(b.length);
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  finish(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }
}
