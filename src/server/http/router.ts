/**
 * Maps a request to its route: method and path to a handler and the command name the metrics
 * count it under. Paths are matched still percent-encoded; only the key routes decode further.
 */
import { postBatch } from './batch-route.js';
import type { Handler } from './context.js';
import { HttpError, HttpErrorCodes } from './errors.js';
import { dashboard, favicon, health, stats, watchWithoutUpgrade } from './info-routes.js';
import { deleteKey, getKey, KV_PREFIX, listKeys, putKey } from './kv-routes.js';

export interface Route {
  /** Command label for metrics ("get", "set", "list", ...). */
  command: string;
  handler: Handler;
  /** True iff the route is served without a token (/healthz only). */
  public: boolean;
}

type Methods = Partial<Record<string, Route>>;

function route(command: string, handler: Handler, isPublic = false): Route {
  return { command, handler, public: isPublic };
}

/** The routes with a fixed path; `metrics` is supplied by the server, which owns the registry. */
export function fixedRoutes(metrics: Handler): Map<string, Methods> {
  return new Map<string, Methods>([
    ['/', { GET: route('dashboard', dashboard) }],
    ['/healthz', { GET: route('health', health, true) }],
    ['/favicon.ico', { GET: route('favicon', favicon, true), HEAD: route('favicon', favicon, true) }],
    ['/metrics', { GET: route('metrics', metrics) }],
    ['/v1/stats', { GET: route('stats', stats) }],
    ['/v1/kv', { GET: route('list', listKeys) }],
    ['/v1/batch', { POST: route('batch', postBatch) }],
    ['/v1/watch', { GET: route('watch', watchWithoutUpgrade) }],
  ]);
}

const KEY_ROUTES: Methods = {
  GET: route('get', getKey),
  HEAD: route('get', getKey),
  PUT: route('set', putKey),
  DELETE: route('delete', deleteKey),
};

/** The route of `method path`; throws NOT_FOUND (404) or METHOD_NOT_ALLOWED (405, with Allow). */
export function findRoute(routes: Map<string, Methods>, method: string, path: string): Route {
  const methods = path.startsWith(KV_PREFIX) ? KEY_ROUTES : routes.get(path);
  if (methods === undefined) {
    throw new HttpError(404, HttpErrorCodes.NOT_FOUND, `no route ${path}; see docs/http.md (keys live under ${KV_PREFIX}{key})`);
  }
  const found = methods[method];
  if (found === undefined) {
    const allow = Object.keys(methods).join(', ');
    throw new HttpError(405, HttpErrorCodes.METHOD_NOT_ALLOWED, `${method} is not allowed on ${path}; use ${allow}`, { Allow: allow });
  }
  return found;
}
