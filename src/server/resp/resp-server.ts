/**
 * The RESP server: accepts TCP clients, enforces the client limit, and runs one
 * RespConnection per client over a shared KvService. `close()` stops accepting, lets each
 * connection finish its running command, and waits for them (destroying stragglers after a
 * grace period); it does not close the engine, which its owner does.
 */
import * as net from 'node:net';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { SyncPolicy } from '../../engine/types.js';
import type { KvService } from '../service/kv-service.js';
import type { ClientState, ServerCounters, ServerState } from './commands/command-table.js';
import { buildCommandTable } from './commands/index.js';
import { CommandStats } from './command-stats.js';
import { RespConnection } from './connection.js';
import { InputBudget } from './input-budget.js';
import { resolveLimits, type RespLimits } from './limits.js';
import { formatAddress, type ListenAddress } from './listen-address.js';
import { ScanCursors } from './scan-cursor.js';

export interface RespServerOptions {
  host: string;
  /** 0 picks a free port; `address()` tells which. */
  port: number;
  /** Clients must AUTH with this password before anything but AUTH, HELLO and QUIT. */
  requirepass?: string | undefined;
  limits?: Partial<RespLimits>;
  /** kvs version, for INFO. */
  version: string;
  /** The store's sync policy, for INFO and CONFIG GET. */
  sync: SyncPolicy;
  log?: (line: string) => void;
}

/** Time connections get to finish their running command at shutdown before they are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

export class RespServer {
  readonly #server: net.Server;
  readonly #state: ServerState;
  readonly #connections = new Set<RespConnection>();
  readonly #log: (line: string) => void;
  #nextId = 1;
  #closing: Promise<void> | undefined;

  private constructor(service: KvService, options: RespServerOptions, server: net.Server) {
    this.#server = server;
    this.#log = options.log ?? (() => {});
    const counters: ServerCounters = { connectionsReceived: 0, rejectedConnections: 0, commandsProcessed: 0, netInputBytes: 0, netOutputBytes: 0, protocolErrors: 0 };
    const connections = this.#connections;
    const limits = resolveLimits(options.limits);
    this.#state = {
      service,
      limits,
      input: new InputBudget(limits.maxPendingInputBytes),
      requirepass: options.requirepass,
      version: options.version,
      sync: options.sync,
      startedAt: Date.now(),
      log: this.#log,
      counters,
      stats: new CommandStats(),
      commands: buildCommandTable(),
      cursors: new ScanCursors(),
      address: () => this.address(),
      *clients(): Iterable<ClientState> {
        for (const connection of connections) yield connection.client;
      },
    };
    server.on('connection', (socket) => this.#accept(socket));
    server.on('error', (err) => this.#log(`server error: ${err.message}`)); // after listen: EMFILE and the like; keep serving
  }

  /** Listens on host:port; rejects with IO_ERROR (address in use, not available, ...) naming the address. */
  static async start(service: KvService, options: RespServerOptions): Promise<RespServer> {
    const server = net.createServer({ noDelay: true });
    await listenOn(server, options);
    return new RespServer(service, options, server);
  }

  /**
   * Fails as `start` would (IO_ERROR naming the address) iff host:port cannot be listened on now;
   * otherwise releases it at once. Lets `kvs server` refuse a bad address before it creates a store.
   */
  static async checkAddress(options: { host: string; port: number }): Promise<void> {
    const server = net.createServer();
    await listenOn(server, options);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The address the server listens on (the real port when it was started with 0). */
  address(): ListenAddress {
    const address = this.#server.address() as net.AddressInfo | null;
    return { host: address?.address ?? '', port: address?.port ?? 0 };
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Bytes of pending input all connections hold now, as the global budget accounts them. */
  get pendingInputBytes(): number {
    return this.#state.input.total;
  }

  /** Connections disconnected for the pending-input budget since start. */
  get inputEvictions(): number {
    return this.#state.input.evictions;
  }

  #accept(socket: net.Socket): void {
    const { counters, limits, service } = this.#state;
    counters.connectionsReceived++;
    if (this.#closing !== undefined || this.#connections.size >= limits.maxClients) {
      counters.rejectedConnections++;
      socket.on('error', () => {});
      socket.end(this.#closing !== undefined ? '-ERR server is shutting down\r\n' : '-ERR max number of clients reached\r\n');
      return;
    }
    const connection = new RespConnection(socket, this.#state, this.#nextId++, this.#log);
    this.#connections.add(connection);
    service.recordConnection('resp', 1);
    void connection.closed.then(() => {
      this.#connections.delete(connection);
      service.recordConnection('resp', -1);
    });
  }

  /** Stops accepting, ends every connection after its running command, and resolves when all are gone. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const listening = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      const connections = [...this.#connections];
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)));
      await Promise.race([Promise.all(connections.map((c) => c.stop())), grace]);
      clearTimeout(timer);
      for (const connection of this.#connections) connection.destroy();
      await listening;
    })();
    return this.#closing;
  }
}

async function listenOn(server: net.Server, options: { host: string; port: number }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const where = formatAddress({ host: options.host, port: options.port });
      const why = err.code === 'EADDRINUSE' ? 'the address is already in use (is another server running? pick another port)' : err.code === 'EADDRNOTAVAIL' ? 'no network interface has that address' : err.message;
      reject(new KvsError(ErrorCodes.IO_ERROR, `cannot listen on ${where}: ${why}`, { cause: err, details: { code: err.code } }));
    };
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
