/**
 * Writing command output: raw bytes and lines to stdout with backpressure (a command listing
 * millions of keys holds one buffer, not the whole listing), and byte strings as JSON.
 */
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';

/** A value that is valid UTF-8 is shown as text; anything else as base64. */
export type ByteEncoding = 'utf8' | 'base64';

export interface EncodedBytes {
  text: string;
  encoding: ByteEncoding;
}

/** `bytes` as a JSON-safe string, with the encoding a reader needs to get the bytes back. */
export function encodeBytes(bytes: Buffer): EncodedBytes {
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), encoding: 'utf8' } : { text: bytes.toString('base64'), encoding: 'base64' };
}

/**
 * One scan entry as JSON: `{"key", "value", "encoding"}`; `keyEncoding: "base64"` appears only
 * for a key that is not valid UTF-8, and the value fields only when a value is given.
 */
export function entryJson(key: Buffer, value?: Buffer): Record<string, string> {
  const k = encodeBytes(key);
  const out: Record<string, string> = { key: k.text };
  if (k.encoding !== 'utf8') out.keyEncoding = k.encoding;
  if (value !== undefined) {
    const v = encodeBytes(value);
    out.value = v.text;
    out.encoding = v.encoding;
  }
  return out;
}

/** Writes `data` and waits for the stream to drain if its buffer is full. */
export async function writeAll(data: string | Uint8Array, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (!stream.write(data)) await once(stream, 'drain');
}

/** Collects small writes into chunks of about `chunkBytes`, respecting the stream's backpressure. */
export class BufferedOutput {
  readonly #stream: NodeJS.WritableStream;
  readonly #chunkBytes: number;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(stream: NodeJS.WritableStream = process.stdout, chunkBytes = 64 * 1024) {
    this.#stream = stream;
    this.#chunkBytes = chunkBytes;
  }

  /** Queues `data`; resolves once the queued output is small enough to accept more. */
  async write(data: string | Uint8Array): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.#parts.push(buf);
    this.#size += buf.length;
    if (this.#size >= this.#chunkBytes) await this.flush();
  }

  /** Writes everything queued. */
  async flush(): Promise<void> {
    if (this.#size === 0) return;
    const chunk = Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    await writeAll(chunk, this.#stream);
  }
}

/** Prints `value` as one line of JSON. */
export function printJson(value: unknown): Promise<void> {
  return writeAll(`${JSON.stringify(value)}\n`);
}

/** A closed reader (`kvs ls | head`) is not a failure: stop quietly. */
export function exitQuietlyOnEpipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
