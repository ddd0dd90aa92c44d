/**
 * A DataStore on a `kvs server`: get/set/delete as GET/SET/DEL, count as KVS.COUNT, and scan as
 * KVS.RANGE pages of at most 1000 entries, each page continuing after the last key of the one
 * before. One connection, reopened (and re-authenticated) on the next call after it fails, so a
 * shell survives a server restart. Calls may overlap; they are pipelined in issue order.
 */
import { checkKey, checkValue } from '../engine/validate.js';
import { ErrorCodes, KvsError } from '../engine/errors.js';
import type { BytesLike, CompactResult, EngineStats } from '../engine/types.js';
import { toBuffer } from '../util/bytes.js';
import { parseAddress, type ServerAddress } from './address.js';
import type { DataScanOptions, DataStore } from './data-store.js';
import { RespConnection, type ConnectionOptions } from './resp-connection.js';
import type { CommandArg } from './resp-encoder.js';
import { ErrorReply, type Reply } from './resp-reply-parser.js';
import { serverError, unexpectedReply } from './server-errors.js';

/** Entries asked for per KVS.RANGE call: the server's own cap per call. */
export const RANGE_PAGE = 1000;

export interface RemoteOptions extends ConnectionOptions {
  /** host:port of the server. */
  addr: string;
  /** Sent with AUTH on every new connection when given. */
  password?: string | undefined;
}

export class RemoteStore implements DataStore {
  readonly address: ServerAddress;
  readonly #options: RemoteOptions;
  #connection: Promise<RespConnection> | undefined;
  #closed = false;

  private constructor(address: ServerAddress, options: RemoteOptions) {
    this.address = address;
    this.#options = options;
  }

  /** Connects (and authenticates) now, so an unreachable server or a bad password fails before any work. */
  static async connect(options: RemoteOptions): Promise<RemoteStore> {
    const store = new RemoteStore(parseAddress(options.addr), options);
    await store.#connect();
    return store;
  }

  async get(key: BytesLike): Promise<Buffer | undefined> {
    const reply = await this.#call(['GET', checkKey(key)]);
    if (reply === null) return undefined;
    if (Buffer.isBuffer(reply)) return reply;
    throw unexpectedReply(this.address, 'GET', 'a bulk string or null', reply);
  }

  async set(key: BytesLike, value: BytesLike): Promise<void> {
    const reply = await this.#call(['SET', checkKey(key), checkValue(value)]);
    if (reply !== 'OK') throw unexpectedReply(this.address, 'SET', 'OK', reply);
  }

  async delete(key: BytesLike): Promise<boolean> {
    const reply = await this.#call(['DEL', checkKey(key)]);
    if (typeof reply !== 'number' || reply < 0) throw unexpectedReply(this.address, 'DEL', 'a count', reply);
    return reply > 0;
  }

  async count(): Promise<number> {
    const reply = await this.#call(['KVS.COUNT']);
    if (typeof reply !== 'number' || reply < 0) throw unexpectedReply(this.address, 'KVS.COUNT', 'a count', reply);
    return reply;
  }

  /** The server's engine statistics (KVS.STATS). */
  stats(): Promise<EngineStats> {
    return this.#json<EngineStats>('KVS.STATS');
  }

  /** Compacts the server's store now (KVS.COMPACT). */
  compact(): Promise<CompactResult> {
    return this.#json<CompactResult>('KVS.COMPACT');
  }

  async *scan(options: DataScanOptions = {}): AsyncIterable<[Buffer, Buffer]> {
    const { limit } = options;
    if (limit !== undefined && !(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `scan limit must be a non-negative integer, got ${String(limit)}`);
    }
    const reverse = options.reverse === true;
    const withValues = options.keysOnly !== true;
    let remaining = limit ?? Infinity;
    let last: Buffer | undefined;
    while (remaining > 0) {
      const page = Math.min(remaining, RANGE_PAGE);
      const entries = this.#checkPage(await this.#call(rangeArgs(options, last, page, withValues)), withValues, last, reverse);
      if (entries.length === 0) return; // only an empty page ends the listing: a server may return fewer than asked
      for (const entry of entries) {
        remaining--;
        yield entry;
      }
      last = entries[entries.length - 1]![0];
    }
  }

  /** Closes the connection; later calls reject with NOT_OPEN. */
  async close(): Promise<void> {
    this.#closed = true;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) await connection.then((c) => c.close(), () => {});
  }

