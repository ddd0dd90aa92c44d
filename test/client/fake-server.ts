/**
 * Test helper: a small RESP server on 127.0.0.1 (ephemeral port) that keeps keys in a Map and
 * answers GET/SET/DEL/AUTH/PING/QUIT/KVS.COUNT/KVS.RANGE, with knobs to misbehave (a smaller
 * page cap, silence, a custom reply). Requests are parsed with the client's reply parser: a
 * request is an array of bulk strings, the same grammar.
 */
import * as net from 'node:net';
import { ReplyParser, type Reply } from '../../src/client/resp-reply-parser.js';

export interface FakeServerOptions {
  password?: string;
  /** Most entries one KVS.RANGE call returns (the real server caps at 1000). */
  pageCap?: number;
  /** Return raw bytes for a command instead of the normal reply (or 'silence' for none). */
  override?: (args: string[]) => Buffer | 'silence' | undefined;
}

export interface FakeServer {
  port: number;
  addr: string;
  data: Map<string, Buffer>;
  /** Every command received, as its arguments (UTF-8). */
  log: string[][];
  /** Drops every open connection (the server keeps listening). */
  dropConnections(): void;
  close(): Promise<void>;
}

const bulk = (v: Buffer | string): Buffer => {
  const bytes = Buffer.isBuffer(v) ? v : Buffer.from(v);
  return Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]);
};
const array = (items: Buffer[]): Buffer => Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items.map(bulk)]);

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const data = new Map<string, Buffer>();
  const log: string[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const parser = new ReplyParser();
    let authed = options.password === undefined;
    socket.on('data', (chunk) => {
      for (const request of parser.feed(chunk)) {
        const raw = request as Buffer[];
        const args = raw.map((a) => a.toString('utf8'));
        log.push(args);
        const override = options.override?.(args);
        if (override === 'silence') continue;
        if (override !== undefined) {
          socket.write(override);
          continue;
        }
        const name = args[0]!.toUpperCase();
        if (name === 'AUTH') {
          if (options.password === undefined) socket.write('-ERR AUTH <password> called without any password configured for the default user.\r\n');
          else if (args[1] === options.password) {
            authed = true;
            socket.write('+OK\r\n');
          } else socket.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
          continue;
        }
        if (!authed) {
          socket.write('-NOAUTH Authentication required.\r\n');
          continue;
        }
        socket.write(answer(name, raw, args));
        if (name === 'QUIT') socket.end();
      }
    });
  });

  function answer(name: string, raw: Buffer[], args: string[]): Buffer | string {
    switch (name) {
      case 'PING':
        return '+PONG\r\n';
      case 'QUIT':
        return '+OK\r\n';
      case 'GET': {
        const v = data.get(args[1]!);
        return v === undefined ? '$-1\r\n' : bulk(v);
      }
      case 'SET':
        data.set(args[1]!, raw[2]!);
        return '+OK\r\n';
      case 'DEL':
        return `:${data.delete(args[1]!) ? 1 : 0}\r\n`;
      case 'KVS.COUNT':
        return `:${data.size}\r\n`;
      case 'KVS.RANGE':
        return range(args);
      default:
        return `-ERR unknown command '${args[0]}', with args beginning with: \r\n`;
    }
  }

  function range(args: string[]): Buffer {
    let keys = [...data.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    let limit = Infinity;
    let reverse = false;
    let withValues = false;
    for (let i = 1; i < args.length; i++) {
      const word = args[i]!.toUpperCase();
      const v = args[i + 1]!;
      const cmp = (k: string): number => Buffer.compare(Buffer.from(k), Buffer.from(v));
      if (word === 'PREFIX') keys = keys.filter((k) => k.startsWith(v));
      else if (word === 'GTE') keys = keys.filter((k) => cmp(k) >= 0);
      else if (word === 'GT') keys = keys.filter((k) => cmp(k) > 0);
      else if (word === 'LTE') keys = keys.filter((k) => cmp(k) <= 0);
      else if (word === 'LT') keys = keys.filter((k) => cmp(k) < 0);
      else if (word === 'LIMIT') limit = Number(v);
      if (['PREFIX', 'GTE', 'GT', 'LTE', 'LT', 'LIMIT'].includes(word)) i++;
      if (word === 'REVERSE') reverse = true;
      if (word === 'WITHVALUES') withValues = true;
    }
    if (reverse) keys.reverse();
    keys = keys.slice(0, Math.min(limit, options.pageCap ?? 1000));
    return array(keys.flatMap((k) => (withValues ? [Buffer.from(k), data.get(k)!] : [Buffer.from(k)])));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    addr: `127.0.0.1:${port}`,
    data,
    log,
    dropConnections: () => sockets.forEach((s) => s.destroy()),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An address on 127.0.0.1 where nothing listens (a port bound and released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type { Reply };
