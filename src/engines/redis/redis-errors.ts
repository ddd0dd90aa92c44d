/**
 * node-redis failures as KvsErrors: what went wrong with which server (password redacted), and
 * what to do. Failing to reach the server at open is ENGINE_UNAVAILABLE (the engine cannot run
 * without it); failures afterwards are IO_ERROR.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { URL_ENV } from './options.js';

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ENOTFOUND: 'has a host name that does not resolve',
  EAI_AGAIN: 'has a host name that could not be resolved (DNS failure)',
  EHOSTUNREACH: 'is unreachable',
  ENETUNREACH: 'is on an unreachable network',
  ECONNRESET: 'reset the connection',
  ETIMEDOUT: 'did not answer in time',
};

function errnoCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown; socketError?: unknown }).socketError ?? current.cause;
  }
  return undefined;
}

function replyText(err: unknown): string {
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}

/** node-redis's error classes keep name "Error"; their class names tell them apart. */
function kindOf(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name} ${err.name} ${err.message}` : '';
}

/** A failure while connecting and authenticating to `url` (already redacted). */
export function connectError(url: string, err: unknown, connectTimeoutMs: number): KvsError {
  if (err instanceof KvsError) return err;
  const text = replyText(err);
  const details = { url };
  if (/^WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `the Redis server at ${url} rejected the user name or password (${text}); correct them in the URL (redis://[USER]:PASSWORD@HOST:PORT)`, { cause: err, details });
  }
  if (/^NOAUTH/.test(text)) {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `the Redis server at ${url} requires a password; put it in the URL: redis://:PASSWORD@HOST:PORT (--url or ${URL_ENV})`, { cause: err, details });
  }
  if (/^ERR .*(DB index|invalid DB)/i.test(text)) {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `the Redis server at ${url} has no such database (${text}); pick a database number it has (redis://HOST:PORT/0)`, { cause: err, details });
  }
  const code = errnoCode(err);
  if (code === 'ECONNREFUSED') {
    return new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `no Redis server answers at ${url} (connection refused); start one or pass --url (or set ${URL_ENV})`, { cause: err, details });
  }
  if (code !== undefined && NETWORK_CODES[code] !== undefined) {
    return new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `the Redis server at ${url} ${NETWORK_CODES[code]} (${code}); check the host and port in --url (or ${URL_ENV})`, { cause: err, details });
  }
  if (/timeout/i.test(kindOf(err))) {
    return new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `no Redis server answered at ${url} within ${connectTimeoutMs} ms; check that it runs and that --url is right (or raise the connectTimeoutMs option)`, { cause: err, details });
  }
  return new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `cannot use the Redis server at ${url}: ${text}`, { cause: err, details });
}

/** A failure of `command` on an open connection to `url` (already redacted). */
export function commandError(url: string, command: string, err: unknown, commandTimeoutMs: number): KvsError {
  if (err instanceof KvsError) return err;
  const text = replyText(err);
  const details = { url, command };
  if (/^WRONGTYPE/.test(text)) {
    return new KvsError(ErrorCodes.CORRUPTION, `a key in this store's namespace on ${url} holds a Redis type other than a string, so kvs did not write it (${command}: ${text}); remove it or use another namespace`, { cause: err, details });
  }
  if (/^OOM/.test(text)) {
    return new KvsError(ErrorCodes.IO_ERROR, `the Redis server at ${url} is out of memory and refused ${command} (${text}); free memory or raise its maxmemory`, { cause: err, details });
  }
  if (/^(READONLY|MASTERDOWN)/.test(text)) {
    return new KvsError(ErrorCodes.IO_ERROR, `the Redis server at ${url} does not accept writes (${text}); point --url at the primary`, { cause: err, details });
  }
  if (/^(MOVED|ASK|CROSSSLOT|CLUSTERDOWN)/.test(text)) {
    return new KvsError(ErrorCodes.UNSUPPORTED, `the Redis server at ${url} is part of a Redis Cluster (${text}); the redis engine talks to one server only`, { cause: err, details });
  }
  if (/timeout/i.test(kindOf(err))) {
    return new KvsError(ErrorCodes.IO_ERROR, `the Redis server at ${url} did not answer ${command} within ${commandTimeoutMs} ms; check the server (or raise the commandTimeoutMs option)`, { cause: err, details });
  }
  if (/Closed|Offline|Socket|Reconnect|Disconnect/i.test(kindOf(err))) {
    return new KvsError(ErrorCodes.IO_ERROR, `lost the connection to the Redis server at ${url} during ${command} (${text}); check that it still runs, then retry`, { cause: err, details });
  }
  return new KvsError(ErrorCodes.IO_ERROR, `the Redis server at ${url} failed ${command}: ${text}`, { cause: err, details });
}
