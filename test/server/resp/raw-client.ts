/** Test helper: a raw TCP client that records every byte the server sends and whether it closed. */
import * as net from 'node:net';

export class RawClient {
  readonly socket: net.Socket;
  #received: Buffer[] = [];
  #bytes = 0;
  #closed = false;
  #waiters: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#bytes += chunk.length;
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get text(): string {
    return Buffer.concat(this.#received).toString('latin1');
  }

  get bytes(): number {
    return this.#bytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves when `done()` holds (checked after each arrival); rejects after `ms`. */
  until(done: () => boolean, ms = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.#waiters.push(check);
        }
      };
      const timer = setTimeout(() => reject(new Error(`timed out; received so far: ${JSON.stringify(this.text.slice(0, 300))}`)), ms);
      check();
    });
  }

  /** Waits until the received text contains `needle`. */
  waitFor(needle: string, ms?: number): Promise<void> {
    return this.until(() => this.text.includes(needle), ms);
  }

  waitClosed(ms?: number): Promise<void> {
    return this.until(() => this.#closed, ms);
  }

  /** Sends `data` and waits for exactly `expected` to have arrived in all. */
  async request(data: string | Buffer, expected: string): Promise<string> {
    const before = this.text.length;
    this.write(data);
    await this.until(() => this.text.length - before >= expected.length);
    return this.text.slice(before);
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** A command as a RESP multibulk frame. */
export function frame(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const b = Buffer.isBuffer(arg) ? arg : Buffer.from(arg);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
