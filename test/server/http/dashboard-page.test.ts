/**
 * The dashboard page as assembled from its asset files (no browser): the built page inlines the
 * built CSS and script in place of their slots, carries no style attributes or inline handlers its
 * policy would refuse, and its policy's hashes are those of the inline blocks; GET / serves exactly
 * that; missing or unsafe assets are clear errors. Needs `npm run build` (npm test does it).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleDashboard, ASSET_DIR, dashboardPage } from '../../../src/server/http/dashboard.js';
import { tempStoreDir } from '../../support/temp-store-dir.js';
import { startTestServer, type TestServer } from './harness.js';

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('dashboard page', () => {
  it('inlines the built CSS and script in their slots, and the policy admits exactly those two by hash', () => {
    const css = fs.readFileSync(path.join(ASSET_DIR, 'page.css'), 'utf8');
    const script = fs.readFileSync(path.join(ASSET_DIR, 'page.js'), 'utf8');
    const { html, contentSecurityPolicy } = assembleDashboard(ASSET_DIR);
    expect(html).not.toContain('<!-- inline:');
    expect(html).toContain(`<style>${css}</style>`);
    expect(html).toContain(`<script type="module">${script}</script>`);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(contentSecurityPolicy.split('; ')).toEqual([
      "default-src 'none'",
      `script-src ${hash(script)}`,
      `style-src ${hash(css)}`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
  });

  it('the markup has nothing the policy would refuse: no style attributes, no inline handlers, nothing fetched from elsewhere', () => {
    const { html } = assembleDashboard(ASSET_DIR);
    const markup = html.replace(/<style>[^]*?<\/style>|<script type="module">[^]*?<\/script>/g, '');
    expect(markup).not.toMatch(/\sstyle=/i);
    expect(markup).not.toMatch(/\son[a-z]+=/i);
    expect(markup).not.toMatch(/\s(src|href)="(?!data:)/i);
    expect(markup).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);
  });

  it('the compiled script is the typed page.ts, built: no type annotations left', () => {
    const script = fs.readFileSync(path.join(ASSET_DIR, 'page.js'), 'utf8');
    expect(script).toContain("element('value', HTMLTextAreaElement)");
    expect(script).not.toMatch(/:\s*(string|number|boolean|HTMLElement)\b[,)=;]/);
  });

  it('a missing asset names the file and says to build; a CSS that would close its <style> is refused', () => {
    const dir = tempStoreDir('dashboard-assets');
    for (const file of ['page.html', 'page.css']) fs.copyFileSync(path.join(ASSET_DIR, file), path.join(dir, file));
    expect(() => assembleDashboard(dir)).toThrow(`the dashboard's page.js is missing from ${dir} (ENOENT): run \`npm run build\``);
    fs.writeFileSync(path.join(dir, 'page.js'), 'console.log(1);');
    expect(assembleDashboard(dir).html).toContain('<script type="module">console.log(1);</script>');
    fs.writeFileSync(path.join(dir, 'page.css'), 'body{} </STYLE><script>alert(1)</script>');
    expect(() => assembleDashboard(dir)).toThrow('page.css contains </style>, which would end its inline element');
  });
});

describe('GET /', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('serves the assembled page in one response, under its policy, uncached', async () => {
    const res = await fetch(`${s.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(dashboardPage().contentSecurityPolicy);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe(dashboardPage().html);
  });
});
