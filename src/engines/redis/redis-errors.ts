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
  if (/SELECT is not allowed in cluster mode/i.test(text)) {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `${url} is a Redis Cluster node, and a cluster has database 0 only; drop the /DB from the URL`, { cause: err, details });
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

/**
 * A failure of `command` sent to the cluster node `node` (host:port, or "no node ..." when the
 * client's slot map has no master for the key). Cluster states get their own advice; the rest
 * reads like a standalone server's failure, naming the node.
 */
export function clusterCommandError(node: string, command: string, err: unknown, commandTimeoutMs: number): KvsError {
  if (err instanceof KvsError) return err;
  const text = replyText(err);
  const details = { node, command };
  const check = `check it with "redis-cli --cluster check ${node.startsWith('no node') ? 'HOST:PORT' : node}"`;
  if (/^CLUSTERDOWN/.test(text)) {
    return new KvsError(ErrorCodes.IO_ERROR, `the Redis Cluster is down: node ${node} refused ${command} (${text}); a master has failed (a replica, if it has one, takes over after the cluster-node-timeout: retry then) or some slots have no master: ${check}, restart the failed node or assign its slots ("redis-cli --cluster fix"), then retry`, { cause: err, details });
  }
  if (/^TRYAGAIN/.test(text)) {
    return new KvsError(ErrorCodes.IO_ERROR, `node ${node} asked to retry ${command} while its slot is being migrated (${text}); retry`, { cause: err, details });
  }
  if (/^CROSSSLOT/.test(text)) {
    return new KvsError(ErrorCodes.IO_ERROR, `node ${node} refused ${command} across hash slots (${text}); this is a kvs bug: report it`, { cause: err, details });
  }
  if (/MaxCommandRedirections|redirect/i.test(kindOf(err))) {
    return new KvsError(ErrorCodes.IO_ERROR, `the Redis Cluster kept redirecting ${command} (last node ${node}): its slots are moving or its nodes disagree; ${check}, then retry`, { cause: err, details });
  }
  if (err instanceof TypeError || node.startsWith('no node')) {
    return new KvsError(ErrorCodes.IO_ERROR, `the Redis Cluster has ${node} for ${command}; ${check} and assign the slot, then retry`, { cause: err, details });
  }
  const error = commandError(`redis://${node}`, command, err, commandTimeoutMs);
  const message = error.message.replace(`the Redis server at redis://${node}`, `the Redis Cluster node ${node}`);
  const hint = /lost the connection|did not answer/.test(message) ? ' (if the node has a replica, the cluster promotes it after its cluster-node-timeout, and kvs follows)' : '';
  return new KvsError(error.code, `${message}${hint}`, { cause: err, details });
}
