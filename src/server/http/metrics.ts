/**
 * Prometheus metrics of the server process, in a registry of its own (not prom-client's global
 * one, so two servers in one process, as in the tests, never share counters). Commands and
 * connections of every interface arrive through KvService.observe; engine figures (keys, bytes on
 * disk, compactions, fsyncs) are read from engine.stats() once per scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineStats } from '../../engine/types.js';
import type { KvService } from '../service/kv-service.js';

/** Latency buckets in seconds: 50 µs (a memory-engine GET) to 5 s (a large compaction). */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Engine statistics that feed the engine counters, by the names engines report them under
 * (the first present wins). Engines that report none of them show 0. Listed in docs/http.md.
 */
export const STAT_FIELDS = {
  compactions: ['compactionsSinceOpen', 'mergesSinceOpen'],
  // Bitcask reports what a merge reclaimed; the LSM engine what a compaction wrote.
  compactionBytes: ['compactionBytesWrittenSinceOpen', 'mergeReclaimedBytesSinceOpen'],
  fsyncs: ['fsyncsSinceOpen'],
} as const;

function statNumber(stats: EngineStats, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = stats[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** A counter that mirrors a running total kept elsewhere: each scrape adds what the total grew by. */
class MirroredCounter {
  readonly #counter: Counter;
  #seen = 0;

  constructor(counter: Counter) {
    this.#counter = counter;
  }

  update(total: number | undefined): void {
    if (total === undefined || total <= this.#seen) return;
    this.#counter.inc(total - this.#seen);
    this.#seen = total;
  }
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #service: KvService;
  readonly #unobserve: () => void;
  readonly #ops: Counter<'command' | 'interface'>;
  readonly #errors: Counter<'command' | 'interface'>;
  readonly #latency: Histogram<'command' | 'interface'>;
  readonly #clients: Gauge<'interface'>;
  readonly #keys: Gauge;
  readonly #diskBytes: Gauge;
  readonly #lagged: Counter;
  readonly #compactions: MirroredCounter;
  readonly #compactionBytes: MirroredCounter;
  readonly #fsyncs: MirroredCounter;
  readonly #changes: MirroredCounter;

  constructor(service: KvService) {
    this.#service = service;
    const registers = [this.registry];
    this.#ops = new Counter({ name: 'kvs_ops_total', help: 'Commands served, by command and interface (resp, http)', labelNames: ['command', 'interface'], registers });
    this.#errors = new Counter({ name: 'kvs_op_errors_total', help: 'Commands that failed, by command and interface', labelNames: ['command', 'interface'], registers });
    this.#latency = new Histogram({
      name: 'kvs_op_duration_seconds',
      help: 'Time to serve a command, by command and interface',
      labelNames: ['command', 'interface'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#clients = new Gauge({
      name: 'kvs_connected_clients',
      help: 'Clients connected now, by interface (resp, http, ws)',
      labelNames: ['interface'],
      registers,
      collect: () => {
        for (const [via, n] of Object.entries(service.connections())) this.#clients.set({ interface: via }, n);
      },
    });
    this.#keys = new Gauge({ name: 'kvs_keys', help: 'Live keys in the store', registers });
    this.#diskBytes = new Gauge({ name: 'kvs_disk_bytes', help: 'Bytes the store occupies on disk', registers });
    this.#lagged = new Counter({ name: 'kvs_watch_lagged_total', help: 'WebSocket watchers disconnected because they fell behind the change feed', registers });
    this.#compactions = new MirroredCounter(new Counter({ name: 'kvs_compactions_total', help: 'Compactions (Bitcask merges, LSM compactions) since the store was opened', registers }));
    this.#compactionBytes = new MirroredCounter(
      new Counter({ name: 'kvs_compaction_bytes_total', help: 'Bytes of compaction work since the store was opened: reclaimed by Bitcask merges, written by LSM compactions', registers }),
    );
    this.#fsyncs = new MirroredCounter(new Counter({ name: 'kvs_fsyncs_total', help: 'fsync calls the engine made since the store was opened', registers }));
    this.#changes = new MirroredCounter(new Counter({ name: 'kvs_changes_total', help: 'Writes published to the change feed (sets and deletes, all interfaces)', registers }));
    collectDefaultMetrics({ register: this.registry });

    this.#unobserve = service.observe({
      op: (event) => {
        const labels = { command: event.command.toLowerCase(), interface: event.via };
        this.#ops.inc(labels);
        this.#latency.observe(labels, event.seconds);
        if (!event.ok) this.#errors.inc(labels);
      },
    });
  }

  /** A watcher was dropped for falling behind. */
  recordLagged(): void {
    this.#lagged.inc();
  }

  /** The exposition text and its content type, with engine figures read now. */
  async render(): Promise<{ contentType: string; body: string }> {
    const stats = await this.#service.stats();
    this.#keys.set(stats.keys);
    this.#diskBytes.set(stats.diskBytes);
    this.#compactions.update(statNumber(stats, STAT_FIELDS.compactions));
    this.#compactionBytes.update(statNumber(stats, STAT_FIELDS.compactionBytes));
    this.#fsyncs.update(statNumber(stats, STAT_FIELDS.fsyncs));
    this.#changes.update(this.#service.changes.lastSeq);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stops observing the service. */
  close(): void {
    this.#unobserve();
  }
}
