/** A server started with a token: every route but /healthz needs it, over HTTP and WebSocket; refused requests change nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contents, errorCode, startTestServer, type TestServer } from './harness.js';

const TOKEN = 's3cret-token';
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ token: TOKEN });
});
afterAll(async () => {
  await s.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Resolves with the HTTP status the server answered a WebSocket upgrade with (101 when accepted). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('upgrade', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

describe('token', () => {
  it('/healthz needs no token', async () => {
    const res = await fetch(`${s.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', engine: 'bitcask' });
  });

  it('/favicon.ico needs no token and is the SVG icon, so a browser on /v1/stats gets no 404', async () => {
    const res = await fetch(`${s.base}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg /);
  });

  it('a PUT without a token is 401 with WWW-Authenticate: Bearer and stores nothing', async () => {
    const before = await contents(s.engine);
    const res = await fetch(`${s.base}/v1/kv/k`, { method: 'PUT', body: 'v' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await errorCode(res)).toBe('UNAUTHORIZED');
    expect(await contents(s.engine)).toEqual(before);
  });

  it('a wrong token is 401 invalid_token and changes nothing', async () => {
    await s.engine.set('keep', 'me');
    const before = await contents(s.engine);
    for (const headers of [bearer('wrong'), bearer(TOKEN + 'x'), { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      const res = await fetch(`${s.base}/v1/kv/keep`, { method: 'DELETE', headers });
      expect(res.status).toBe(401);
    }
    const wrong = await fetch(`${s.base}/v1/kv/keep`, { headers: bearer('wrong') });
    expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await contents(s.engine)).toEqual(before);
  });

  it('every other route needs the token', async () => {
    const routes: [string, string][] = [['GET', '/'], ['GET', '/metrics'], ['GET', '/v1/stats'], ['GET', '/v1/kv'], ['GET', '/v1/kv/keep'], ['POST', '/v1/batch']];
    for (const [method, path] of routes) {
      const res = await fetch(`${s.base}${path}`, { method, ...(method === 'POST' ? { body: '{"ops":[]}' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('the right token in the header or as access_token is accepted', async () => {
    expect((await fetch(`${s.base}/v1/kv/k2`, { method: 'PUT', body: 'v2', headers: bearer(TOKEN) })).status).toBe(204);
    expect((await s.engine.get('k2'))?.toString()).toBe('v2');
    const res = await fetch(`${s.base}/v1/kv/k2?access_token=${TOKEN}`);
    expect(await res.text()).toBe('v2');
  });

  it('a batch without the token applies nothing', async () => {
    const before = await contents(s.engine);
    const res = await fetch(`${s.base}/v1/batch`, { method: 'POST', body: JSON.stringify({ ops: [{ type: 'set', key: 'sneaky', value: 'x' }] }) });
    expect(res.status).toBe(401);
    expect(await contents(s.engine)).toEqual(before);
  });

  it('a WebSocket watch needs the token too', async () => {
    const url = `ws://127.0.0.1:${s.port}/v1/watch`;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, bearer('wrong'))).toBe(401);
    expect(await upgradeStatus(url, bearer(TOKEN))).toBe(101);
    expect(await upgradeStatus(`${url}?access_token=${TOKEN}`)).toBe(101);
  });
});
