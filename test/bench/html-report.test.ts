/**
 * The HTML report laid out by a real browser (headless Chromium through playwright-core): each
 * legend swatch sits right beside its own engine's name, the charts share the page width at any
 * window size, and the verdict is at the top. Slow (starts a browser).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport, resolveConfig, runBench } from '../../src/bench/index.js';
import { tempStoreDir } from '../support/temp-store-dir.js';
import { launchChromium } from '../server/http/browser.js';
import { registerTestEngines } from './recording-engine.js';

let browser: Browser;
let file: string;

beforeAll(async () => {
  registerTestEngines();
  const config = resolveConfig({ engines: ['memory', 'bench-recorder', 'bench-slow'], workloads: ['fillrandom', 'readrandom', 'readseq', 'overwrite'], num: 200, repeats: 1, warmup: false });
  const report = await runBench(config, { isolation: 'none', tmpDir: tempStoreDir('bench-html') });
  file = path.join(tempStoreDir('bench-html'), 'report.html');
  fs.writeFileSync(file, renderHtmlReport(report));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

type Box = { x: number; y: number; width: number; height: number };

async function boxes(page: Page, selector: string): Promise<Box[]> {
  const found: Box[] = [];
  for (const el of await page.locator(selector).all()) found.push((await el.boundingBox())!);
  return found;
}

describe('HTML report in a browser', () => {
  it('each legend swatch is immediately left of its own engine name, and well apart from the name before it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`file://${file}`);
      expect(await page.locator('.legend .key').allInnerTexts()).toEqual(['memory', 'bench-recorder', 'bench-slow']);
      const swatches = await boxes(page, '.legend .key .swatch');
      const names = await boxes(page, '.legend .key .name');
      expect(swatches).toHaveLength(3);
      swatches.forEach((swatch, i) => {
        const name = names[i]!;
        const gap = name.x - (swatch.x + swatch.width);
        expect(gap).toBeGreaterThanOrEqual(0);
        expect(gap).toBeLessThanOrEqual(8); // beside its own name …
        expect(swatch.y + swatch.height / 2).toBeGreaterThan(name.y);
        expect(swatch.y + swatch.height / 2).toBeLessThan(name.y + name.height);
        const previous = names[i - 1];
        if (previous !== undefined) expect(swatch.x - (previous.x + previous.width)).toBeGreaterThan(2 * gap); // … not the one before
      });
    } finally {
      await page.close();
    }
  });

  it('charts fill the width of the page at 1000 and 1800 pixels, and the verdict comes before them', async () => {
    for (const width of [1000, 1800]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.goto(`file://${file}`);
        const body = (await page.locator('body').boundingBox())!;
        const charts = await boxes(page, '.grid >> nth=0 >> svg.chart');
        const firstRow = charts.filter((c) => Math.abs(c.y - charts[0]!.y) < 1);
        const rowWidth = firstRow.at(-1)!.x + firstRow.at(-1)!.width - firstRow[0]!.x;
        expect(body.width).toBeGreaterThan(width - 60); // the page itself is not capped
        expect(rowWidth).toBeGreaterThan(0.97 * body.width); // no empty strip at the right
        const verdict = (await page.locator('section.verdict').boundingBox())!;
        expect(verdict.y + verdict.height).toBeLessThan(charts[0]!.y);
      } finally {
        await page.close();
      }
    }
  });
});
