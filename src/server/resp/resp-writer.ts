/**
 * Encoder of RESP2 replies into an output buffer that the connection flushes to its socket.
 * Small replies are packed into one chunk; large bulk payloads are queued as their own parts
 * (no copy). A command's replies can be rolled back to a mark if it fails half-way.
 *
 * Reply grammar (RESP2):
 *   simple  = "+" text CRLF          error = "-" CODE " " text CRLF      integer = ":" digits CRLF
 *   bulk    = "$" length CRLF bytes CRLF | "$-1" CRLF (nil)
 *   array   = "*" count CRLF element* | "*-1" CRLF (nil array)
 */

const CRLF = Buffer.from('\r\n');
const CHUNK_BYTES = 16 * 1024;
/** Payloads at least this long are queued as their own part instead of being copied. */
const ZERO_COPY_BYTES = 4 * 1024;

/** A reply that is an error: `-<message>`, e.g. "ERR syntax error" or "WRONGTYPE ...". */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
}

export interface WriterMark {
  parts: number;
  chunk: Buffer;
  pos: number;
  bytes: number;
}

export class ReplyWriter {
  #parts: Buffer[] = [];
  #chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #pos = 0;
  /** Bytes written and not yet taken. */
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  simple(text: string): void {
    this.#ascii(`+${oneLine(text)}\r\n`);
  }

  /** `message` starts with its code ("ERR ...", "NOAUTH ..."); line breaks become spaces. */
  error(message: string): void {
    this.#ascii(`-${oneLine(message)}\r\n`);
  }

  integer(n: number | bigint): void {
    this.#ascii(`:${n}\r\n`);
  }

  /** A bulk string; nil for undefined or null. Strings are sent as UTF-8. */
  bulk(value: Buffer | string | undefined | null): void {
    if (value === undefined || value === null) return this.#ascii('$-1\r\n');
    const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.#ascii(`$${buf.length}\r\n`);
    if (buf.length >= ZERO_COPY_BYTES) {
      this.#cut();
      this.#parts.push(buf);
      this.#bytes += buf.length;
    } else {
      this.#raw(buf);
    }
    this.#raw(CRLF);
  }

  /** The header of an array of `count` elements; the caller writes them next. */
  array(count: number): void {
    this.#ascii(`*${count}\r\n`);
  }

  nilArray(): void {
    this.#ascii('*-1\r\n');
  }

  /** An array of bulk strings. */
  bulks(values: readonly (Buffer | string | undefined)[]): void {
    this.array(values.length);
    for (const value of values) this.bulk(value);
  }

  mark(): WriterMark {
    return { parts: this.#parts.length, chunk: this.#chunk, pos: this.#pos, bytes: this.#bytes };
  }

  /**
   * Forgets everything written since `mark` (which must be from after the last take). Sound
   * because a cut never reuses the bytes before it: mark.chunk[0, mark.pos) is still intact.
   */
  rollback(mark: WriterMark): void {
    this.#parts.length = mark.parts;
    this.#chunk = mark.chunk;
    this.#pos = mark.pos;
    this.#bytes = mark.bytes;
  }

  /** Everything written so far, as buffers to send in order; the writer is empty afterwards. */
  take(): Buffer[] {
    this.#cut();
    const parts = this.#parts;
    this.#parts = [];
    this.#bytes = 0;
    return parts;
  }

  /** Moves the packed bytes so far into #parts; the rest of the chunk stays usable for later writes. */
  #cut(): void {
    if (this.#pos === 0) return;
    this.#parts.push(this.#chunk.subarray(0, this.#pos));
    this.#chunk = this.#chunk.subarray(this.#pos);
    this.#pos = 0;
    if (this.#chunk.length < 256) this.#chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  }

  #ascii(text: string): void {
    if (this.#chunk.length - this.#pos < text.length * 3) {
      this.#cut();
      if (this.#chunk.length < text.length * 3) {
        this.#parts.push(Buffer.from(text, 'utf8'));
        this.#bytes += Buffer.byteLength(text);
        return;
      }
    }
    const n = this.#chunk.write(text, this.#pos, 'utf8');
    this.#pos += n;
    this.#bytes += n;
  }

  #raw(buf: Buffer): void {
    if (this.#chunk.length - this.#pos < buf.length) this.#cut();
    if (this.#chunk.length - this.#pos < buf.length) {
      this.#parts.push(Buffer.from(buf));
    } else {
      buf.copy(this.#chunk, this.#pos);
      this.#pos += buf.length;
    }
    this.#bytes += buf.length;
  }
}

function oneLine(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]+/g, ' ') : text;
}
