/** `kvs server`: serves one store over RESP (and optionally HTTP) until SIGINT or SIGTERM. */
import { Flags } from '@oclif/core';
import * as path from 'node:path';
import { ErrorCodes, KvsError, openStore, type OpenOptions } from '../../index.js';
import { RespServer } from '../../server/resp/resp-server.js';
import { DEFAULT_LIMITS } from '../../server/resp/limits.js';
import { DEFAULT_HOST, DEFAULT_PORT, formatAddress, parseListenAddress } from '../../server/resp/listen-address.js';
import { describeServer, removeServerFile, writeServerFile, type ServerRecord } from '../../server/server-file.js';
import { KvService } from '../../server/service/kv-service.js';
import { BaseCommand } from '../base-command.js';
import { storeFlags, syncFlag } from '../flags.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

export default class Server extends BaseCommand {
  static override summary = 'Serve a store over the Redis protocol (RESP2), so redis-cli and Redis clients can use it.';
  static override description = `Opens one store (like the other commands, from --dir and --engine) and serves it until SIGINT or SIGTERM, then finishes running commands, closes the store (which makes every write durable) and exits 0. Logs its version, engine, directory and address to stderr. Binds 127.0.0.1 unless told otherwise; --addr 127.0.0.1:0 picks a free port (the log shows which). With --requirepass clients must AUTH first. Commands, limits and the KVS.* namespace: docs/protocol.md. While it runs, local commands on the same directory fail and point to --addr.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dir ./data',
    { description: 'Then, from another terminal:', command: 'redis-cli -p 6380 SET greeting hello' },
    { description: 'A free port, a password from the environment, and the HTTP API.', command: 'KVS_REQUIREPASS=s3cret <%= config.bin %> <%= command.id %> --addr 127.0.0.1:0 --http 127.0.0.1:8080' },
  ];
  static override flags = {
    engine: storeFlags.engine,
    dir: storeFlags.dir,
    url: storeFlags.url,
    addr: Flags.string({
      default: `${DEFAULT_HOST}:${DEFAULT_PORT}`,
      helpValue: '<host:port>',
      summary: 'Address to listen on for RESP clients; port 0 picks a free port. Use 0.0.0.0:PORT to accept other machines (set --requirepass then).',
    }),
    requirepass: Flags.string({
      env: 'KVS_REQUIREPASS',
      helpValue: '<secret>',
      summary: 'Password clients must send with AUTH (or HELLO 2 AUTH default <secret>) before other commands. Prefer the environment variable: a command line is visible to other users.',
    }),
    sync: syncFlag,
    maxclients: Flags.integer({ min: 1, default: DEFAULT_LIMITS.maxClients, helpValue: '<n>', summary: 'Most clients connected at once; the next one gets "-ERR max number of clients reached".' }),
    'max-pending-input': Flags.integer({
      min: 1,
      default: DEFAULT_LIMITS.maxPendingInputBytes,
      helpValue: '<bytes>',
      summary: 'Most bytes of unfinished requests and unrun commands all clients together may make the server hold (default 512 MiB); past it the clients holding the most are disconnected.',
    }),
    http: Flags.string({ helpValue: '<host:port>', summary: 'Also serve the HTTP API on this address (see docs/http.md).' }),
    'http-token': Flags.string({ env: 'KVS_HTTP_TOKEN', helpValue: '<token>', summary: 'Bearer token the HTTP API requires.' }),
    'http-max-body': Flags.integer({ min: 1, default: 64 * 1024 * 1024 + 1024 * 1024, helpValue: '<bytes>', summary: 'Largest HTTP request body accepted.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Server);
    const listen = parseListenAddress(flags.addr);
    const http = flags.http === undefined ? undefined : parseListenAddress(flags.http, '--http');
    const options: OpenOptions = { dir: flags.dir, onWarning: (message) => log(`warning: ${message}`) };
    if (flags.engine !== undefined && flags.engine !== '') options.engine = flags.engine;
    if (flags.sync !== undefined) options.sync = flags.sync;
    if (flags.url !== undefined && flags.url !== '') options.url = flags.url;
    const served = describeServer(path.resolve(flags.dir));
    if (served !== undefined) throw new KvsError(ErrorCodes.LOCKED, `${path.resolve(flags.dir)} is already served; ${served}`);
    // A bad address or a port in use is refused before the store is opened, so a failed start creates nothing.
    await RespServer.checkAddress(listen);
    if (http !== undefined) await RespServer.checkAddress(http);
    const store = await openStore(options);
    const dir = store.supports.directory ? path.resolve(flags.dir) : '';
    const version = this.config.version;
    const service = new KvService(store, { engine: store.name, dir, version });
    const sync = store.syncPolicy;
    let resp: RespServer | undefined;
    let httpServer: { host: string; port: number; close(): Promise<void> } | undefined;
    try {
      resp = await RespServer.start(service, { ...listen, requirepass: flags.requirepass, version, sync, limits: { maxClients: flags.maxclients, maxPendingInputBytes: flags['max-pending-input'] }, log });
      if (http !== undefined) {
        const { startHttpServer } = await import('../../server/http/index.js'); // only when asked: the HTTP stack is not small
        const httpOptions: Parameters<typeof startHttpServer>[1] = { ...http, maxBodyBytes: flags['http-max-body'], log };
        if (flags['http-token'] !== undefined && flags['http-token'] !== '') httpOptions.token = flags['http-token'];
        httpServer = await startHttpServer(service, httpOptions);
      }
    } catch (err) {
      await resp?.close();
      await store.close();
      throw err;
    }
    const addr = formatAddress(resp.address());
    if (dir !== '') {
      const record: ServerRecord = { pid: process.pid, addr, started: new Date().toISOString() };
      if (httpServer !== undefined) record.http = formatAddress(httpServer);
      writeServerFile(dir, record);
    }
    log(`kvs ${version} server: ${store.name} store${dir === '' ? '' : ` in ${dir}`}, sync ${sync}${flags.requirepass === undefined ? '' : ', password required'}`);
    if (httpServer !== undefined) log(`kvs server HTTP listening on ${formatAddress(httpServer)}`);
    log(`kvs server listening on ${addr}`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    // A second signal means "now": leave without waiting for clients (the engine recovers at the next open).
    const force = (): never => {
      log('kvs server: second signal, exiting without a clean shutdown');
      process.exit(130);
    };
    process.once('SIGINT', force);
    process.once('SIGTERM', force);
    log(`kvs server: ${signal}, shutting down`);
    await resp.close();
    await httpServer?.close();
    await store.close();
    if (dir !== '') removeServerFile(dir);
    // close() makes every written record durable on local engines; a remote engine's durability is its server's.
    log(store.supports.directory ? 'kvs server: stopped; every acknowledged write is on disk' : 'kvs server: stopped');
  }
}
