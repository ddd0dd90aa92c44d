/**
 * One client connection: parses its requests, runs its commands one at a time in order, and
 * writes the replies in the same order (pipelining). Concurrency: commands of different
 * connections interleave at their awaits; a connection never runs two commands at once.
 * Backpressure: the socket stops being read while many commands are queued or while more than
 * `outputPauseBytes` of replies are unsent; past `outputHardLimitBytes` (or stalled for
 * `outputStallMs`) the client is disconnected. Its pending input (partial request and queued
 * commands) is reported to the server's global InputBudget, which may evict it.
 */
import type * as net from 'node:net';
import { isKvsError } from '../../engine/errors.js';
import { arityError, unknownCommandError, word } from './commands/args.js';
import { arityOk, type ClientState, type CommandContext, type ServerState } from './commands/command-table.js';
import type { InputHolder } from './input-budget.js';
import { ProtocolError, RespParser, type ParserLimits } from './resp-parser.js';
import { ReplyError, ReplyWriter } from './resp-writer.js';

/** Replies are sent once this many bytes are pending, or when no more commands are queued. */
const FLUSH_BYTES = 64 * 1024;
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
    };
    this.#parser = new RespParser(this.#parserLimits());
    this.#ctx = { server, client: this.client, out: this.#out };
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
    return this.#server.input.update(this, this.#parser.bufferedBytes + this.#queuedBytes);
  }

  #parserLimits(): ParserLimits {
    const l = this.#server.limits;
    return this.client.authenticated
      ? { maxBulkBytes: l.maxBulkBytes, maxInlineBytes: l.maxInlineBytes, maxArgs: l.maxArgs, maxRequestBytes: l.maxRequestBytes }
      : { maxBulkBytes: l.unauthenticatedMaxBulkBytes, maxInlineBytes: l.maxInlineBytes, maxArgs: l.unauthenticatedMaxArgs, maxRequestBytes: l.unauthenticatedMaxBulkBytes * l.unauthenticatedMaxArgs };
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
    let sinceFlush = 0;
    try {
      while (!this.#closed && !this.#ending) {
        if (this.#head === this.#queue.length) {
          if (!this.#parser.stopped) break;
          this.#parse(() => this.#parser.resume(this.#emit)); // the previous command may have authenticated
          if (this.#head === this.#queue.length) break;
        }
        if (this.#socket.writableLength + this.#out.bytes > this.#server.limits.outputPauseBytes) {
          this.#flush();
          if (this.#socket.writableNeedDrain) {
            await this.#drained();
            continue;
          }
        }
        const item = this.#queue[this.#head]!;
        this.#queue[this.#head++] = undefined;
        if (!(item instanceof ProtocolError)) this.#queuedBytes -= argBytes(item);
        if (item instanceof ProtocolError) {
          this.#server.counters.protocolErrors++;
          this.#out.error(`ERR Protocol error: ${item.message}`);
          this.#ending = true;
          break;
        }
        const wasAuthenticated = this.client.authenticated;
        await this.#execute(item);
        if (this.client.authenticated !== wasAuthenticated) this.#parser.limits = this.#parserLimits();
        if (this.client.closeAfterReply) this.#ending = true;
        if (++sinceFlush >= 64 || this.#out.bytes >= FLUSH_BYTES) {
          this.#flush();
          sinceFlush = 0;
        }
      }
    } catch (err) {
      this.#log(`internal error on connection ${this.client.id}: ${err instanceof Error ? err.stack : String(err)}`);
      this.#ending = true;
    }
    this.#queue = this.#queue.slice(this.#head);
    this.#head = 0;
    this.#account();
    this.#flush();
    this.#running = false;
    if (this.#ending) this.#end();
    else if (this.#paused && !this.#parser.stopped) this.#resume();
  }

  async #execute(args: Buffer[]): Promise<void> {
    const server = this.#server;
    const out = this.#out;
    const name = word(args[0]!);
    const command = server.commands.find(name);
    server.counters.commandsProcessed++;
    this.client.lastCommand = name.slice(0, 64);
    if (command === undefined) return out.error(unknownCommandError(args[0]!, args.slice(1)).message);
    if (!this.client.authenticated && !command.flags.includes('noauth')) return out.error('NOAUTH Authentication required.');
    if (!arityOk(command.arity, args.length)) return out.error(arityError(command.name).message);
    const started = performance.now();
    const mark = out.mark();
    let ok = true;
    try {
      const pending = command.handler(this.#ctx, args);
      if (pending !== undefined) await pending;
    } catch (err) {
      ok = false;
      out.rollback(mark);
      out.error(this.#errorReply(err, command.name));
    }
    server.service.recordOp({ via: 'resp', command: command.name, seconds: (performance.now() - started) / 1000, ok });
  }

  #errorReply(err: unknown, command: string): string {
    if (err instanceof ReplyError) return err.message;
    if (isKvsError(err)) return `ERR ${err.message}`;
    this.#log(`internal error in ${command.toUpperCase()}: ${err instanceof Error ? err.stack : String(err)}`);
    return `ERR internal error in ${command.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`;
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
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), END_GRACE_MS).unref();
  }
}
