/**
 * One connection to one Redis server through node-redis: binary-safe commands (every bulk reply
 * is a Buffer), MULTI/EXEC transactions, bounded waits, and KvsErrors instead of client errors.
 * Commands are pipelined on one socket in the order they are sent.
 */
import { createClient, RESP_TYPES } from 'redis';
import { commandError, connectError } from './redis-errors.js';
import { redactUrl, type RedisOptions } from './options.js';
import { withDeadline } from './deadline.js';

export type RedisArg = string | Buffer;

/**
 * The part of node-redis's client this engine uses. node-redis's own generic client type is
 * parameterised by modules and type mappings; a small structural type keeps that out of ours.
 */
interface Client {
  connect(): Promise<unknown>;
  sendCommand(args: readonly RedisArg[]): Promise<unknown>;
  multi(): ClientMulti;
  close(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}
interface ClientMulti {
  addCommand(args: readonly RedisArg[]): ClientMulti;
  exec(): Promise<unknown[]>;
}

/** Reconnects after the connection drops (never while opening): this many tries, backing off to MAX_BACKOFF_MS. */
const MAX_RECONNECTS = 10;
const MAX_BACKOFF_MS = 2000;

export class RedisConnection {
  /** The server's URL with any password hidden, for messages. */
  readonly url: string;
  readonly #client: Client;
  readonly #commandTimeoutMs: number;

  private constructor(client: Client, url: string, commandTimeoutMs: number) {
    this.#client = client;
    this.url = url;
    this.#commandTimeoutMs = commandTimeoutMs;
  }

  /** Connects (and authenticates) within `options.connectTimeoutMs`, or throws a KvsError naming the URL. */
  static async open(url: string, options: RedisOptions): Promise<RedisConnection> {
    const shownUrl = redactUrl(url);
    let opened = false;
    const client = createClient({
      url,
      socket: {
        connectTimeout: options.connectTimeoutMs,
        // While opening, fail at once: a CLI user wants "no server" now, not an endless retry.
        reconnectStrategy: (retries: number, cause: Error) =>
          !opened ? false : retries >= MAX_RECONNECTS ? cause : Math.min(50 * 2 ** retries, MAX_BACKOFF_MS),
      },
      commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer }, timeout: options.commandTimeoutMs },
    }) as unknown as Client;
    // node-redis reports connection trouble as 'error' events as well as rejected commands;
    // without a listener an event would crash the process. The rejections carry the errors.
    client.on('error', () => {});
    let timer: NodeJS.Timeout | undefined;
    try {
      // connectTimeout bounds the TCP handshake only; this also bounds a server that accepts
      // the connection but never answers the handshake (HELLO/AUTH/SELECT).
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connect timeout after ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
      });
      await Promise.race([client.connect(), deadline]);
    } catch (err) {
      client.destroy();
      throw connectError(shownUrl, err, options.connectTimeoutMs);
    } finally {
      clearTimeout(timer);
    }
    opened = true;
    return new RedisConnection(client, shownUrl, options.commandTimeoutMs);
  }

  /** Sends one command; its name is `args[0]`. Rejects with a KvsError. */
  send(args: readonly RedisArg[]): Promise<unknown> {
    return this.#client.sendCommand(args).catch((err: unknown) => {
      throw commandError(this.url, String(args[0]), err, this.#commandTimeoutMs);
    });
  }

  /** Runs `commands` as one MULTI/EXEC transaction; resolves with their replies in order. */
  transaction(commands: readonly (readonly RedisArg[])[]): Promise<unknown[]> {
    const multi = this.#client.multi();
    for (const command of commands) multi.addCommand(command);
    // node-redis's command timeout does not cover MULTI/EXEC: bound it here.
    return withDeadline(multi.exec(), this.#commandTimeoutMs).catch((err: unknown) => {
      throw commandError(this.url, 'MULTI/EXEC', err, this.#commandTimeoutMs);
    });
  }

  /** Waits for the replies of every command sent, then closes the socket. */
  async close(): Promise<void> {
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy(); // already broken: nothing left to wait for
    }
  }
}
