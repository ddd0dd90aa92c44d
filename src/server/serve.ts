/**
 * The lifecycle of `kvs server`: check the addresses, open the store, serve RESP (and HTTP when
 * asked), record the SERVER file, and on SIGINT/SIGTERM shut down cleanly (a second signal exits
 * at once). `startServer` does everything but wait for the signal, for callers that stop it
 * themselves; `serve` is what the CLI command calls.
 */
import * as path from 'node:path';
import { ErrorCodes, KvsError, openStore, type OpenOptions, type SyncPolicy } from '../index.js';
import type { RespLimits } from './resp/limits.js';
import { formatAddress, parseListenAddress } from './resp/listen-address.js';
import { RespServer } from './resp/resp-server.js';
import { describeServer, removeServerFile, writeServerFile, type ServerRecord } from './server-file.js';
import { KvService } from './service/kv-service.js';

export interface ServeOptions {
  dir: string;
  engine?: string | undefined;
  url?: string | undefined;
  sync?: SyncPolicy | undefined;
  /** RESP address, `host:port` (port 0: a free one). */
  addr: string;
  /** Also serve the HTTP API on this `host:port`. */
  http?: string | undefined;
  httpToken?: string | undefined;
  httpMaxBody: number;
  requirepass?: string | undefined;
  limits?: Partial<RespLimits>;
  /** kvs version, for the log and INFO. */
  version: string;
  log: (line: string) => void;
}

export interface RunningServer {
  /** The RESP address, `host:port` with the real port. */
  readonly addr: string;
  readonly http: string | undefined;
  /** Stops accepting, lets running commands finish, closes HTTP and the store, removes the SERVER file. Idempotent. */
  stop(): Promise<void>;
}

/** Starts serving; nothing is created if an address is bad or in use (they are checked before the store is opened). */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { log, version } = options;
  const listen = parseListenAddress(options.addr);
  const http = options.http === undefined ? undefined : parseListenAddress(options.http, '--http');
  const open: OpenOptions = { dir: options.dir, onWarning: (message) => log(`warning: ${message}`) };
  if (options.engine !== undefined && options.engine !== '') open.engine = options.engine;
  if (options.sync !== undefined) open.sync = options.sync;
  if (options.url !== undefined && options.url !== '') open.url = options.url;
  const served = describeServer(path.resolve(options.dir));
  if (served !== undefined) throw new KvsError(ErrorCodes.LOCKED, `${path.resolve(options.dir)} is already served; ${served}`);
  await RespServer.checkAddress(listen);
  if (http !== undefined) await RespServer.checkAddress(http);
  const store = await openStore(open);
  const dir = store.supports.directory ? path.resolve(options.dir) : '';
  const service = new KvService(store, { engine: store.name, dir, version });
  const sync = store.syncPolicy;
  let resp: RespServer | undefined;
  let httpServer: { host: string; port: number; close(): Promise<void> } | undefined;
  try {
    resp = await RespServer.start(service, { ...listen, requirepass: options.requirepass, version, sync, limits: options.limits ?? {}, log });
    if (http !== undefined) {
      const { startHttpServer } = await import('./http/index.js'); // only when asked: the HTTP stack is not small
      const httpOptions: Parameters<typeof startHttpServer>[1] = { ...http, maxBodyBytes: options.httpMaxBody, log };
      if (options.httpToken !== undefined && options.httpToken !== '') httpOptions.token = options.httpToken;
      httpServer = await startHttpServer(service, httpOptions);
    }
  } catch (err) {
    await resp?.close();
    await store.close();
    throw err;
  }
  const addr = formatAddress(resp.address());
  const httpAddr = httpServer === undefined ? undefined : formatAddress(httpServer);
  if (dir !== '') {
    const record: ServerRecord = { pid: process.pid, addr, started: new Date().toISOString() };
    if (httpAddr !== undefined) record.http = httpAddr;
    writeServerFile(dir, record);
  }
  log(`kvs ${version} server: ${store.name} store${dir === '' ? '' : ` in ${dir}`}, sync ${sync}${options.requirepass === undefined ? '' : ', password required'}`);
  if (httpAddr !== undefined) log(`kvs server HTTP listening on ${httpAddr}`);
  log(`kvs server listening on ${addr}`);
  const running = resp;
  let stopping: Promise<void> | undefined;
  return {
    addr,
    http: httpAddr,
    stop: () =>
      (stopping ??= (async () => {
        await running.close();
        await httpServer?.close();
        await store.close();
        if (dir !== '') removeServerFile(dir);
        // close() makes every written record durable on local engines; a remote engine's durability is its server's.
        log(store.supports.directory ? 'kvs server: stopped; every acknowledged write is on disk' : 'kvs server: stopped');
      })()),
  };
}

/** Serves until SIGINT or SIGTERM, then shuts down cleanly; a second signal exits at once (130). */
export async function serve(options: ServeOptions): Promise<void> {
  const server = await startServer(options);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // A second signal means "now": leave without waiting for clients (the engine recovers at the next open).
  const force = (): never => {
    options.log('kvs server: second signal, exiting without a clean shutdown');
    process.exit(130);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  options.log(`kvs server: ${signal}, shutting down`);
  await server.stop();
}
