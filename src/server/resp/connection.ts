/**
 * One client connection: parses its requests, runs its commands one at a time in order, and
 * writes the replies in the same order (pipelining). Group commit: the commands delivered so far
 * (up to BATCH_COMMANDS) run one after the other, each seeing the writes of those before it; their
 * writes' completions are collected, and the batch's replies are sent only once all of them have
 * completed (under sync always: are on disk), so one fsync covers the whole batch.
 * Concurrency: commands of different connections interleave at their awaits; a connection never
 * runs two commands at once.
 * Backpressure: the socket stops being read while many commands are queued or while more than
 * `outputPauseBytes` of replies are unsent; past `outputHardLimitBytes` (or stalled for
 * `outputStallMs`) the client is disconnected. Its pending input (partial request and queued
 * commands) is reported to the server's global InputBudget, which may evict it.
 */
import type * as net from 'node:net';
import { isKvsError } from '../../engine/errors.js';
import type { ClientState, CommandContext, ServerState } from './commands/command-table.js';
import { serviceView } from './commands/kv-view.js';
import { dispatch, replyError } from './dispatch.js';
import type { InputHolder } from './input-budget.js';
import { ProtocolError, RespParser, type ParserLimits } from './resp-parser.js';
import { ReplyWriter, type WriterMark } from './resp-writer.js';

/** A batch ends (durability point, replies sent) after this many commands ... */
const BATCH_COMMANDS = 1024;
/** ... or once this many reply bytes are pending, or when every command delivered has run. */
const BATCH_REPLY_BYTES = 256 * 1024;
/** Time a closing connection gets to deliver its last replies before it is destroyed. */
const END_GRACE_MS = 5000;

type Queued = Buffer[] | ProtocolError;

function argBytes(args: Buffer[]): number {
  let n = 0;
  for (const arg of args) n += arg.length;
  return n;
}

