/**
 * Incremental parser of RESP2 requests: multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline
 * (`GET k\r\n`). Fed socket chunks in order; emits each complete command as its argument Buffers.
 * Written by hand because it is the server's hot path: whole frames inside one chunk are sliced
 * out of it without copying, and a frame split across chunks is copied once, when it completes.
 *
 * Request grammar (what Redis accepts, with stricter line endings):
 *   request   = multibulk | inline
 *   multibulk = "*" count CRLF *( "$" length CRLF <length bytes> CRLF )   ; count <= 0: ignored
 *   inline    = <bytes up to LF, trailing CR dropped>, split like a shell (see inline-args.ts)
 * Memory: what is buffered for one partial request is bounded by the limits (line, bulk, request).
 */
import { splitInlineArgs } from './inline-args.js';

/** A frame the server cannot parse; the connection replies `-ERR Protocol error: <message>` and closes. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export interface ParserLimits {
  maxBulkBytes: number;
  maxInlineBytes: number;
  maxArgs: number;
  maxRequestBytes: number;
  /** The limits are the pre-AUTH ones: exceeding them says `unauthenticated multibulk/bulk length`, as Redis does. */
  unauthenticated?: boolean;
}

/** Longest `*<count>` or `$<length>` line: a sign, 20 digits and CRLF fit with room to spare. */
const MAX_HEADER_LINE = 32;
/** Redis's own ceilings (1024*1024 arguments, proto-max-bulk-len 512 MiB): beyond them a length is invalid whoever sends it. */
const MAX_MULTIBULK = 1024 * 1024;
const MAX_BULK = 512 * 1024 * 1024;
const CR = 13;
const LF = 10;
const EMPTY = Buffer.alloc(0);

/** Receives one complete command; returning false stops parsing until `resume`. */
export type Emit = (args: Buffer[]) => boolean | void;

export class RespParser {
  limits: ParserLimits;
  /** Bytes of an incomplete frame, not yet joined. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes #pending must reach before parsing can progress; -1: waiting for a line feed. */
  #need = -1;
  /** Arguments still expected by the multibulk in progress; 0 between requests. */
  #argsLeft = 0;
  #args: Buffer[] = [];
  /** Bytes of the completed arguments in #args. */
  #argsBytes = 0;
  /** Declared bytes of the multibulk in progress (checked against maxRequestBytes). */
  #requestBytes = 0;
  /** Length of the bulk whose header was read, or -1 when its `$` header comes next. */
  #bulkLen = -1;
  #failed = false;
  /** Set when `emit` returned false: input is only buffered until `resume`. */
  #stopped = false;

  constructor(limits: ParserLimits) {
    this.limits = limits;
  }

  /** Bytes held for an incomplete request: received and not yet emitted (the input budget counts them). */
  get bufferedBytes(): number {
    return this.#pendingBytes + this.#argsBytes;
  }

  /** Drops whatever is buffered (the connection closed); the parser refuses further input. */
  release(): void {
    this.#failed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#args = [];
    this.#argsBytes = 0;
  }

