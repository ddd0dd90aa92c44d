/** The routes about the server rather than the data: /healthz, /v1/stats, /metrics, the dashboard page and its icon. */
import type { RequestContext } from './context.js';
import { HttpError, HttpErrorCodes, sendJson } from './errors.js';
import { dashboardPage } from './dashboard.js';
import type { ServerMetrics } from './metrics.js';

/** GET /healthz: 200 while the store is open, 503 otherwise. Needs no token. */
export async function health(ctx: RequestContext): Promise<void> {
  const status = ctx.service.engine.status;
  sendJson(ctx.res, { status: status === 'open' ? 'ok' : status, engine: ctx.service.info.engine }, status === 'open' ? 200 : 503);
}

/** GET /v1/stats: `{engine: EngineStats, server: {...}}`. */
export async function stats(ctx: RequestContext): Promise<void> {
  const { service } = ctx;
  const engine = await service.stats();
  sendJson(ctx.res, {
    engine,
    server: {
      version: service.info.version,
      engine: service.info.engine,
      dir: service.info.dir,
      uptimeSeconds: Math.round((Date.now() - service.startedAt) / 1000),
      connections: service.connections(),
      changeSeq: service.changes.lastSeq,
      watchers: service.changes.subscribers,
      atomicBatch: service.engine.supports.atomicBatch,
      orderedScan: service.engine.supports.orderedScan,
      maxBodyBytes: ctx.maxBodyBytes,
    },
  });
}

/** GET /metrics, in the Prometheus text format. */
export function metricsRoute(metrics: ServerMetrics) {
  return async (ctx: RequestContext): Promise<void> => {
    const { contentType, body } = await metrics.render();
    ctx.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    ctx.res.end(body);
  };
}

/** GET /: the dashboard, one self-contained page. */
export async function dashboard(ctx: RequestContext): Promise<void> {
  const page = dashboardPage();
  ctx.res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(page.html),
    // The page needs nothing from elsewhere; its policy says so, so a browser refuses anything injected.
    'Content-Security-Policy': page.contentSecurityPolicy,
    'Cache-Control': 'no-store',
  });
  ctx.res.end(page.html);
}

/** GET /v1/watch without a WebSocket upgrade. */
export async function watchWithoutUpgrade(): Promise<void> {
  throw new HttpError(426, HttpErrorCodes.UPGRADE_REQUIRED, 'GET /v1/watch is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)', { Upgrade: 'websocket' });
}

/** The kvs icon (the same drawing page.html carries inline), for browsers that ask for /favicon.ico on any page. */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#182028"/>' +
  '<path d="M4 3v10M4 8l5-5M4 8l5 5" stroke="#4fb3ff" stroke-width="2" fill="none"/></svg>';

/** GET /favicon.ico: the icon as SVG, so a browser showing /v1/stats or /metrics gets no 404. Needs no token. */
export async function favicon(ctx: RequestContext): Promise<void> {
  ctx.res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': Buffer.byteLength(ICON_SVG), 'Cache-Control': 'max-age=86400' });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : ICON_SVG);
}
