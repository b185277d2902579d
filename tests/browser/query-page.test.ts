// The query page in a real browser (Debian chromium driven by playwright-core): pick an example, run it, see the rows.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { listen, sparqlApp } from '../sparql/helpers.ts';
import { browserTestsRun, CHROMIUM, launchChromium } from '../support/browser.ts';

// In CI a missing browser fails the test (the launch throws); only a developer's machine may skip it.
const run = browserTestsRun;
const suite = run ? describe : describe.skip;
const title = run ? 'The query page in chromium' : `The query page in chromium (skipped: ${CHROMIUM} is not installed)`;

suite(title, () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const { app } = await sparqlApp();
    server = await listen(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

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