  /**
   * Parses `chunk` after whatever came before, calling `emit` with each complete command in order.
   * Throws ProtocolError on a malformed frame, after emitting the commands before it; the parser
   * then refuses further input (the connection is to be closed). When `emit` returns false,
   * parsing stops after that command and later input is only buffered until `resume` (the
   * caller must stop reading meanwhile: that buffer has no bound of its own).
   */
  feed(chunk: Buffer, emit: Emit): void {
    if (this.#failed) throw new ProtocolError('connection already failed');
    if (chunk.length === 0) return;
    if (this.#stopped) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      return;
    }
    let buf: Buffer;
    if (this.#pendingBytes === 0) {
      buf = chunk;
    } else {
      // Join only when the chunk can complete what we wait for: feeding a frame byte by byte stays linear.
      const waitingForLine = this.#need < 0;
      if ((waitingForLine && chunk.indexOf(LF) < 0) || (!waitingForLine && this.#pendingBytes + chunk.length < this.#need)) {
        this.#pending.push(chunk);
        this.#pendingBytes += chunk.length;
        if (waitingForLine) this.#checkLineLength(this.#pendingBytes);
        return;
      }
      buf = Buffer.concat([...this.#pending, chunk], this.#pendingBytes + chunk.length);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    this.#parseOrFail(buf, emit);
  }

  /** Parses the input buffered while stopped, and goes on parsing later input. */
  resume(emit: Emit): void {
    if (this.#failed) throw new ProtocolError('connection already failed');
    this.#stopped = false;
    if (this.#pendingBytes === 0) return;
    const buf = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#parseOrFail(buf, emit);
  }

  /** True iff parsing stopped because `emit` returned false. */
  get stopped(): boolean {
    return this.#stopped;
  }

  #parseOrFail(buf: Buffer, emit: Emit): void {
    try {
      this.#parse(buf, emit);
    } catch (err) {
      this.release();
      throw err;
    }
  }

  #parse(buf: Buffer, emit: Emit): void {
    let pos = 0;
    const end = buf.length;
    while (pos < end) {
      if (this.#argsLeft === 0) {
        if (buf[pos] === 0x2a /* '*' */) {
          const line = this.#readLine(buf, pos, 'mbulk count');
          if (line < 0) break;
          const count = parseLength(buf, pos + 1, line - 1);
          if (count === undefined || count > MAX_MULTIBULK) throw new ProtocolError('invalid multibulk length');
          if (count > this.limits.maxArgs) throw new ProtocolError(this.limits.unauthenticated === true ? 'unauthenticated multibulk length' : 'invalid multibulk length');
          pos = line + 1;
          if (count <= 0) continue;
          this.#argsLeft = count;
          this.#args = [];
          this.#argsBytes = 0;
          this.#requestBytes = 0;
        } else {
          const lf = buf.indexOf(LF, pos);
          if (lf < 0) {
            this.#checkLineLength(end - pos);
            break;
          }
          if (lf - pos > this.limits.maxInlineBytes) throw new ProtocolError('too big inline request');
          const lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
          const args = splitInlineArgs(buf.subarray(pos, lineEnd));
          if (args === undefined) throw new ProtocolError('unbalanced quotes in request');
          pos = lf + 1;
          if (args.length > this.limits.maxArgs) throw new ProtocolError('invalid multibulk length');
          if (args.length > 0 && emit(args) === false) {
            this.#stopped = true;
            break;
          }
        }
        continue;
      }
      if (this.#bulkLen < 0) {
        if (buf[pos] !== 0x24 /* '$' */) {
          throw new ProtocolError(`expected '$', got '${printable(buf[pos]!)}'`);
        }
        const line = this.#readLine(buf, pos, 'bulk count');
        if (line < 0) break;
        const len = parseLength(buf, pos + 1, line - 1);
        if (len === undefined || len < 0) throw new ProtocolError('invalid bulk length');
        if (len > this.limits.maxBulkBytes) throw new ProtocolError(this.limits.unauthenticated === true && len <= MAX_BULK ? 'unauthenticated bulk length' : 'invalid bulk length');
        this.#requestBytes += len;
        if (this.#requestBytes > this.limits.maxRequestBytes) throw new ProtocolError('too big request');
        this.#bulkLen = len;
        pos = line + 1;
      }
      const len = this.#bulkLen;
      if (end - pos < len + 2) {
        this.#need = len + 2;
        break;
      }
      if (buf[pos + len] !== CR || buf[pos + len + 1] !== LF) throw new ProtocolError('expected CRLF after bulk string');
      this.#args.push(buf.subarray(pos, pos + len));
      this.#argsBytes += len;
      pos += len + 2;
      this.#bulkLen = -1;
      if (--this.#argsLeft === 0) {
        const args = this.#args;
        this.#args = [];
        this.#argsBytes = 0;
        this.#requestBytes = 0;
        if (emit(args) === false) {
          this.#stopped = true;
          break;
        }
      }
    }
    if (pos < end) {
      const rest = buf.subarray(pos);
      this.#pending = [rest];
      this.#pendingBytes = rest.length;
      if (!(this.#argsLeft > 0 && this.#bulkLen >= 0)) this.#need = -1;
    } else {
      this.#need = -1;
    }
  }

  /** Index of the LF ending the header line at `start`, or -1 when it has not arrived yet. */
  #readLine(buf: Buffer, start: number, what: string): number {
    const lf = buf.indexOf(LF, start);
    const limitEnd = Math.min(buf.length, start + MAX_HEADER_LINE);
    if (lf < 0 || lf >= limitEnd) {
      if (buf.length - start >= MAX_HEADER_LINE) throw new ProtocolError(`too big ${what} string`);
      return -1;
    }
    if (lf === start || buf[lf - 1] !== CR) throw new ProtocolError(`expected CRLF after ${what}`);
    return lf;
  }

  #checkLineLength(bytes: number): void {
    if (this.#argsLeft > 0 || (this.#pending[0] ?? EMPTY)[0] === 0x2a) {
      if (bytes >= MAX_HEADER_LINE) throw this.#fail(new ProtocolError('too big count string'));
    } else if (bytes > this.limits.maxInlineBytes) {
      throw this.#fail(new ProtocolError('too big inline request'));
    }
  }

  #fail(err: ProtocolError): ProtocolError {
    this.release();
    return err;
  }
}

/**
 * The decimal integer in buf[start, end), or undefined unless it is `-`? followed by 1 to 15
 * digits (larger counts and lengths exceed every limit anyway, so they need no exact value).
 */
function parseLength(buf: Buffer, start: number, end: number): number | undefined {
  let i = start;
  const negative = buf[i] === 0x2d;
  if (negative) i++;
  if (i === end || end - i > 15) return undefined;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
}
