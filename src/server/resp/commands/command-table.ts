/**
 * The shape of a RESP command: name, arity and flags as Redis describes them (they also feed
 * COMMAND), and a handler that writes its reply. Handlers run one at a time per connection, in
 * request order; a handler that throws ReplyError (or KvsError) gets an error reply instead, so a
 * handler must check its arguments before it writes anything.
 */
import type { SyncPolicy } from '../../../engine/types.js';
import type { KvService } from '../../service/kv-service.js';
import type { InputBudget } from '../input-budget.js';
import type { RespLimits } from '../limits.js';
import type { ReplyWriter } from '../resp-writer.js';
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
  readonly counters: ServerCounters;
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
