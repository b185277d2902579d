// The query page in a real browser (Debian chromium driven by playwright-core): the site's header in both languages, an example run, result IRIs linked to this server's pages.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { sparqlRoutes } from '../../src/sparql/endpoint.ts';
import { poolFor } from '../../src/sparql/pool.ts';
import { browserTestsRun, CHROMIUM, launchChromium } from '../support/browser.ts';
import { realGraph, testConfig } from '../support/graph.ts';

// In CI a missing browser fails the test (the launch throws); only a developer's machine may skip it.
const run = browserTestsRun;
const suite = run ? describe : describe.skip;
const title = run ? 'The query page in chromium' : `The query page in chromium (skipped: ${CHROMIUM} is not installed)`;

suite(title, () => {
  let browser: Browser;
  let http: Server;
  /** The server's address, also its public base: the pages the query page links to are on it. */
  let base: string;
  const server = { url: '' };
  beforeAll(async () => {
    http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    server.url = base.slice(0, -1);
    const graph = await realGraph();
    const config = testConfig({ publicBase: base });
    await poolFor(graph, config.limits.concurrency).ready();
    http.on('request', getRequestListener(createApp(graph, config, [sparqlRoutes, linkedDataRoutes]).fetch));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
  });

  /** A page that records what went wrong in it: script errors, console errors, failed requests. */
  async function open(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(url);
    await page.locator('.CodeMirror').first().waitFor();
    return { page, problems };
  }

  const PAGES = [
    {
      lang: 'en',
      path: 'sparql',
      other: 'sparql.zh-Hans.html',
      h1: 'SPARQL endpoint',
      examples: 'Example queries:',
      suffix: '.html',
    },
    {
      lang: 'zh-Hans',
      path: 'sparql.zh-Hans.html',
      other: 'sparql',
      h1: 'SPARQL 查询端点',
      examples: '示例查询：',
      suffix: '.zh-Hans.html',
    },
  ] as const;

  for (const p of PAGES) {
    it(`should carry the site's header and a switch to the other language (${p.lang})`, async () => {
      const { page, problems } = await open(`${base}${p.path}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(p.lang);
      expect(await page.locator('main h1').textContent()).toBe(p.h1);
      expect(await page.locator('label[for="examples"]').textContent()).toBe(p.examples);
      const nav = await page
        .locator('header.site nav a')
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(nav).toContain(`${base}doc/dataset/npcsc-kg${p.suffix}`);
      expect(nav).toContain(`${base}${p.path}`);
      expect(await page.locator('header.site a.brand').count()).toBe(1);
      // YASGUI's endpoint field is named for assistive technology in the page's language.
      expect(await page.locator('#yasgui input.autocomplete').first().getAttribute('aria-label')).toBeTruthy();
      // The tablist holds tabs only: YASGUI's add-tab button sits beside it.
      expect(await page.locator('[role="tablist"] button.addTab').count()).toBe(0);
      expect(await page.locator('#yasgui button.addTab').count()).toBe(1);

      const other = PAGES.find((x) => x.path === p.other);
      await page.locator('header.site a.lang-switch').click();
      await page.waitForURL(`${base}${p.other}`);
      await page.locator('.CodeMirror').first().waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(other?.lang);
      expect(await page.locator('main h1').textContent()).toBe(other?.h1);
      expect(problems).toEqual([]);
      await page.close();
    });

    it(`should link the dataset's IRIs in results to this server's pages and leave Wikidata's alone (${p.lang})`, async () => {
      const ours = 'https://w3id.org/npcsc/id/person/peng-zhen';
      const term = 'https://w3id.org/npcsc/ontology#holder';
      const wikidata = 'http://www.wikidata.org/entity/Q900000042';
      const query = `SELECT ?iri WHERE { VALUES ?iri { <${ours}> <${term}> <${wikidata}> } }`;
      const { page, problems } = await open(`${base}${p.path}?query=${encodeURIComponent(query)}`);
      await page.locator('.yasqe_queryButton').first().click();
      const links = page.locator('.yasr table tbody a.iri');
      await links.nth(2).waitFor();
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual([`${base}doc/person/peng-zhen${p.suffix}`, `${base}ontology${p.suffix}#holder`, wikidata]);
      // The text is still the IRI the query returned (or its prefixed name).
      expect(await links.nth(0).textContent()).toBe(ours);
      const page0 = new URL(hrefs[0] ?? '');
      expect(page0.origin).toBe(new URL(base).origin);
      // And the page is there, in the query page's language.
      const res = await page.request.get(page0.href);
      expect(res.status()).toBe(200);
      expect(await res.text()).toContain(`<html lang="${p.lang}">`);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  it('should run a picked example and show its rows, loading nothing from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });

    await page.goto(`${server.url}/sparql`);
    await page.locator('.CodeMirror').first().waitFor();
    const prefilled = await page.evaluate(() =>
      (window as unknown as { npcscQueryPage: { yasgui: { getTab(): { getQuery(): string } } } }).npcscQueryPage.yasgui
        .getTab()
        .getQuery(),
    );
    expect(prefilled).toMatch(/^PREFIX npcsc: +<https:\/\/w3id\.org\/npcsc\/ontology#>$/m);

    await page.selectOption('#examples', 'holders');
    const loaded = await page.evaluate(() =>
      (window as unknown as { npcscQueryPage: { yasgui: { getTab(): { getQuery(): string } } } }).npcscQueryPage.yasgui
        .getTab()
        .getQuery(),
    );
    expect(loaded).toMatch(/^# title: All holders in order/);

    await page.locator('.yasqe_queryButton').first().click();
    const rows = page.locator('.yasr table tbody tr');
    await rows.nth(9).waitFor({ timeout: 20_000 });
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    await expect.poll(() => page.locator('.yasr table').first().textContent()).toMatch(/Peng Zhen/);

    const dir = path.join(PROJECT_ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, 'query-page.png'), fullPage: true });

    expect(requested.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'))).toEqual([]);
    expect(requested.some((u) => u.endsWith('/assets/yasgui/yasgui.min.js'))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
