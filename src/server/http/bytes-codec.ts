/**
 * Keys and values as they travel over HTTP. In URLs they are percent-encoded bytes, decoded here
 * byte by byte (not through a UTF-8 string, so `%FF` is the byte 0xFF and binary keys round-trip).
 * In JSON they are text with an encoding: `utf8` when the bytes are valid UTF-8, else `base64`.
 */
import { isUtf8 } from 'node:buffer';
import { HttpError, HttpErrorCodes } from './errors.js';

/** How bytes are written as a JSON string. */
export type JsonEncoding = 'utf8' | 'base64';

const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * The bytes `text` percent-encodes. Characters other than escapes stand for their own bytes
 * (UTF-8 for anything outside ASCII); with `plusIsSpace` (query strings, form convention) `+`
 * is a space. Throws BAD_ENCODING (400) naming `what` on a `%` not followed by two hex digits.
 */
export function percentDecode(text: string, what: string, plusIsSpace = false): Buffer {
  // Escape-free ASCII is the common case: one copy, no per-byte loop.
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return Buffer.from(text, 'utf8');
  const raw = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === PERCENT) {
      const hi = i + 2 < raw.length ? hexDigit(raw[i + 1]!) : -1;
      const lo = hi < 0 ? -1 : hexDigit(raw[i + 2]!);
      if (lo < 0) {
        throw new HttpError(
          400,
          HttpErrorCodes.BAD_ENCODING,
          `${what} has a malformed percent-escape at character ${i}: "%" must be followed by two hex digits (write a literal "%" as %25)`,
        );
      }
      out[n++] = hi * 16 + lo;
      i += 2;
    } else {
      out[n++] = plusIsSpace && byte === PLUS ? SPACE : byte;
    }
  }
  return out.subarray(0, n);
}

/** Query parameters of a request target, each value percent-decoded to bytes (`+` is a space). Repeated names: the first wins. */
export function parseQuery(search: string): Map<string, Buffer> {
  const params = new Map<string, Buffer>();
  for (const part of search.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = percentDecode(eq < 0 ? part : part.slice(0, eq), 'a query parameter name', true).toString('utf8');
    if (params.has(name)) continue;
    params.set(name, percentDecode(eq < 0 ? '' : part.slice(eq + 1), `query parameter "${name}"`, true));
  }
  return params;
}

/** `bytes` as JSON text: UTF-8 iff the bytes are valid UTF-8, else base64. */
export function toJsonText(bytes: Buffer): { text: string; encoding: JsonEncoding } {
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), encoding: 'utf8' } : { text: bytes.toString('base64'), encoding: 'base64' };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes JSON `text` stands for under `encoding` (default utf8). Throws BAD_JSON naming `what` when they do not fit. */
export function fromJsonText(text: unknown, encoding: unknown, what: string): Buffer {
  if (typeof text !== 'string') throw new HttpError(400, HttpErrorCodes.BAD_JSON, `${what} must be a JSON string, got ${text === null ? 'null' : typeof text}`);
  if (encoding === undefined || encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (encoding === 'base64') {
    // Node's decoder skips characters it does not know; a typo must not become different bytes.
    if (text.length % 4 !== 0 || !BASE64.test(text)) {
      throw new HttpError(400, HttpErrorCodes.BAD_JSON, `${what} is not valid base64 (standard alphabet, padded to a multiple of 4 characters)`);
    }
    return Buffer.from(text, 'base64');
  }
  throw new HttpError(400, HttpErrorCodes.BAD_JSON, `${what}: encoding must be "utf8" or "base64", got ${JSON.stringify(encoding)}`);
}

/** A list cursor: the last key returned, base64url, so it survives any URL unescaped. */
export function encodeCursor(key: Buffer): string {
  return key.toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function decodeCursor(cursor: string): Buffer {
  if (!BASE64URL.test(cursor)) throw new HttpError(400, HttpErrorCodes.BAD_QUERY, 'cursor is malformed: pass back the "next" value of the previous page unchanged');
  return Buffer.from(cursor, 'base64url');
}
