/**
 * End to end, as a person would use it: `kvs server --http` as a child process (the built CLI),
 * the dashboard in headless Chromium, and a real Redis client (node-redis) over RESP. A key set
 * over RESP scrolls into the page's feed; a key set on the page reads back over RESP.
 * Saves a screenshot in a temporary directory, or where KVS_SCREENSHOT names (the README's
 * docs/dashboard.png was made with KVS_SCREENSHOT=docs/dashboard.png). Needs `npm run build` (npm test does it).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStoreDir } from '../../support/temp-store-dir.js';
import { launchChromium } from './browser.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'bin', 'run.js');
if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'commands', 'server.js'))) {
  throw new Error('this test runs the built `kvs server`: run `npm run build` first (npm test does)');
}

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  resp: { host: string; port: number };
  http: string;
  stderr: () => string;
}

/** Starts `kvs server` on free ports and resolves with the addresses it logs. */
function startServer(dir: string): Promise<Spawned> {
  const child = spawn(process.execPath, [BIN, 'server', '--dir', dir, '--addr', '127.0.0.1:0', '--http', '127.0.0.1:0', '--sync', 'never'], { cwd: path.dirname(dir) });
  let err = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`kvs server exited with ${code} before listening:\n${err}`)));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const http = /HTTP listening on (\S+)/.exec(err)?.[1];
      const resp = /server listening on (\S+):(\d+)/.exec(err);
      if (http !== undefined && resp !== null) resolve({ child, resp: { host: resp[1]!, port: Number(resp[2]) }, http: `http://${http}`, stderr: () => err });
    });
  });
}

let tmp: string;
let server: Spawned;
let redis: ReturnType<typeof createClient>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tmp = tempStoreDir('dashboard');
  server = await startServer(path.join(tmp, 'data'));
  // kvs server speaks RESP2; node-redis 6 would otherwise open with HELLO 3.
  redis = createClient({ RESP: 2, socket: { host: server.resp.host, port: server.resp.port } });
  await redis.connect();
  for (const [k, v] of [['user:1', 'Alice'], ['user:2', 'Bob'], ['user:3', 'Carol'], ['config:theme', 'dark']]) await redis.set(k!, v!);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route(/.*/, (route) => (route.request().url().startsWith(server.http) ? route.continue() : route.abort()));
});

afterAll(async () => {
  await browser?.close();
  if (redis?.isOpen) await redis.quit();
  else redis?.destroy();
  if (server !== undefined && server.child.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});

describe('dashboard over kvs server, with a Redis client', () => {
  it('opens with the live feed connected and the keys written over RESP', async () => {
    await page.goto(`${server.http}/`);
    await page.locator('#feed-status', { hasText: 'live' }).waitFor();
    await page.fill('#prefix', 'user:');
    await page.click('#list');
    await page.locator('#list-status', { hasText: '3 key(s)' }).waitFor();
    expect(await page.locator('#keys td.k').allInnerTexts()).toEqual(['user:1', 'user:2', 'user:3']);
  });

  it('a SET over RESP appears in the page feed', async () => {
    expect(await redis.set('order:1001', '{"total": 42}')).toBe('OK');
    const row = page.locator('#feed li', { hasText: 'order:1001' });
    await row.waitFor();
    expect(await row.innerText()).toContain('via resp');
    expect(await row.innerText()).toContain('13 B');
  });

  it('a DEL over RESP appears as a delete', async () => {
    await redis.set('order:1002', 'x');
    expect(await redis.del('order:1002')).toBe(1);
    const row = page.locator('#feed li', { hasText: 'order:1002' }).filter({ hasText: 'delete' });
    await row.waitFor();
    expect(await row.innerText()).toContain('via resp');
  });

  it('a key set on the page reads back over RESP', async () => {
    await page.fill('#key', 'from:browser');
    await page.fill('#value', 'hello from the dashboard');
    await page.click('#set');
    await page.locator('#result', { hasText: 'set from:browser' }).waitFor();
    expect(await redis.get('from:browser')).toBe('hello from the dashboard');
  });

  it('a key deleted on the page is gone over RESP', async () => {
    await page.fill('#key', 'config:theme');
    await page.click('#delete');
    await page.locator('#result', { hasText: 'deleted config:theme' }).waitFor();
    expect(await redis.exists('config:theme')).toBe(0);
  });

  it('writes from both interfaces scroll by and the stats count the RESP client (screenshot)', async () => {
    for (let i = 0; i < 10; i++) await redis.set(`order:${1010 + i}`, JSON.stringify({ total: i * 7 }));
    await page.fill('#key', 'user:2');
    await page.click('#get');
    await page.locator('#result', { hasText: 'Bob' }).waitFor();
    await page.locator('#feed li', { hasText: 'order:1019' }).waitFor();
    const keys = await redis.dbSize();
    await page.locator('#stats .stat', { hasText: new RegExp(`^\\s*${keys}\\s*keys\\s*$`) }).waitFor();
    await page.locator('#stats .stat', { hasText: /^\s*1\s*RESP clients\s*$/ }).waitFor();
    const shot = process.env.KVS_SCREENSHOT ?? path.join(tempStoreDir('shot'), 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
  });
});