  /** The reply as entries, checked: an even count under WITHVALUES, bulk strings, strictly after `last` in scan order. */
  #checkPage(reply: Reply, withValues: boolean, last: Buffer | undefined, reverse: boolean): [Buffer, Buffer][] {
    const expected = withValues ? 'an array of keys and values' : 'an array of keys';
    if (!Array.isArray(reply) || (withValues && reply.length % 2 !== 0)) throw unexpectedReply(this.address, 'KVS.RANGE', expected, reply);
    const step = withValues ? 2 : 1;
    const entries: [Buffer, Buffer][] = [];
    let previous = last;
    for (let i = 0; i < reply.length; i += step) {
      const key = reply[i]!;
      const value = withValues ? reply[i + 1]! : EMPTY;
      if (!Buffer.isBuffer(key) || !Buffer.isBuffer(value)) throw unexpectedReply(this.address, 'KVS.RANGE', expected, reply);
      // Without this check a misbehaving server could make the pagination loop forever.
      if (previous !== undefined && Buffer.compare(key, previous) * (reverse ? -1 : 1) <= 0) {
        throw new KvsError(ErrorCodes.IO_ERROR, `the server at ${this.address.label} listed keys out of byte order in KVS.RANGE, so the listing cannot continue page by page; its engine may not keep keys ordered, or it is not a kvs server`);
      }
      entries.push([key, value]);
      previous = key;
    }
    return entries;
  }

  /** The reply to a command that answers with a JSON document, parsed. */
  async #json<T>(command: string): Promise<T> {
    const reply = await this.#call([command]);
    if (Buffer.isBuffer(reply)) {
      try {
        return JSON.parse(reply.toString('utf8')) as T;
      } catch {
        // reported below
      }
    }
    throw unexpectedReply(this.address, command, 'a JSON document', reply);
  }

  /** Sends one command on the live connection (opening a new one if the last one failed); error replies throw. */
  async #call(args: readonly CommandArg[]): Promise<Reply> {
    const connection = await this.#connect();
    const reply = await connection.call(args);
    if (reply instanceof ErrorReply) throw serverError(this.address, String(args[0]), reply);
    return reply;
  }

  /** The live connection; a failed or broken one is replaced by a new one (the call that saw the failure reported it). */
  async #connect(): Promise<RespConnection> {
    if (this.#closed) throw new KvsError(ErrorCodes.NOT_OPEN, `the connection to ${this.address.label} is closed`);
    const current = this.#connection;
    if (current !== undefined) {
      const connection = await current.catch(() => undefined);
      if (connection !== undefined && !connection.closed) return connection;
      if (this.#connection !== current) return this.#connect(); // another call already replaced it
    }
    const opening = this.#open();
    this.#connection = opening;
    return opening;
  }

  async #open(): Promise<RespConnection> {
    const connection = await RespConnection.connect(this.address, this.#options);
    if (this.#options.password !== undefined) {
      const reply = await connection.call(['AUTH', this.#options.password]).catch(async (err: unknown) => {
        await connection.close();
        throw err;
      });
      if (reply !== 'OK') {
        await connection.close();
        throw reply instanceof ErrorReply ? serverError(this.address, 'AUTH', reply) : unexpectedReply(this.address, 'AUTH', 'OK', reply);
      }
    }
    return connection;
  }
}

const EMPTY = Buffer.alloc(0);

/** KVS.RANGE arguments for the next page: the caller's bounds, tightened to continue after `last`. */
function rangeArgs(options: DataScanOptions, last: Buffer | undefined, page: number, withValues: boolean): CommandArg[] {
  const reverse = options.reverse === true;
  const args: CommandArg[] = ['KVS.RANGE'];
  const bound = (name: string, value: BytesLike | undefined): void => {
    if (value !== undefined) args.push(name, toBuffer(value));
  };
  bound('PREFIX', options.prefix);
  bound('GTE', options.gte);
  bound('LTE', options.lte);
  // `last` satisfied the caller's bounds, so it is at least as tight as the caller's own GT (or LT in reverse).
  bound('GT', !reverse && last !== undefined ? last : options.gt);
  bound('LT', reverse && last !== undefined ? last : options.lt);
  args.push('LIMIT', String(page));
  if (reverse) args.push('REVERSE');
  if (withValues) args.push('WITHVALUES');
  return args;
}
