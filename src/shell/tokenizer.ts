/**
 * Splits a shell line into arguments, shell style, so that values may hold spaces and any byte:
 *
 *   plain    words separated by spaces or tabs; a backslash makes the next character literal
 *   '...'    literal text, no escapes (a single quote cannot appear inside)
 *   "..."    text with escapes \\ \" \' \n \r \t \0 and \xHH (any byte, e.g. \xff)
 *
 * Quoted and plain parts touching each other form one argument (`a"b c"` is `ab c`), and `""` is
 * an empty argument. Arguments are bytes: text is UTF-8, \xHH adds that byte. Pure; no state.
 */
import { ErrorCodes, KvsError } from '../engine/errors.js';

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', '0': '\0' };

/** Collects one argument from text runs and raw bytes. */
class ArgumentBuilder {
  #parts: Buffer[] = [];
  #text = '';
  /** True iff an argument has started (even an empty quoted one). */
  started = false;

  text(s: string): void {
    this.#text += s;
    this.started = true;
  }

  byte(b: number): void {
    this.#flushText();
    this.#parts.push(Buffer.from([b]));
    this.started = true;
  }

  take(): Buffer {
    this.#flushText();
    const arg = Buffer.concat(this.#parts);
    this.#parts = [];
    this.started = false;
    return arg;
  }

  #flushText(): void {
    if (this.#text !== '') this.#parts.push(Buffer.from(this.#text, 'utf8'));
    this.#text = '';
  }
}

/** The arguments of `line`; throws INVALID_ARGUMENT naming the column of an unclosed quote or a bad escape. */
export function tokenize(line: string): Buffer[] {
  const args: Buffer[] = [];
  const arg = new ArgumentBuilder();
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t') {
      if (arg.started) args.push(arg.take());
      i++;
    } else if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw bad(`unclosed single quote at column ${i + 1}; end the text with '`, i);
      arg.text(line.slice(i + 1, close));
      i = close + 1;
    } else if (ch === '"') {
      i = readDoubleQuoted(line, i, arg);
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw bad(`a backslash at the end of the line (column ${i + 1}) escapes nothing; write \\\\ for a backslash`, i);
      const next = String.fromCodePoint(line.codePointAt(i + 1)!);
      arg.text(next);
      i += 1 + next.length;
    } else {
      // A run of plain characters at once.
      let end = i + 1;
      while (end < line.length && !' \t\'"\\'.includes(line[end]!)) end++;
      arg.text(line.slice(i, end));
      i = end;
    }
  }
  if (arg.started) args.push(arg.take());
  return args;
}

/** Reads "..." starting at the quote at `open`; returns the index after the closing quote. */
function readDoubleQuoted(line: string, open: number, arg: ArgumentBuilder): number {
  arg.text(''); // `""` is an argument, even though empty
  let i = open + 1;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') return i + 1;
    if (ch !== '\\') {
      let end = i + 1;
      while (end < line.length && line[end] !== '"' && line[end] !== '\\') end++;
      arg.text(line.slice(i, end));
      i = end;
      continue;
    }
    const code = line[i + 1];
    if (code === undefined) break;
    if (code === 'x') {
      const hex = line.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw bad(`\\x at column ${i + 1} needs two hex digits (e.g. \\xff)`, i);
      arg.byte(parseInt(hex, 16));
      i += 4;
    } else if (code in DOUBLE_QUOTE_ESCAPES) {
      arg.text(DOUBLE_QUOTE_ESCAPES[code]!);
      i += 2;
    } else {
      throw bad(`unknown escape \\${code} at column ${i + 1} inside double quotes; write \\\\ for a backslash (or use single quotes)`, i);
    }
  }
  throw bad(`unclosed double quote at column ${open + 1}; end the text with "`, open);
}

function bad(message: string, index: number): KvsError {
  return new KvsError(ErrorCodes.INVALID_ARGUMENT, message, { details: { column: index + 1 } });
}