export class RespConnection implements InputHolder {
  readonly client: ClientState;
  readonly #socket: net.Socket;
  readonly #server: ServerState;
  readonly #parser: RespParser;
  readonly #out = new ReplyWriter();
  readonly #ctx: CommandContext;
  readonly #log: (line: string) => void;
  #queue: (Queued | undefined)[] = [];
  #head = 0;
  /** Bytes of the arguments of the commands in #queue (pending input, with the parser's buffer). */
  #queuedBytes = 0;
  #running = false;
  #paused = false;
  /** No more commands run: QUIT, a protocol error, or server shutdown. */
  #ending = false;
  /** After a protocol error: close as soon as the error is sent, reading nothing more. */
  #endAtOnce = false;
  /** Completions of the current batch's writes, each with the reply mark of its command. */
  #deferred: { mark: WriterMark; done: Promise<void> }[] = [];
  #commandMark: WriterMark | undefined;
  #closed = false;
  readonly #closedPromise: Promise<void>;
  readonly #emit = (args: Buffer[]): boolean => {
    this.#queue.push(args);
    this.#queuedBytes += argBytes(args);
    // Before authentication, parse one command at a time: AUTH may lift the tighter limits.
    return this.client.authenticated;
  };

  constructor(socket: net.Socket, server: ServerState, id: number, log: (line: string) => void) {
    this.#socket = socket;
    this.#server = server;
    this.#log = log;
    this.client = {
      id,
      addr: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      connectedAt: Date.now(),
      name: undefined,
      libName: undefined,
      libVersion: undefined,
      authenticated: server.requirepass === undefined,
      lastCommand: 'NULL',
      closeAfterReply: false,
      tx: undefined,
      watcher: undefined,
    };
    this.#parser = new RespParser(this.#parserLimits());
    const defer = (done: Promise<void>): void => void this.#deferred.push({ mark: this.#commandMark!, done });
    this.#ctx = { server, client: this.client, out: this.#out, defer, kv: serviceView(server.service, defer) };
    socket.setNoDelay(true);
    this.#closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {}); // a reset by the peer ends the connection like a close
    socket.once('close', () => {
      this.#closed = true;
      this.#queue = [];
      this.#head = 0;
      this.#queuedBytes = 0;
      this.#parser.release();
      server.input.remove(this);
      if (this.client.watcher !== undefined) server.service.watches.unwatch(this.client.watcher);
      this.client.tx = undefined;
    });
  }

  /** Resolves when the socket has closed. */
  get closed(): Promise<void> {
    return this.#closedPromise;
  }

  /** Server shutdown: the running command finishes and its reply is sent; nothing more runs. */
  stop(): Promise<void> {
    this.#ending = true;
    this.#pause();
    if (!this.#running) this.#end();
    return this.#closedPromise;
  }

  /** Closes the socket now, sent or not. */
  destroy(): void {
    this.#socket.destroy();
  }

  /** Called by the InputBudget: this client holds the most pending input while the total is over budget. */
  evict(reason: string): void {
    this.#log(`client ${this.client.id} (${this.client.addr}) closed: ${reason}`);
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#parser.release();
    this.#socket.destroy();
  }

  /** Reports the pending input held now to the budget; false iff that got this connection evicted. */
  #account(): boolean {
    if (this.#closed) return false;
    return this.#server.input.update(this, this.#parser.bufferedBytes + this.#queuedBytes + (this.client.tx?.bytes ?? 0));
  }

  #parserLimits(): ParserLimits {
    const l = this.#server.limits;
    return this.client.authenticated
      ? { maxBulkBytes: l.maxBulkBytes, maxInlineBytes: l.maxInlineBytes, maxArgs: l.maxArgs, maxRequestBytes: l.maxRequestBytes }
      : { maxBulkBytes: l.unauthenticatedMaxBulkBytes, maxInlineBytes: l.maxInlineBytes, maxArgs: l.unauthenticatedMaxArgs, maxRequestBytes: l.unauthenticatedMaxBulkBytes * l.unauthenticatedMaxArgs, unauthenticated: true };
  }

  #onData(chunk: Buffer): void {
    this.#server.counters.netInputBytes += chunk.length;
    if (this.#ending || this.#closed) return;
    this.#parse(() => this.#parser.feed(chunk, this.#emit));
    if (!this.#account()) return;
    if (this.#parser.stopped || this.#queue.length - this.#head >= this.#server.limits.maxQueuedCommands) this.#pause();
    if (!this.#running) void this.#run();
  }

  #parse(step: () => void): void {
    try {
      step();
    } catch (err) {
      // Whatever the parser throws ends this connection, never the server.
      this.#queue.push(err instanceof ProtocolError ? err : new ProtocolError(`unparsable request (${String(err)})`));
      this.#pause();
    }
  }

  async #run(): Promise<void> {
    this.#running = true;
    let inBatch = 0;
    try {
      while (!this.#closed && !this.#ending) {
        if (this.#head === this.#queue.length && this.#parser.stopped) {
          this.#parse(() => this.#parser.resume(this.#emit)); // the previous command may have authenticated
        }
        if (this.#head === this.#queue.length) {
          // Everything delivered so far has run: this batch's writes share one durability point, then its replies go out.
          if (this.#deferred.length === 0) break;
          await this.#commit();
          inBatch = 0;
          continue; // more may have arrived meanwhile
        }
        if (this.#socket.writableLength + this.#out.bytes > this.#server.limits.outputPauseBytes) {
          await this.#commit();
          inBatch = 0;
          if (this.#socket.writableNeedDrain) {
            await this.#drained();
            continue;
          }
        }
        const item = this.#queue[this.#head]!;
        this.#queue[this.#head++] = undefined;
        if (item instanceof ProtocolError) {
          await this.#commit();
          this.#server.counters.protocolErrors++;
          replyError(this.#ctx, `ERR Protocol error: ${item.message}`);
          this.#ending = true;
          this.#endAtOnce = true;
          break;
        }
        this.#queuedBytes -= argBytes(item);
        const wasAuthenticated = this.client.authenticated;
        this.#commandMark = this.#out.mark();
        await dispatch(this.#ctx, item);
        if (this.client.authenticated !== wasAuthenticated) this.#parser.limits = this.#parserLimits();
        if (this.client.closeAfterReply) this.#ending = true;
        if (++inBatch >= BATCH_COMMANDS || this.#out.bytes >= BATCH_REPLY_BYTES) {
          await this.#commit();
          inBatch = 0;
        }
      }
    } catch (err) {
      this.#log(`internal error on connection ${this.client.id}: ${err instanceof Error ? err.stack : String(err)}`);
      this.#ending = true;
    }
    await this.#commit();
    this.#queue = this.#queue.slice(this.#head);
    this.#head = 0;
    this.#account();
    this.#running = false;
    if (this.#ending) this.#end();
    else if (this.#paused && !this.#parser.stopped) this.#resume();
  }

  /**
   * The durability point of a batch: waits for the writes of its commands (under sync always,
   * until they are on disk), then sends its replies. If a write failed, the reply of its command
   * becomes the error and the replies after it are dropped: the connection closes, so no client
   * is told a write succeeded that may not have.
   */
  async #commit(): Promise<void> {
    if (this.#deferred.length > 0) {
      const deferred = this.#deferred;
      this.#deferred = [];
      const results = await Promise.allSettled(deferred.map((d) => d.done));
      const failed = results.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) {
        const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
        this.#out.rollback(deferred[failed]!.mark);
        replyError(this.#ctx, isKvsError(reason) ? `ERR ${reason.message}` : `ERR write failed: ${reason instanceof Error ? reason.message : String(reason)}`);
        this.#log(`client ${this.client.id} (${this.client.addr}) closed: a write failed (${reason instanceof Error ? reason.message : String(reason)}); the replies after it were not sent`);
        this.#ending = true;
      }
    }
    this.#flush();
  }

  #flush(): void {
    if (this.#out.bytes === 0) return;
    const parts = this.#out.take();
    if (this.#closed || !this.#socket.writable) return;
    let bytes = 0;
    this.#socket.cork();
    for (const part of parts) {
      bytes += part.length;
      this.#socket.write(part);
    }
    this.#socket.uncork();
    this.#server.counters.netOutputBytes += bytes;
    if (this.#socket.writableLength > this.#server.limits.outputHardLimitBytes) {
      this.#log(`client ${this.client.id} (${this.client.addr}) closed: ${this.#socket.writableLength} bytes of replies unsent, over the hard limit`);
      this.#socket.destroy();
    }
  }

  /**
   * Resolves once the socket has drained (or closed). A client whose unsent replies do not
   * shrink for `outputStallMs` is disconnected: it is not reading.
   */
  #drained(): Promise<void> {
    this.#pause();
    return new Promise((resolve) => {
      let unsent = this.#socket.writableLength;
      const done = (): void => {
        clearInterval(timer);
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      const timer = setInterval(() => {
        const now = this.#socket.writableLength;
        if (now < unsent) {
          unsent = now;
          return;
        }
        this.#log(`client ${this.client.id} (${this.client.addr}) closed: its ${now} bytes of unsent replies did not shrink for ${this.#server.limits.outputStallMs} ms`);
        this.#socket.destroy();
      }, this.#server.limits.outputStallMs);
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
    });
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
  }

  #resume(): void {
    this.#paused = false;
    this.#socket.resume();
  }

  #end(): void {
    if (this.#closed) return;
    this.#flush();
    if (this.#endAtOnce) {
      // As Redis: the error reply is the last thing sent; nothing more is read, the socket closes once it is written.
      this.#socket.end(() => this.#socket.destroy());
      this.#socket.setTimeout(END_GRACE_MS, () => this.#socket.destroy());
      return;
    }
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), END_GRACE_MS).unref();
  }
}
