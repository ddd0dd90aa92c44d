/**
 * One TCP connection to a RESP2 server. `call` writes a request at once and resolves with its
 * reply; calls issued without awaiting are pipelined and answered in order (a FIFO of waiters).
 * Every failure (refused, timed out, closed, malformed reply) rejects every waiting call with a
 * KvsError naming the address, and the connection is then unusable (`closed` is true).
 */
import * as net from 'node:net';
import { ErrorCodes, KvsError } from '../engine/errors.js';
import type { ServerAddress } from './address.js';
import { encodeCommand, type CommandArg } from './resp-encoder.js';
import { ReplyParser, type Reply } from './resp-reply-parser.js';

export interface ConnectionOptions {
  /** Give up connecting after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Fail when a call has waited this long without any byte from the server. Default 60000 ms. */
  replyTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_REPLY_TIMEOUT_MS = 60_000;
/** How long `close` waits for the server to close its side before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

interface Waiter {
  resolve(reply: Reply): void;
  reject(err: KvsError): void;
}

export class RespConnection {
  readonly address: ServerAddress;
  readonly #socket: net.Socket;
  readonly #parser = new ReplyParser();
  readonly #waiters: Waiter[] = [];
  readonly #replyTimeoutMs: number;
  #failure: KvsError | undefined;

  private constructor(address: ServerAddress, socket: net.Socket, replyTimeoutMs: number) {
    this.address = address;
    this.#socket = socket;
    this.#replyTimeoutMs = replyTimeoutMs;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('timeout', () => this.#fail(this.#error(`no reply from ${address.label} within ${replyTimeoutMs} ms`)));
    socket.on('error', (err: NodeJS.ErrnoException) => this.#fail(this.#error(`the connection to ${address.label} failed (${err.code ?? err.message})`, err)));
    socket.on('close', () => this.#fail(this.#error(`the server at ${address.label} closed the connection`)));
  }

  /** Opens a connection; rejects with a message a person can act on when nobody answers. */
  static connect(address: ServerAddress, options: ConnectionOptions = {}): Promise<RespConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(unreachable(address, `no answer within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(unreachable(address, describeConnectError(address, err), err));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespConnection(address, socket, options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS));
      });
    });
  }

  /** True iff the connection failed or was closed; calls then reject. */
  get closed(): boolean {
    return this.#failure !== undefined;
  }

  /** Sends one command; resolves with its reply (an error reply is an `ErrorReply` value, not a rejection). */
  call(args: readonly CommandArg[]): Promise<Reply> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (this.#waiters.length === 1) this.#socket.setTimeout(this.#replyTimeoutMs);
      this.#socket.write(encodeCommand(args));
    });
  }

  /** Closes the connection after the replies already asked for; idempotent. */
  async close(): Promise<void> {
    if (this.#failure !== undefined) return;
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    if (this.#waiters.length > 0) await this.call(['PING']).catch(() => {}); // replies arrive in order: this one comes last
    this.#failure = this.#error(`the connection to ${this.address.label} is closed`);
    this.#socket.end();
    // A server that never closes its side must not keep the process alive.
    const timer = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  #onData(chunk: Buffer): void {
    let replies: Reply[];
    try {
      replies = this.#parser.feed(chunk);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return this.#fail(this.#error(`the server at ${this.address.label} sent a ${reason}`, err));
    }
    for (const reply of replies) {
      const waiter = this.#waiters.shift();
      if (waiter === undefined) return this.#fail(this.#error(`the server at ${this.address.label} sent a reply nobody asked for`));
      waiter.resolve(reply);
    }
    if (this.#waiters.length === 0) this.#socket.setTimeout(0);
  }

  #fail(err: KvsError): void {
    if (this.#failure === undefined) this.#failure = err;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
    this.#socket.destroy();
  }

  #error(message: string, cause?: unknown): KvsError {
    return new KvsError(ErrorCodes.IO_ERROR, message, { cause, details: { addr: this.address.label } });
  }
}

function describeConnectError(address: ServerAddress, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host name ${JSON.stringify(address.host)}`;
    default:
      return err.code ?? err.message;
  }
}

function unreachable(address: ServerAddress, why: string, cause?: unknown): KvsError {
  return new KvsError(
    ErrorCodes.IO_ERROR,
    `no kvs server answers at ${address.label} (${why}); start one with \`kvs server --addr ${address.label}\`, or check --addr / KVS_ADDR`,
    { cause, details: { addr: address.label } },
  );
}
