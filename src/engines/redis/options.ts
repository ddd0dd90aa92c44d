/**
 * Redis engine settings: the server URL (validated, and redacted for messages) and the tuning
 * options with their defaults. Unknown option keys are rejected.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { resolveEngineOptions, type OptionSpec } from '../shared/options.js';

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
  /**
   * Redis Cluster only: the largest page of an ordered scan, in keys. Each page costs one SCAN
   * pass over every master and holds up to twice this many keys in memory. Default 10000.
   */
  scanPageKeys: number;
}

export const DEFAULT_OPTIONS: RedisOptions = {
  namespace: 'kvs',
  connectTimeoutMs: 5000,
  commandTimeoutMs: 30_000,
  scanCount: 1000,
  scanPageKeys: 10_000,
};

const MAX_NAMESPACE_BYTES = 256;

/** The environment variable the CLI reads the URL from (named in messages). */
export const URL_ENV = 'KVS_REDIS_URL';

const SPEC = {
  namespace: {
    type: 'string',
    accepts: (ns: string) => ns !== '' && !ns.includes(':') && Buffer.byteLength(ns) <= MAX_NAMESPACE_BYTES,
    description: `a non-empty string of at most ${MAX_NAMESPACE_BYTES} bytes without ":"`,
  },
  connectTimeoutMs: { type: 'integer', min: 1, max: 600_000 },
  commandTimeoutMs: { type: 'integer', min: 1, max: 3_600_000 },
  scanCount: { type: 'integer', min: 1, max: 1_000_000 },
  scanPageKeys: { type: 'integer', min: 1, max: 10_000_000 },
} as const satisfies Record<keyof RedisOptions, OptionSpec>;

/** Validated options with defaults filled in; throws INVALID_ARGUMENT naming the first unknown or bad key. */
export function parseOptions(raw: Record<string, unknown>): RedisOptions {
  return resolveEngineOptions('redis', raw, SPEC, DEFAULT_OPTIONS);
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

/**
 * The seed URLs of `url`: one `redis://` URL, or several separated by commas (a cluster's seed
 * nodes; any one that answers is enough). Items after the first may be bare `HOST:PORT`: they take
 * the first URL's scheme, credentials and database. A comma inside a password is written `%2C`.
 */
export function parseSeeds(url: string | undefined): string[] {
  const items = (url ?? '').split(',').map((item) => item.trim());
  const first = new URL(checkUrl(items[0])); // the "needs the address of a Redis server" error when none
  const auth = first.username !== '' || first.password !== '' ? `${first.username}${first.password === '' ? '' : `:${first.password}`}@` : '';
  return items.map((item, i) => {
    if (i === 0) return item;
    if (item === '') throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `"${redactUrl(url!)}" has an empty item; separate seed nodes with single commas: redis://HOST1:PORT1,HOST2:PORT2`);
    return checkUrl(item.includes('://') ? item : `${first.protocol}//${auth}${item}${first.pathname === '/' ? '' : first.pathname}`);
  });
}

/** `url` (or each URL of a comma-separated list) with any password replaced by "***", for messages and stats. */
export function redactUrl(url: string): string {
  if (url.includes(',')) return url.split(',').map(redactUrl).join(',');
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Not a URL: hide whatever sits between "//" and "@", the usual place of a password.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
