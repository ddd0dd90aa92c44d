/**
 * Redis engine settings: the server URL (validated, and redacted for messages) and the tuning
 * options with their defaults. Unknown option keys are rejected.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

export interface RedisOptions {
  /**
   * Name of the key space: every key is stored as `<namespace>:<key>`, so several stores share one
   * Redis database. A namespace holds no ':', hence no store's keys can fall inside another's.
   * Default "kvs".
   */
  namespace: string;
  /** Give up connecting after this long. Default 5000 ms. */
  connectTimeoutMs: number;
  /** A command without an answer after this long fails with IO_ERROR. Default 30000 ms. */
  commandTimeoutMs: number;
  /** COUNT hint of each SCAN call: keys the server examines per round trip. Default 1000. */
  scanCount: number;
}

export const DEFAULT_OPTIONS: RedisOptions = {
  namespace: 'kvs',
  connectTimeoutMs: 5000,
  commandTimeoutMs: 30_000,
  scanCount: 1000,
};

const MAX_NAMESPACE_BYTES = 256;

/** The environment variable the CLI reads the URL from (named in messages). */
export const URL_ENV = 'KVS_REDIS_URL';

function integer(raw: Record<string, unknown>, name: 'connectTimeoutMs' | 'commandTimeoutMs' | 'scanCount', min: number, max: number): number {
  const value = raw[name] ?? DEFAULT_OPTIONS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `redis option ${name} must be an integer from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

export function parseOptions(raw: Record<string, unknown>): RedisOptions {
  for (const name of Object.keys(raw)) {
    if (!(name in DEFAULT_OPTIONS)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `unknown redis option "${name}"; known options: ${Object.keys(DEFAULT_OPTIONS).join(', ')}`);
    }
  }
  const namespace = raw.namespace ?? DEFAULT_OPTIONS.namespace;
  if (typeof namespace !== 'string' || namespace === '' || namespace.includes(':') || Buffer.byteLength(namespace) > MAX_NAMESPACE_BYTES) {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `redis option namespace must be a non-empty string of at most ${MAX_NAMESPACE_BYTES} bytes without ":"; got ${JSON.stringify(namespace)}`,
    );
  }
  return {
    namespace,
    connectTimeoutMs: integer(raw, 'connectTimeoutMs', 1, 600_000),
    commandTimeoutMs: integer(raw, 'commandTimeoutMs', 1, 3_600_000),
    scanCount: integer(raw, 'scanCount', 1, 1_000_000),
  };
}

/** Checks that `url` is given and is a redis:// or rediss:// URL; returns it unchanged. */
export function checkUrl(url: string | undefined): string {
  if (url === undefined || url === '') {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `the redis engine needs the address of a Redis server: pass --url redis://HOST:PORT (or set ${URL_ENV}; in the library, openStore({ url }))`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `"${redactUrl(url)}" is not a URL; expected redis://[:PASSWORD@]HOST:PORT[/DB]`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `"${redactUrl(url)}" is not a Redis URL; expected redis://[:PASSWORD@]HOST:PORT[/DB] (or rediss:// for TLS)`);
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `"${redactUrl(url)}" names database "${parsed.pathname.slice(1)}"; a Redis database is a number (redis://HOST:PORT/0)`);
  }
  return url;
}

/** `url` with any password replaced by "***", for messages and stats. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Not a URL: hide whatever sits between "//" and "@", the usual place of a password.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
