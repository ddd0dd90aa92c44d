/**
 * Test helper: a real HTTP server (startHttpServer) on 127.0.0.1, port 0, over a store (Bitcask unless told) in
 * a temp directory wrapped in a KvService, in this process; plus small helpers for raw requests
 * and for reading the store behind the server's back.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { openStore, type KvsEngine, type SyncPolicy } from '../../../src/index.js';
import { KvService } from '../../../src/server/service/kv-service.js';
import { startHttpServer, type HttpServerHandle, type HttpServerOptions } from '../../../src/server/http/index.js';
import { tempStoreDir } from '../../support/temp-store-dir.js';

export interface TestServer {
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  service: KvService;
  engine: KvsEngine;
  dir: string;
  http: HttpServerHandle;
  logs: string[];
  /** Closes the server and the store and removes the directory. */
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<HttpServerOptions, 'host' | 'port' | 'log'>> {
  sync?: SyncPolicy;
  /** Default bitcask. */
  engine?: string;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = tempStoreDir('http');
  const { sync, engine: engineName = 'bitcask', ...rest } = options;
  const engine = await openStore({ engine: engineName, dir, sync: sync ?? 'never' });
  const service = new KvService(engine, { engine: engineName, dir, version: 'test' });
  const logs: string[] = [];
  const http = await startHttpServer(service, { host: '127.0.0.1', port: 0, maxBodyBytes: 1024 * 1024, log: (line) => logs.push(line), ...rest });
  return {
    base: `http://127.0.0.1:${http.port}`,
    port: http.port,
    service,
    engine,
    dir,
    http,
    logs,
    async close() {
      await http.close();
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every entry of the store, keys and values as latin1 strings (binary-exact). */
export async function contents(engine: KvsEngine): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const [k, v] of engine.scan()) out.set(k.toString('latin1'), v.toString('latin1'));
  return out;
}

/** `bytes` percent-encoded, every byte escaped (so the server must decode each one). */
export function escapeAll(bytes: Buffer): string {
  return [...bytes].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join('');
}

/**
 * Sends `head` (and then `body`, if given) on a raw TCP connection and resolves with everything
 * the server sent back once it closes the connection or `untilText` appears.
 */
export function rawRequest(port: number, head: string, body?: Buffer, untilText?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (untilText !== undefined && received.includes(untilText)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', (err) => (received === '' ? reject(err) : resolve(received)));
    socket.on('close', () => resolve(received));
    socket.write(head);
    if (body !== undefined) socket.write(body);
  });
}

/** Parses Prometheus text into `name{labels}` -> value (labels as written by prom-client). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

export async function scrape(base: string, token?: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseMetrics(await res.text());
}

/** Resolves once `check()` is true, polling; rejects after `ms` (the condition never came). */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The `error.code` of a JSON error response. */
export async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}
