/**
 * INFO [section ...]: the sections and fields Redis 7 clients and dashboards read. Without a
 * section, or with `default`, every section but commandstats; `all` and `everything` add it.
 * Fields kvs has no counterpart for report Redis's idle values (a master without replicas,
 * nothing expired or evicted); kvs adds `kvs_*` fields.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { word } from './args.js';
import type { CommandContext, ServerState } from './command-table.js';
import { REDIS_COMPAT_VERSION } from './connection-commands.js';

const SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'commandstats', 'errorstats', 'keyspace'] as const;
type Section = (typeof SECTIONS)[number];
const DEFAULT_SECTIONS: readonly Section[] = SECTIONS.filter((s) => s !== 'commandstats');
/** A replication id, as a master without replicas still reports one. */
const REPLID = randomBytes(20).toString('hex');

type Fields = Record<string, string | number>;

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${n.toFixed(2)}${units[u]}`;
}

function memory(server: ServerState): Fields {
  const m = process.memoryUsage();
  const used = m.heapUsed + m.external;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  return {
    used_memory: used,
    used_memory_human: human(used),
    used_memory_rss: m.rss,
    used_memory_rss_human: human(m.rss),
    used_memory_peak: Math.max(used, peakRss),
    used_memory_peak_human: human(Math.max(used, peakRss)),
    total_system_memory: os.totalmem(),
    total_system_memory_human: human(os.totalmem()),
    maxmemory: 0,
    maxmemory_human: '0B',
    maxmemory_policy: 'noeviction',
    mem_allocator: 'libc',
    mem_clients_normal: server.input.total,
    kvs_max_pending_input: server.limits.maxPendingInputBytes,
  };
}

async function section(server: ServerState, name: Section): Promise<Fields> {
  const { service, counters, stats } = server;
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
      return { connected_clients: service.connections().resp, maxclients: server.limits.maxClients, kvs_watched_keys: service.watches.watchedKeys };
    case 'memory':
      return memory(server);
    case 'persistence':
      return { loading: 0, kvs_sync: server.sync, aof_enabled: 0, rdb_changes_since_last_save: 0 };
    case 'stats':
      return {
        total_connections_received: counters.connectionsReceived,
        total_commands_processed: counters.commandsProcessed,
        rejected_connections: counters.rejectedConnections,
        total_net_input_bytes: counters.netInputBytes,
        total_net_output_bytes: counters.netOutputBytes,
        expired_keys: 0,
        evicted_keys: 0,
        evicted_clients: server.input.evictions,
        total_error_replies: stats.errorReplies,
        kvs_protocol_errors: counters.protocolErrors,
        kvs_changes_published: service.changes.lastSeq,
      };
    case 'replication':
      return {
        role: 'master',
        connected_slaves: 0,
        master_failover_state: 'no-failover',
        master_replid: REPLID,
        master_replid2: '0'.repeat(40),
        master_repl_offset: 0,
        second_repl_offset: -1,
        repl_backlog_active: 0,
        repl_backlog_size: 1048576,
        repl_backlog_first_byte_offset: 0,
        repl_backlog_histlen: 0,
      };
    case 'cpu': {
      const self = process.cpuUsage();
      return { used_cpu_sys: (self.system / 1e6).toFixed(6), used_cpu_user: (self.user / 1e6).toFixed(6), used_cpu_sys_children: '0.000000', used_cpu_user_children: '0.000000' };
    }
    case 'commandstats': {
      const fields: Fields = {};
      for (const [command, c] of stats.commands()) {
        const perCall = c.calls === 0 ? 0 : c.usec / c.calls;
        fields[`cmdstat_${command}`] = `calls=${c.calls},usec=${c.usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`;
      }
      return fields;
    }
    case 'errorstats': {
      const fields: Fields = {};
      for (const [code, count] of stats.errors()) fields[`errorstat_${code}`] = `count=${count}`;
      return fields;
    }
    case 'keyspace': {
      const keys = await service.count();
      return keys === 0 ? {} : { db0: `keys=${keys},expires=0,avg_ttl=0` };
    }
  }
}

export async function info(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const asked = args.slice(1).map(word);
  const everything = asked.some((s) => s === 'all' || s === 'everything');
  const defaults = asked.length === 0 || asked.includes('default');
  const chosen = SECTIONS.filter((s) => everything || (defaults && DEFAULT_SECTIONS.includes(s)) || asked.includes(s));
  const blocks: string[] = [];
  for (const name of chosen) {
    const fields = await section(ctx.server, name);
    const title = name === 'cpu' ? 'CPU' : name === 'commandstats' ? 'Commandstats' : name === 'errorstats' ? 'Errorstats' : name[0]!.toUpperCase() + name.slice(1);
    blocks.push(`# ${title}\r\n${Object.entries(fields).map(([k, v]) => `${k}:${v}\r\n`).join('')}`);
  }
  ctx.out.bulk(blocks.join('\r\n'));
}
