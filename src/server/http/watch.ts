/**
 * The live change feed over WebSocket (GET /v1/watch?prefix=). Each watcher receives every change
 * whose key starts with its prefix, as JSON text messages. A watcher never slows writers: messages
 * go to its socket's send buffer, and once that buffer holds more than the bound the watcher gets
 * a final {"type":"lagged"} message and is disconnected. Heartbeats (ping frames) find dead peers.
 * Concurrency: feed listeners run synchronously inside the write that published the change.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChangeEvent } from '../service/change-feed.js';
import type { KvService } from '../service/kv-service.js';
import { toJsonText } from './bytes-codec.js';

/** Close code sent to a watcher that fell behind (application range 4000-4999). */
export const LAGGED_CLOSE_CODE = 4001;
/** Default bound of a watcher's send buffer. */
export const DEFAULT_WATCH_BUFFER_BYTES = 1024 * 1024;
/** Default interval between pings; a peer that has not answered the previous ping by the next one is dropped. */
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** How long a lagged watcher gets to complete the close handshake before its socket is dropped. */
const CLOSE_GRACE_MS = 5000;

export interface WatchOptions {
  bufferBytes: number;
  heartbeatMs: number;
  /** Called once for each watcher dropped for lagging (the metrics count them). */
  onLagged: () => void;
}

interface Watcher {
  alive: boolean;
}

/** The message a change becomes. */
export function changeMessage(event: ChangeEvent): string {
  const key = toJsonText(event.key);
  return JSON.stringify({
    type: 'change',
    seq: event.seq,
    op: event.op,
    key: key.text,
    keyEncoding: key.encoding,
    valueSize: event.valueSize,
    time: event.time,
    via: event.via,
  });
}

export class WatchHub {
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096, clientTracking: true });
  readonly #service: KvService;
  readonly #options: WatchOptions;
  readonly #watchers = new Map<WebSocket, Watcher>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(service: KvService, options: WatchOptions) {
    this.#service = service;
    this.#options = options;
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Completes the WebSocket handshake of `req` and starts streaming changes under `prefix` to it. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, prefix: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#watch(ws, prefix));
  }

  #watch(ws: WebSocket, prefix: Buffer): void {
    const service = this.#service;
    const watcher: Watcher = { alive: true };
    this.#watchers.set(ws, watcher);
    service.recordConnection('ws', 1);
    const p = toJsonText(prefix);
    ws.send(JSON.stringify({ type: 'hello', seq: service.changes.lastSeq, prefix: p.text, prefixEncoding: p.encoding, bufferBytes: this.#options.bufferBytes }));

    const unsubscribe = service.changes.subscribe((event) => {
      if (prefix.length > 0 && !(event.key.length >= prefix.length && event.key.subarray(0, prefix.length).equals(prefix))) return;
      const message = changeMessage(event);
      if (ws.bufferedAmount + message.length > this.#options.bufferBytes) {
        lagged(event.seq);
        return;
      }
      ws.send(message);
    });

    const lagged = (seq: number): void => {
      unsubscribe();
      this.#options.onLagged();
      ws.send(JSON.stringify({ type: 'lagged', seq, message: `fell more than ${this.#options.bufferBytes} bytes behind the change feed at change ${seq}; reconnect and re-read what you need` }));
      ws.close(LAGGED_CLOSE_CODE, 'lagged');
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    };

    ws.on('pong', () => (watcher.alive = true));
    ws.on('message', () => {}); // watchers only listen; anything they send is ignored
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      unsubscribe();
      this.#watchers.delete(ws);
      service.recordConnection('ws', -1);
    });
  }

  #beat(): void {
    for (const [ws, watcher] of this.#watchers) {
      if (!watcher.alive) {
        ws.terminate();
        continue;
      }
      watcher.alive = false;
      ws.ping();
    }
  }

  /** Number of watchers connected now. */
  get size(): number {
    return this.#watchers.size;
  }

  /** Closes every watcher (1001 going away) and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    const closed = [...this.#watchers.keys()].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1001, 'server shutting down');
          setTimeout(() => ws.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
