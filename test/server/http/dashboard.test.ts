/**
 * The dashboard in a real headless browser (Debian's Chromium driven by playwright-core) against
 * an in-process server: a write made through another interface scrolls into the page's live feed,
 * and a key set, read and deleted on the page is the store's; token handling; a missing key empties
 * the value box; the page brings its own icon (no /favicon.ico); its inline style and script run
 * under a hash-based Content-Security-Policy. The end-to-end test with `kvs server` and a real RESP
 * client is dashboard-resp.test.ts; the page's assembly is dashboard-page.test.ts. Slow (starts a
 * browser). Serves the assets of the build (`npm run build`), as the server does from source.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { startTestServer, type TestServer } from './harness.js';


let s: TestServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Console errors about the Content-Security-Policy (Chromium reports each refused resource). */
const policyViolations: string[] = [];
/** Every command the server served over HTTP; a request that matched no route is "unknown". */
const served: string[] = [];

beforeAll(async () => {
  s = await startTestServer({ token: 'dash-token' });
  for (let i = 0; i < 6; i++) await s.engine.set(`user:${i}`, JSON.stringify({ name: `user ${i}` }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
  });
  const recordOp = s.service.recordOp.bind(s.service);
  s.service.recordOp = (event) => {
    if (event.via === 'http') served.push(event.command);
    recordOp(event);
  };
  // Anything but this server is an outside request: the page must need none.
  await page.route(/.*/, (route) => (route.request().url().startsWith(s.base) ? route.continue() : route.abort()));
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('dashboard', () => {
  it('without a token the page asks for one', async () => {
    const res = await fetch(`${s.base}/`);
    expect(res.status).toBe(401);
    const other = await browser.newPage();
    try {
      await other.goto(`${s.base}/?access_token=wrong`);
      expect(await other.title()).not.toBe('kvs dashboard'); // the 401 JSON, not the page
    } finally {
      await other.close();
    }
  });

  it('loads with the token and shows the stats and the live feed connected', async () => {
    await page.goto(`${s.base}/?access_token=dash-token`);
    expect(await page.title()).toBe('kvs dashboard');
    await page.locator('#feed-status', { hasText: 'live' }).waitFor();
    await page.locator('#stats .stat', { hasText: 'keys' }).waitFor();
    expect(await page.locator('#stats').innerText()).toContain('6');
  });

  it('a write made through RESP appears in the feed', async () => {
    await s.service.set('from:resp', 'hello from resp', 'resp');
    const row = page.locator('#feed li', { hasText: 'from:resp' });
    await row.waitFor();
    expect(await row.innerText()).toContain('via resp');
    expect(await row.innerText()).toContain('15 B');
  });

  it('a key set on the page is in the store, and its write is in the feed as via http', async () => {
    await page.fill('#key', 'from:page');
    await page.fill('#value', 'typed in the browser');
    await page.click('#set');
    await page.locator('#result', { hasText: 'set from:page' }).waitFor();
    expect((await s.service.get('from:page'))?.toString()).toBe('typed in the browser');
    expect(await page.locator('#feed li', { hasText: 'from:page' }).innerText()).toContain('via http');
  });

  it('get on the page shows the value stored behind it', async () => {
    await s.engine.set('behind', 'set behind the page');
    await page.fill('#key', 'behind');
    await page.fill('#value', '');
    await page.click('#get');
    await page.locator('#result', { hasText: 'set behind the page' }).waitFor();
    expect(await page.inputValue('#value')).toBe('set behind the page');
  });

  it('a lookup of a missing key empties the value box, which showed the previous key\'s value', async () => {
    await s.engine.set('present', 'the old value');
    await page.fill('#key', 'present');
    await page.click('#get');
    await page.locator('#result', { hasText: 'the old value' }).waitFor();
    expect(await page.inputValue('#value')).toBe('the old value');
    await page.fill('#key', 'missing-key');
    await page.click('#get');
    await page.locator('#result', { hasText: 'absent: missing-key' }).waitFor();
    expect(await page.inputValue('#value')).toBe('');
  });

  it('delete on the page removes the key', async () => {
    await page.fill('#key', 'behind');
    await page.click('#delete');
    await page.locator('#result', { hasText: 'deleted behind' }).waitFor();
    expect(await s.service.get('behind')).toBeUndefined();
  });

  it('browse by prefix lists those keys in order', async () => {
    await page.fill('#prefix', 'user:');
    await page.click('#list');
    await page.locator('#list-status', { hasText: '6 key(s)' }).waitFor();
    const keys = await page.locator('#keys td.k').allInnerTexts();
    expect(keys).toEqual(['user:0', 'user:1', 'user:2', 'user:3', 'user:4', 'user:5']);
  });

  it('the page brings its own icon, so the browser asks for no /favicon.ico: every request it made had a route', async () => {
    expect(await page.locator('link[rel="icon"]').count()).toBe(1);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    const other = await browser.newPage();
    try {
      const before = served.length;
      await other.goto(`${s.base}/?access_token=dash-token`);
      await other.locator('#feed-status', { hasText: 'live' }).waitFor();
      await other.waitForTimeout(1000); // a favicon request, if any, follows the page's load
      expect(served.slice(before)).toContain('dashboard');
      expect(served.slice(before)).not.toContain('unknown');
    } finally {
      await other.close();
    }
  });

  it('the policy admits the inline style and script by their hashes, never unsafe-inline, and the browser reports no violation', async () => {
    const res = await fetch(`${s.base}/`, { headers: { Authorization: 'Bearer dash-token' } });
    const policy = res.headers.get('content-security-policy')!;
    await res.text();
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toMatch(/(^|; )script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(policy).toMatch(/(^|; )style-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(policy).toContain("default-src 'none'");
    // The style applied (the dark background) and the script ran (the stats filled in, above).
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(15, 20, 25)');
    expect(policyViolations).toEqual([]);
  });

  it('several writes scroll by, the stats follow, and the page raised no script errors', async () => {
    for (let i = 0; i < 12; i++) await s.service.set(`order:${1000 + i}`, `{"total": ${i * 7}}`, i % 2 === 0 ? 'resp' : 'http');
    await s.service.delete('order:1003', 'resp');
    await page.locator('#feed li', { hasText: 'order:1003' }).nth(1).waitFor();
    const seq = String(s.service.changes.lastSeq);
    await page.locator('#stats .stat').filter({ hasText: 'changes' }).filter({ hasText: seq }).waitFor();
    expect(await page.locator('#feed li').count()).toBeGreaterThanOrEqual(13);
    expect(pageErrors).toEqual([]);
  });
});
