/**
 * Limits of the RESP server, with their defaults. Every bound on memory a client can make the
 * server hold is here; docs/protocol.md ("Limits") documents each one.
 */
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../../engine/limits.js';

export interface RespLimits {
  /** Longest bulk string in a request. The engine's value limit plus slack, so a value slightly over it gets an `-ERR` naming the value limit rather than a protocol error. */
  maxBulkBytes: number;
  /** Longest inline command line (Redis: 64 KiB). */
  maxInlineBytes: number;
  /** Most arguments in one multibulk request, the command name included. */
  maxArgs: number;
  /** Most bytes of arguments one request may carry in total (Redis's client-query-buffer-limit is 1 GiB). */
  maxRequestBytes: number;
  /** Before authentication (with a password set), requests are limited further, as in Redis: */
  unauthenticatedMaxArgs: number;
  unauthenticatedMaxBulkBytes: number;
  /** Most simultaneous clients; the next one gets `-ERR max number of clients reached`. */
  maxClients: number;
  /**
   * Most bytes of pending input (partial requests and parsed commands not yet run) all clients
   * together may make the server hold; past it the biggest holders are disconnected (Redis's
   * maxmemory-clients, for query buffers). Twice the largest request, so one request of the
   * largest size is never cut off on its own.
   */
  maxPendingInputBytes: number;
  /** Parsed commands queued per connection before the server stops reading its socket. */
  maxQueuedCommands: number;
  /** Unsent reply bytes above which the server runs no more of the client's commands and stops reading its socket until it drains. */
  outputPauseBytes: number;
  /** Unsent reply bytes at which the client is disconnected (as Redis's client-output-buffer-limit hard limit). */
  outputHardLimitBytes: number;
  /** A client that keeps more than outputPauseBytes unsent for this long is disconnected (the soft limit's seconds). */
  outputStallMs: number;
  /** Most entries one KVS.RANGE reply returns; clients page with GT/LT. */
  maxRangeLimit: number;
}

export const DEFAULT_LIMITS: Readonly<RespLimits> = Object.freeze({
  maxBulkBytes: MAX_VALUE_BYTES + 1024 * 1024,
  maxInlineBytes: 64 * 1024,
  maxArgs: 1024 * 1024,
  maxRequestBytes: 256 * 1024 * 1024,
  unauthenticatedMaxArgs: 10,
  unauthenticatedMaxBulkBytes: 16 * 1024,
  maxClients: 10_000,
  maxPendingInputBytes: 512 * 1024 * 1024,
  maxQueuedCommands: 1024,
  outputPauseBytes: 1024 * 1024,
  outputHardLimitBytes: 256 * 1024 * 1024,
  outputStallMs: 60_000,
  maxRangeLimit: 1000,
});

/** The key limit, for messages: a key longer than this can never be stored, so reads treat it as absent. */
export const KEY_LIMIT = MAX_KEY_BYTES;
export const VALUE_LIMIT = MAX_VALUE_BYTES;

/** `overrides` applied over the defaults; every value must be a positive integer. */
export function resolveLimits(overrides: Partial<RespLimits> = {}): RespLimits {
  const limits: RespLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof RespLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`limit ${name} must be a positive integer, got ${String(value)}`);
    limits[name] = value;
  }
  return limits;
}
