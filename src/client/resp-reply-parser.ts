/**
 * Incremental parser of RESP2 replies: feed it socket chunks split anywhere, get back every
 * reply completed so far. One parser per connection; not shared between connections.
 *
 *   reply   = simple / error / integer / bulk / array
 *   simple  = "+" text CRLF            -> string
 *   error   = "-" text CRLF            -> ErrorReply (a value, not an exception)
 *   integer = ":" ["-"] digits CRLF    -> number
 *   bulk    = "$" length CRLF bytes CRLF / "$-1" CRLF (null)     -> Buffer | null
 *   array   = "*" count CRLF count*reply / "*-1" CRLF (null)     -> Reply[] | null
 *
 * Lengths are never trusted: each is checked against a cap before use, arrays grow as their
 * elements arrive (nothing is allocated from a count), and a malformed frame fails the parser
 * for good with the byte offset in the reply stream.
 */
import { ErrorCodes, KvsError } from '../engine/errors.js';

/** An error reply (`-ERR ...`). `code` is its first word, the Redis error class (ERR, NOAUTH, WRONGPASS, ...). */
export class ErrorReply {
  readonly message: string;
  readonly code: string;
  constructor(message: string) {
    this.message = message;
    this.code = /^\S*/.exec(message)![0];
  }
}

export type Reply = string | number | Buffer | null | ErrorReply | Reply[];

export interface ParserLimits {
  /** Longest header or simple/error/integer line, without its CRLF. */
  maxLineBytes: number;
  /** Longest bulk string (Redis's own default proto-max-bulk-len is 512 MiB). */
  maxBulkBytes: number;
  /** Most elements in one array. */
  maxArrayLength: number;
  /** Deepest nesting of arrays. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: ParserLimits = {
  maxLineBytes: 64 * 1024,
  maxBulkBytes: 512 * 1024 * 1024,
  maxArrayLength: 2 ** 31 - 1,
  maxDepth: 32,
};

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

interface OpenArray {
  items: Reply[];
  remaining: number;
}

interface OpenBulk {
  /** Payload length plus its CRLF. */
  need: number;
  got: number;
  parts: Buffer[];
}

export class ReplyParser {
  readonly #limits: ParserLimits;
  /** Unparsed bytes that do not yet hold a whole line (each ends without a LF). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #stack: OpenArray[] = [];
  #bulk: OpenBulk | undefined;
  /** Offset in the reply stream of the next byte to parse. */
  #offset = 0;
  #failure: KvsError | undefined;

