// In a real browser (Debian chromium through playwright-core): type a name into the search box of the Chinese home page and land on the person's page.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ROUTES } from '../../src/app.ts';
import { browserTestsRun, CHROMIUM, launchChromium } from '../support/browser.ts';
import { realGraph, testConfig } from '../support/graph.ts';

let server: Server;
let base: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!browserTestsRun) return;
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI must run this test)`);
  const graph = await realGraph();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  server.on('request', getRequestListener(createApp(graph, testConfig({ publicBase: base }), ROUTES).fetch));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe.skipIf(!browserTestsRun)('The search box in chromium', () => {
  it('should take a Chinese name typed on the Chinese home page to the results, in Chinese', async () => {
    await page.goto(`${base}index.zh-Hans.html`);
    const box = page.locator('header.site form.search input[type=search]');
    await box.fill('彭');
    await Promise.all([page.waitForURL(/\/search\?/), box.press('Enter')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('q')).toBe('彭');
    expect(url.searchParams.get('lang')).toBe('zh-Hans');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-Hans');
    const results = await page.locator('ol.search-results > li > a').allTextContents();
    expect(results.sort()).toEqual(['彭冲', '彭真']);
  });

  it('should land on the person’s page from a result, typed on the Chinese home page', async () => {
    await page.goto(`${base}index.zh-Hans.html`);
    await page.locator('header.site form.search input[type=search]').fill('彭真');
    await Promise.all([page.waitForURL(/\/search\?/), page.locator('header.site form.search button').click()]);
    await Promise.all([
      page.waitForURL(/doc\/person\/peng-zhen\.zh-Hans\.html$/),
      page.locator('ol.search-results > li > a').first().click(),
    ]);
    await expect(page.locator('h1').textContent()).resolves.toBe('彭真');
  });

  it('should say so when nothing matches, offering near names', async () => {
    await page.goto(`${base}`);
    await page.locator('header.site form.search input[type=search]').fill('Peng Zen');
    await Promise.all([page.waitForURL(/\/search\?/), page.keyboard.press('Enter')]);
    await expect(page.locator('p.no-hits').textContent()).resolves.toContain('Peng Zen');
    expect(await page.locator('ol.near > li > a').first().textContent()).toBe('Peng Zhen');
  });

  it('should log no error or warning to the console', () => {
    expect(problems).toEqual([]);
  });
});
