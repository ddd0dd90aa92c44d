/**
 * Server commands: INFO (server, clients, persistence, stats, keyspace), COMMAND (enough for
 * redis-cli: the table, COUNT, INFO, DOCS, LIST), CONFIG GET (enough for redis-benchmark) and
 * CONFIG RESETSTAT, TIME.
 */
import * as os from 'node:os';
import { globMatch } from '../glob.js';
import { ReplyError } from '../resp-writer.js';
import { arityError, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec, ServerState } from './command-table.js';
import { REDIS_COMPAT_VERSION } from './connection-commands.js';

function spec(name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys: [0, 0, 0], category: '@server', summary, handler };
}

const SECTIONS = ['server', 'clients', 'persistence', 'stats', 'keyspace'] as const;

async function infoSection(server: ServerState, name: (typeof SECTIONS)[number]): Promise<Record<string, string | number>> {
  const { service, counters } = server;
  switch (name) {
    case 'server':
      return {
        redis_version: REDIS_COMPAT_VERSION,
        redis_mode: 'standalone',
        kvs_version: server.version,
        kvs_engine: service.info.engine,
        kvs_dir: service.info.dir,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        arch_bits: 64,
        process_id: process.pid,
        tcp_port: server.address().port,
        uptime_in_seconds: Math.floor((Date.now() - server.startedAt) / 1000),
        executable: process.argv[1] ?? '',
      };
    case 'clients':
      return { connected_clients: service.connections().resp, maxclients: server.limits.maxClients };
    case 'persistence':
      return { loading: 0, kvs_sync: server.sync, aof_enabled: 0, rdb_changes_since_last_save: 0 };
    case 'stats':
      return {
        total_connections_received: counters.connectionsReceived,
        total_commands_processed: counters.commandsProcessed,
        rejected_connections: counters.rejectedConnections,
        total_net_input_bytes: counters.netInputBytes,
        total_net_output_bytes: counters.netOutputBytes,
        total_error_replies: 0,
        evicted_clients: server.input.evictions,
        kvs_protocol_errors: counters.protocolErrors,
        kvs_changes_published: service.changes.lastSeq,
      };
    case 'keyspace': {
      const keys = await service.count();
      return keys === 0 ? {} : { db0: `keys=${keys},expires=0,avg_ttl=0` };
    }
  }
}

async function info(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const asked = args.slice(1).map(word);
  const all = asked.length === 0 || asked.some((s) => s === 'all' || s === 'default' || s === 'everything');
  const chosen = SECTIONS.filter((s) => all || asked.includes(s));
  const blocks: string[] = [];
  for (const section of chosen) {
    const fields = await infoSection(ctx.server, section);
    const title = section[0]!.toUpperCase() + section.slice(1);
    blocks.push(`# ${title}\r\n${Object.entries(fields).map(([k, v]) => `${k}:${v}\r\n`).join('')}`);
  }
  ctx.out.bulk(blocks.join('\r\n'));
}

/** One COMMAND entry, in Redis 7's 10-element shape. */
function commandInfo(ctx: CommandContext, command: CommandSpec): void {
  const out = ctx.out;
  out.array(10);
  out.bulk(command.name);
  out.integer(command.arity);
  out.array(command.flags.length);
  for (const flag of command.flags) out.simple(flag);
  out.integer(command.keys[0]);
  out.integer(command.keys[1]);
  out.integer(command.keys[2]);
  out.array(1);
  out.simple(command.category);
  out.array(0); // tips
  out.array(0); // key specifications
  out.array(0); // subcommands
}

function command(ctx: CommandContext, args: Buffer[]): void {
  const table = ctx.server.commands;
  const out = ctx.out;
  if (args.length === 1) {
    const all = table.all();
    out.array(all.length);
    for (const c of all) commandInfo(ctx, c);
    return;
  }
  const sub = word(args[1]!);
  const named = args.slice(2).map((a) => table.find(word(a)));
  switch (sub) {
    case 'count':
      if (args.length !== 2) throw arityError('command|count');
      return out.integer(table.size);
    case 'list':
      return out.bulks(table.all().map((c) => c.name));
    case 'info':
      out.array(named.length);
      for (const c of named) {
        if (c === undefined) out.nilArray();
        else commandInfo(ctx, c);
      }
      return;
    case 'docs': {
      const chosen = args.length === 2 ? table.all() : named.filter((c) => c !== undefined);
      out.array(chosen.length * 2);
      for (const c of chosen) {
        out.bulk(c.name);
        out.array(6);
        out.bulk('summary');
        out.bulk(c.summary);
        out.bulk('since');
        out.bulk('1.0.0');
        out.bulk('group');
        out.bulk(c.category.slice(1));
      }
      return;
    }
    default:
      throw new ReplyError(`ERR unknown subcommand '${args[1]!.toString('utf8').slice(0, 64)}'. Try COMMAND HELP.`);
  }
}

/** Configuration as CONFIG GET reports it; redis-benchmark asks for save and appendonly. */
function configValues(server: ServerState): Record<string, string> {
  const { host, port } = server.address();
  const fsync = { always: 'always', interval: 'everysec', never: 'no' }[server.sync];
  return {
    bind: host,
    port: String(port),
    save: '',
    appendonly: 'no',
    appendfsync: fsync,
    databases: '1',
    maxclients: String(server.limits.maxClients),
    timeout: '0',
    maxmemory: '0',
    'proto-max-bulk-len': String(server.limits.maxBulkBytes),
    'client-query-buffer-limit': String(server.limits.maxRequestBytes),
    'kvs-engine': server.service.info.engine,
    'kvs-dir': server.service.info.dir,
    'kvs-sync': server.sync,
  };
}

function config(ctx: CommandContext, args: Buffer[]): void {
  const sub = word(args[1]!);
  if (sub === 'get') {
    if (args.length < 3) throw arityError('config|get');
    const values = configValues(ctx.server);
    const names = Object.keys(values).filter((name) => args.slice(2).some((p) => globMatch(Buffer.from(word(p), 'latin1'), Buffer.from(name, 'latin1'))));
    ctx.out.array(names.length * 2);
    for (const name of names) {
      ctx.out.bulk(name);
      ctx.out.bulk(values[name]);
    }
    return;
  }
  if (sub === 'resetstat') {
    const c = ctx.server.counters;
    c.commandsProcessed = c.connectionsReceived = c.rejectedConnections = c.netInputBytes = c.netOutputBytes = c.protocolErrors = 0;
    return ctx.out.simple('OK');
  }
  if (sub === 'set' || sub === 'rewrite') {
    throw new ReplyError(`ERR CONFIG ${sub.toUpperCase()} is not supported by kvs; restart kvs server with other flags`);
  }
  throw new ReplyError(`ERR unknown subcommand '${args[1]!.toString('utf8').slice(0, 64)}'. Try CONFIG HELP.`);
}

export const serverCommands: CommandSpec[] = [
  spec('info', -1, ['loading', 'stale'], 'Server information: server, clients, persistence, stats, keyspace', info),
  spec('command', -1, ['loading', 'stale'], 'The command table: COMMAND, COMMAND COUNT | LIST | INFO name... | DOCS [name...]', command),
  spec('config', -2, ['admin', 'loading', 'stale'], 'CONFIG GET pattern... | RESETSTAT', config),
  spec('time', 1, ['fast', 'loading', 'stale'], 'Server time: [seconds, microseconds]', (ctx) => {
    const micros = BigInt(Date.now()) * 1000n;
    ctx.out.bulks([String(micros / 1_000_000n), String(micros % 1_000_000n)]);
  }),
];
