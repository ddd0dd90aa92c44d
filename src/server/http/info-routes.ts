/** The routes about the server rather than the data: /healthz, /v1/stats, /metrics and the dashboard page. */
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
