/**
 * Where `kvs set` gets its value: the VALUE argument (UTF-8), a file (raw bytes), or stdin
 * (`--file -`). Sizes are checked before reading everything, so an oversized value fails fast
 * without filling memory.
 */
import * as fs from 'node:fs';
import { ErrorCodes, ioError, KvsError } from '../engine/errors.js';
import { MAX_VALUE_BYTES } from '../engine/limits.js';
import { checkValue } from '../engine/validate.js';

export interface ValueSource {
  /** The VALUE argument, if given. */
  value: string | undefined;
  /** The --file flag, if given; `-` means stdin. */
  file: string | undefined;
}

/** The value bytes from exactly one source; throws INVALID_ARGUMENT for none or two, VALUE_TOO_LARGE past the limit. */
export async function readValue(source: ValueSource, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (source.value !== undefined && source.file !== undefined) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'give the value either as the VALUE argument or with --file, not both');
  }
  if (source.value !== undefined) return checkValue(source.value);
  if (source.file === undefined) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'missing value: give it as an argument (kvs set KEY VALUE) or with --file PATH (--file - reads stdin)');
  }
  if (source.file === '-') {
    // Someone typing the value sees no prompt otherwise: say how to end it.
    if ((stdin as { isTTY?: boolean }).isTTY === true) process.stderr.write('Reading the value from the terminal; end it with Ctrl-D on a line of its own.\n');
    return readCapped(stdin, 'stdin');
  }
  return readFile(source.file);
}

async function readFile(file: string): Promise<Buffer> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    throw ioError(`cannot read --file ${file}`, err);
  }
  if (stat.isFile() && stat.size > MAX_VALUE_BYTES) throw tooLarge(`${file} is ${stat.size} bytes`, stat.size);
  // Still capped: the file may grow, or be a pipe or device whose size stat cannot tell.
  return readCapped(fs.createReadStream(file), file);
}

/** Reads `stream` to the end, or throws VALUE_TOO_LARGE as soon as it passes MAX_VALUE_BYTES. */
async function readCapped(stream: NodeJS.ReadableStream, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buf.length;
      if (size > MAX_VALUE_BYTES) throw tooLarge(`${what} holds more than ${MAX_VALUE_BYTES} bytes`, size);
      chunks.push(buf);
    }
  } catch (err) {
    throw ioError(`cannot read ${what === 'stdin' ? 'stdin' : `--file ${what}`}`, err);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(what: string, size: number): KvsError {
  return new KvsError(ErrorCodes.VALUE_TOO_LARGE, `value too large: ${what}; the limit is ${MAX_VALUE_BYTES} bytes (64 MiB)`, {
    details: { size, limit: MAX_VALUE_BYTES },
  });
}
