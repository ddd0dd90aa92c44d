/**
 * The HTTP interface of `kvs server --http`: a JSON/bytes API over KvService, the WebSocket change
 * feed, Prometheus metrics and the dashboard page, on Node's own http module (a handful of fixed
 * routes needs no framework). Single-threaded: handlers interleave only at their awaits.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { MAX_KEY_BYTES } from '../../engine/limits.js';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { KvService } from '../service/kv-service.js';
import { authenticator } from './auth.js';
import { parseQuery } from './bytes-codec.js';
import { HttpError, HttpErrorCodes, sendError, toHttpError } from './errors.js';
import { metricsRoute } from './info-routes.js';
import { ServerMetrics } from './metrics.js';
import { findRoute, fixedRoutes } from './router.js';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_WATCH_BUFFER_BYTES, WatchHub } from './watch.js';

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; the handle says which. */
  port: number;
  /** When set, every route but /healthz requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body (a value, a batch document) in bytes; longer ones get 413. */
  maxBodyBytes: number;
  /** Where the server reports failures it answered with 500 (the caller logs the listening address). */
  log: (line: string) => void;
  /** Bound of each WebSocket watcher's send buffer (default 1 MiB). */
  watchBufferBytes?: number;
  /** Interval of WebSocket pings (default 30 s). */
  heartbeatMs?: number;
}

export interface HttpServerHandle {
  host: string;
  port: number;
  /** Stops accepting, disconnects watchers and clients, and resolves when the server is closed. Idempotent. */
  close(): Promise<void>;
}

/** Room in the request head for the longest key, percent-encoded (3 characters a byte), plus headers. */
const MAX_HEADER_BYTES = 3 * MAX_KEY_BYTES + 16 * 1024;

function splitTarget(url: string | undefined): { path: string; search: string } {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? { path: target, search: '' } : { path: target.slice(0, q), search: target.slice(q + 1) };
}

function positive(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `${name} must be a positive whole number; got ${String(value)}`);
  return value;
}

/** Refuses a WebSocket upgrade with a plain HTTP error response on the raw socket. */
function refuseUpgrade(socket: Duplex, err: HttpError): void {
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  const head = [`HTTP/1.1 ${err.status} ${http.STATUS_CODES[err.status] ?? ''}`, 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  for (const [name, value] of Object.entries(err.headers)) head.push(`${name}: ${value}`);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** Starts serving `service` over HTTP on `options.host:options.port`; resolves once listening. */
export async function startHttpServer(service: KvService, options: HttpServerOptions): Promise<HttpServerHandle> {
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes);
  const metrics = new ServerMetrics(service);
  const routes = fixedRoutes(metricsRoute(metrics));
  const authenticate = authenticator(options.token);
  const hub = new WatchHub(service, {
    bufferBytes: positive('watchBufferBytes', options.watchBufferBytes ?? DEFAULT_WATCH_BUFFER_BYTES),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS),
    onLagged: () => metrics.recordLagged(),
  });
  const record = (command: string, started: bigint, ok: boolean): void =>
    service.recordOp({ via: 'http', command, seconds: Number(process.hrtime.bigint() - started) / 1e9, ok });

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    let command = 'unknown';
    try {
      const { path, search } = splitTarget(req.url);
      const route = findRoute(routes, req.method ?? 'GET', path);
      command = route.command;
      const query = parseQuery(search);
      if (!route.public) authenticate(req.headers, query);
      await route.handler({ req, res, path, query, service, maxBodyBytes });
      record(command, started, true);
    } catch (thrown) {
      const err = toHttpError(thrown);
      // A miss is an answer, not a failure (as a RESP GET of a missing key is nil, not an error).
      record(command, started, err.code === HttpErrorCodes.KEY_NOT_FOUND);
      if (err.status >= 500) options.log(`http: ${req.method} ${req.url}: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`);
      sendError(res, err);
    }
  };

  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => void serve(req, res));
  const upgraded = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    service.recordConnection('http', 1);
    socket.once('close', () => {
      if (!upgraded.has(socket)) service.recordConnection('http', -1);
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // From here the socket is the watcher's: the hub counts it as a ws connection once accepted.
    upgraded.add(socket);
    service.recordConnection('http', -1);
    const started = process.hrtime.bigint();
    try {
      const { path, search } = splitTarget(req.url);
      if (path !== '/v1/watch') throw new HttpError(404, HttpErrorCodes.NOT_FOUND, `no WebSocket endpoint ${path}; watch changes at /v1/watch?prefix=`);
      const query = parseQuery(search);
      authenticate(req.headers, query);
      hub.accept(req, socket, head, query.get('prefix') ?? Buffer.alloc(0));
      record('watch', started, true);
    } catch (thrown) {
      record('watch', started, false);
      refuseUpgrade(socket, toHttpError(thrown));
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Malformed requests and oversized heads: answer like Node would, but never crash the server.
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Address in use, no permission: leave nothing behind (no heartbeat timer, no observer).
    await hub.close();
    metrics.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new KvsError(ErrorCodes.IO_ERROR, `cannot serve HTTP on ${options.host}:${options.port}: ${reason}; choose another --http address`, { cause: err });
  }
  const address = server.address() as AddressInfo;
  const host = address.address;
  const port = address.port;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await hub.close();
        server.closeAllConnections();
        await closed;
        metrics.close();
      })();
      return closing;
    },
  };
}
