/** `kvs server`: serves one store over RESP (and optionally HTTP) until SIGINT or SIGTERM. */
import { Flags } from '@oclif/core';
import { DEFAULT_LIMITS } from '../../server/resp/limits.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../server/resp/listen-address.js';
import { serve } from '../../server/serve.js';
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
    await serve({
      dir: flags.dir,
      engine: flags.engine,
      url: flags.url,
      sync: flags.sync,
      addr: flags.addr,
      http: flags.http,
      httpToken: flags['http-token'],
      httpMaxBody: flags['http-max-body'],
      requirepass: flags.requirepass,
      limits: { maxClients: flags.maxclients, maxPendingInputBytes: flags['max-pending-input'] },
      version: this.config.version,
      log,
    });
  }
}
