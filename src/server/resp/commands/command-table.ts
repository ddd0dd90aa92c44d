/**
 * The shape of a RESP command: name, arity and flags as Redis describes them (they also feed
 * COMMAND), and a handler that writes its reply. Handlers run one at a time per connection, in
 * request order; a handler that throws ReplyError (or KvsError) gets an error reply instead, so a
 * handler must check its arguments before it writes anything.
 */
import type { SyncPolicy } from '../../../engine/types.js';
import type { Defer, KvService } from '../../service/kv-service.js';
import type { Watcher } from '../../service/watches.js';
import type { CommandStats } from '../command-stats.js';
import type { InputBudget } from '../input-budget.js';
import type { RespLimits } from '../limits.js';
import type { ReplyWriter } from '../resp-writer.js';
import type { KvView } from './kv-view.js';
import type { ScanCursors } from '../scan-cursor.js';

/** What a connection knows about its client; CLIENT and INFO read it. */
export interface ClientState {
  readonly id: number;
  readonly addr: string;
  readonly connectedAt: number;
  name: string | undefined;
  libName: string | undefined;
  libVersion: string | undefined;
  authenticated: boolean;
  /** Lowercase name of the last command run. */
  lastCommand: string;
  /** Set by QUIT: send the pending replies, then close. */
  closeAfterReply: boolean;
  /** Between MULTI and EXEC/DISCARD: the commands queued so far. */
  tx: Transaction | undefined;
  /** The keys this client WATCHes, once it has watched any. */
  watcher: Watcher | undefined;
}

/** A transaction being queued (MULTI ... EXEC). */
export interface Transaction {
  readonly queued: [CommandSpec, Buffer[]][];
  /** Bytes of the queued arguments (pending input, for the server's budget). */
  bytes: number;
  /** A command was refused while queuing: EXEC replies EXECABORT. */
  failed: boolean;
}

/** Counters for INFO stats. */
export interface ServerCounters {
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  protocolErrors: number;
}

/** The server as commands see it. */
export interface ServerState {
  readonly service: KvService;
  readonly limits: RespLimits;
  readonly requirepass: string | undefined;
  readonly version: string;
  readonly sync: SyncPolicy;
  readonly startedAt: number;
  /** The server's log (internal errors, disconnected clients). */
  readonly log: (line: string) => void;
  readonly counters: ServerCounters;
  /** INFO commandstats and errorstats, total_error_replies. */
  readonly stats: CommandStats;
  /** Pending input of all connections against the global budget. */
  readonly input: InputBudget;
  readonly commands: CommandTable;
  /** SCAN cursors of long keys (see scan-cursor.ts). */
  readonly cursors: ScanCursors;
  /** The address the server listens on. */
  address(): { host: string; port: number };
  clients(): Iterable<ClientState>;
}

export interface CommandContext {
  readonly server: ServerState;
  readonly client: ClientState;
  readonly out: ReplyWriter;
  /**
   * Where a write command hands the completion of its writes (group commit): the connection
   * sends the command's reply only after it, so handlers reply as soon as their writes are issued.
   */
  readonly defer: Defer;
  /** The store for keyed reads and writes: the service, or a transaction's view inside EXEC. */
  readonly kv: KvView;
}

/** Writes the reply of one command; `args[0]` is the command name as sent. */
export type CommandHandler = (ctx: CommandContext, args: Buffer[]) => void | Promise<void>;

export type CommandFlag = 'write' | 'readonly' | 'fast' | 'noauth' | 'admin' | 'loading' | 'stale' | 'noscript';

export interface CommandSpec {
  /** Lowercase name, as COMMAND reports it. */
  name: string;
  /** Redis's convention: N means exactly N arguments with the name; -N means at least N. */
  arity: number;
  flags: readonly CommandFlag[];
  /** Position of the first key argument (0: none), the last (-1: the last argument), and the step between keys. */
  keys: readonly [first: number, last: number, step: number];
  /** ACL category, as in Redis (`@string`, `@keyspace`, `@connection`, `@server`). */
  category: string;
  summary: string;
  handler: CommandHandler;
}

/** The key arguments of a call of `command`, from its key positions. */
export function commandKeys(command: CommandSpec, args: readonly Buffer[]): Buffer[] {
  const [first, last, step] = command.keys;
  if (first === 0 || step === 0) return [];
  const end = last < 0 ? args.length + last : Math.min(last, args.length - 1);
  const keys: Buffer[] = [];
  for (let i = first; i <= end; i += step) keys.push(args[i]!);
  return keys;
}

/** True iff `argc` arguments (the name included) satisfy `arity`. */
export function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

export class CommandTable {
  readonly #commands = new Map<string, CommandSpec>();

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      if (this.#commands.has(spec.name)) throw new Error(`command ${spec.name} defined twice`);
      this.#commands.set(spec.name, spec);
    }
  }

  /** The command named `name` (any case), or undefined. */
  find(name: string): CommandSpec | undefined {
    return this.#commands.get(name) ?? this.#commands.get(name.toLowerCase());
  }

  all(): CommandSpec[] {
    return [...this.#commands.values()];
  }

  get size(): number {
    return this.#commands.size;
  }
}