  constructor(limits: Partial<ParserLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** True iff no reply is partly received (a clean point to stop reading). */
  get idle(): boolean {
    return this.#pendingBytes === 0 && this.#stack.length === 0 && this.#bulk === undefined;
  }

  /** Parses `chunk` and returns the replies it completes, in order. Throws the same error forever after malformed input. */
  feed(chunk: Buffer): Reply[] {
    if (this.#failure !== undefined) throw this.#failure;
    const out: Reply[] = [];
    try {
      this.#parse(chunk, out);
    } catch (err) {
      if (err instanceof KvsError) this.#failure = err;
      throw err;
    }
    return out;
  }

  #parse(chunk: Buffer, out: Reply[]): void {
    let buf = chunk;
    let pos = 0;
    while (pos < buf.length) {
      if (this.#bulk !== undefined) {
        pos = this.#takeBulk(buf, pos, out);
        continue;
      }
      const lf = buf.indexOf(LF, pos);
      if (lf < 0) {
        this.#keepPartialLine(buf.subarray(pos));
        return;
      }
      if (this.#pendingBytes > 0) {
        // The line started in an earlier chunk: join it once, now that its end is here.
        buf = Buffer.concat([...this.#pending, buf.subarray(pos)]);
        pos = 0;
        this.#offset -= this.#pendingBytes;
        this.#pending = [];
        this.#pendingBytes = 0;
        continue;
      }
      pos = this.#takeLine(buf, pos, lf, out);
    }
  }

  #keepPartialLine(rest: Buffer): void {
    if (rest.length === 0) return;
    this.#pending.push(rest);
    this.#pendingBytes += rest.length;
    this.#offset += rest.length;
    if (this.#pendingBytes > this.#limits.maxLineBytes + 1) {
      throw this.#malformed(`a line longer than ${this.#limits.maxLineBytes} bytes without CRLF`, this.#offset - this.#pendingBytes);
    }
  }

  /** Parses the line buf[pos..lf]; returns the position after it. */
  #takeLine(buf: Buffer, pos: number, lf: number, out: Reply[]): number {
    const start = this.#offset;
    const length = lf - pos - 1; // without CR LF
    if (length < 0 || buf[lf - 1] !== CR) throw this.#malformed('a line ended by LF without CR', start + (lf - pos));
    if (length > this.#limits.maxLineBytes) throw this.#malformed(`a line of ${length} bytes (the limit is ${this.#limits.maxLineBytes})`, start);
    const type = buf[pos]!;
    const text = buf.toString('utf8', pos + 1, lf - 1);
    this.#offset += lf + 1 - pos;
    switch (type) {
      case 0x2b: // '+'
        this.#emit(text, out);
        break;
      case 0x2d: // '-'
        this.#emit(new ErrorReply(text), out);
        break;
      case 0x3a: // ':'
        this.#emit(this.#integer(text, 'integer reply', start), out);
        break;
      case 0x24: {
        // '$'
        const size = this.#integer(text, 'bulk length', start);
        if (size === -1) this.#emit(null, out);
        else if (size < 0 || size > this.#limits.maxBulkBytes) throw this.#malformed(`bulk length ${size} (allowed: -1 or 0..${this.#limits.maxBulkBytes})`, start);
        else this.#bulk = { need: size + 2, got: 0, parts: [] };
        break;
      }
      case 0x2a: {
        // '*'
        const count = this.#integer(text, 'array length', start);
        if (count === -1) this.#emit(null, out);
        else if (count < 0 || count > this.#limits.maxArrayLength) throw this.#malformed(`array length ${count} (allowed: -1 or 0..${this.#limits.maxArrayLength})`, start);
        else if (count === 0) this.#emit([], out);
        else if (this.#stack.length >= this.#limits.maxDepth) throw this.#malformed(`arrays nested deeper than ${this.#limits.maxDepth}`, start);
        else this.#stack.push({ items: [], remaining: count });
        break;
      }
      default:
        throw this.#malformed(`unexpected type byte 0x${type.toString(16).padStart(2, '0')} (expected one of + - : $ *; RESP3 replies are not supported)`, start);
    }
    return lf + 1;
  }

  /** Consumes bulk payload bytes from buf[pos..]; returns the position after what it took. */
  #takeBulk(buf: Buffer, pos: number, out: Reply[]): number {
    const bulk = this.#bulk!;
    const take = Math.min(bulk.need - bulk.got, buf.length - pos);
    bulk.parts.push(buf.subarray(pos, pos + take));
    bulk.got += take;
    this.#offset += take;
    if (bulk.got < bulk.need) return pos + take;
    const whole = bulk.parts.length === 1 ? bulk.parts[0]! : Buffer.concat(bulk.parts, bulk.need);
    const size = bulk.need - 2;
    if (whole[size] !== CR || whole[size + 1] !== LF) throw this.#malformed(`a bulk string of ${size} bytes not followed by CRLF`, this.#offset - 2);
    this.#bulk = undefined;
    this.#emit(size === 0 ? EMPTY : whole.subarray(0, size), out);
    return pos + take;
  }

  /** Adds a complete value to the innermost open array, closing every array it completes. */
  #emit(value: Reply, out: Reply[]): void {
    let done = value;
    for (;;) {
      const top = this.#stack[this.#stack.length - 1];
      if (top === undefined) {
        out.push(done);
        return;
      }
      top.items.push(done);
      if (--top.remaining > 0) return;
      this.#stack.pop();
      done = top.items;
    }
  }

  #integer(text: string, what: string, at: number): number {
    if (!/^-?\d{1,19}$/.test(text)) throw this.#malformed(`${what} ${JSON.stringify(text.slice(0, 40))} is not an integer`, at);
    return Number(text);
  }

  #malformed(what: string, at: number): KvsError {
    return new KvsError(ErrorCodes.IO_ERROR, `malformed reply: ${what} at byte ${at} of the reply stream`, { details: { offset: at } });
  }
}
