/**
 * The dashboard in a real headless browser (Debian's Chromium driven by playwright-core) against
 * an in-process server: a write made through another interface scrolls into the page's live feed,
 * and a key set, read and deleted on the page is the store's; token handling. The end-to-end test
 * with `kvs server` and a real RESP client is dashboard-resp.test.ts. Slow (starts a browser).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { startTestServer, type TestServer } from './harness.js';


let s: TestServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  s = await startTestServer({ token: 'dash-token' });
  for (let i = 0; i < 6; i++) await s.engine.set(`user:${i}`, JSON.stringify({ name: `user ${i}` }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
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
