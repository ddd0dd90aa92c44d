/**
 * Server commands: INFO (see info.ts), COMMAND (enough for
 * redis-cli: the table, COUNT, INFO, DOCS, LIST), CONFIG GET (enough for redis-benchmark) and
 * CONFIG RESETSTAT, TIME.
 */
import { globMatch } from '../glob.js';
import { ReplyError } from '../resp-writer.js';
import { arityError, word } from './args.js';
import type { CommandContext, CommandHandler, CommandSpec, ServerState } from './command-table.js';
import { info } from './info.js';

function spec(name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys: [0, 0, 0], category: '@server', summary, handler };
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
    'maxmemory-clients': String(server.limits.maxPendingInputBytes),
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
    ctx.server.stats.reset();
    return ctx.out.simple('OK');
  }
  if (sub === 'set' || sub === 'rewrite') {
    throw new ReplyError(`ERR CONFIG ${sub.toUpperCase()} is not supported by kvs; restart kvs server with other flags`);
  }
  throw new ReplyError(`ERR unknown subcommand '${args[1]!.toString('utf8').slice(0, 64)}'. Try CONFIG HELP.`);
}

export const serverCommands: CommandSpec[] = [
  spec('info', -1, ['loading', 'stale'], 'Server information: server, clients, memory, persistence, stats, replication, cpu, commandstats, errorstats, keyspace', info),
  spec('command', -1, ['loading', 'stale'], 'The command table: COMMAND, COMMAND COUNT | LIST | INFO name... | DOCS [name...]', command),
  spec('config', -2, ['admin', 'loading', 'stale'], 'CONFIG GET pattern... | RESETSTAT', config),
  spec('time', 1, ['fast', 'loading', 'stale'], 'Server time: [seconds, microseconds]', (ctx) => {
    const micros = BigInt(Date.now()) * 1000n;
    ctx.out.bulks([String(micros / 1_000_000n), String(micros % 1_000_000n)]);
  }),
];
