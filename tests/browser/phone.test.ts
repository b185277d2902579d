// Pages on a phone (390 px) and a desktop (1280 px) in chromium: no sideways overflow, tables that scroll say so, timeline text legible.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, CHROMIUM, launchChromium } from '../support/browser.ts';
import { type Site, sitemapPages, startSite } from '../support/site.ts';

// Screenshots for a person to look at; test-results/ is not committed.
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results/browser/phone');
const WIDTHS = [390, 1280] as const;
/** Smallest height, in CSS pixels, of the timeline's names and years on a phone. */
const MIN_TEXT_PX = 10;

let site: Site;
let browser: Browser;
let pages: string[];

beforeAll(async () => {
  if (!browserTestsRun) return;
  site = await startSite();
  // Each kind of page (the home page, ontology, and the first two of every kind of document) in both languages,
  // the office and the chairperson office, whose timeline is the longest.
  const all = await sitemapPages(site.base);
  const kindOf = (url: string) => /\/doc\/([^/]+)\//.exec(url)?.[1] ?? url;
  const byKind = new Map<string, string[]>();
  for (const url of all) {
    const stem = url.replace(/(\.zh-Hans)?\.html$/, '');
    const stems = byKind.get(kindOf(url)) ?? [];
    if (!stems.includes(stem) && stems.length < 2) stems.push(stem);
    byKind.set(kindOf(url), stems);
  }
  const stems = new Set([...byKind.values()].flat());
  pages = all.filter(
    (url) =>
      stems.has(url.replace(/(\.zh-Hans)?\.html$/, '')) || /\/office\/(chairperson|secretary-general)\./.test(url),
  );
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface Measure {
  scrollWidth: number;
  /** Elements that scroll sideways without saying so: no name, no keyboard focus, or no visible hint. */
  silentScrollers: string[];
  /** Rendered height (px) of the smallest visible timeline text. */
  smallestTimelineText: number | null;
  timelines: number;
}

async function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const silentScrollers: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const style = getComputedStyle(el);
      if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
      const named = !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
      const focusable = el.tabIndex >= 0;
      const hint = el.querySelector<HTMLElement>('.scroll-hint') ?? el.previousElementSibling;
      const hinted = !!hint?.classList.contains('scroll-hint') && hint.getBoundingClientRect().height > 0;
      if (!named || !focusable || !hinted) silentScrollers.push(`${el.localName}.${el.className}`);
    }
    // What a reader sees: the text's rendered box (the font scaled by the SVG's viewBox), visible pictures only.
    const heights: number[] = [];
    let timelines = 0;
    for (const svg of Array.from(document.querySelectorAll<SVGSVGElement>('svg.timeline-svg'))) {
      if (svg.getBoundingClientRect().width === 0) continue;
      timelines++;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const t of Array.from(svg.querySelectorAll<SVGTextElement>('text'))) {
        if (!t.textContent?.trim()) continue;
        heights.push(Number.parseFloat(getComputedStyle(t).fontSize) * scale);
      }
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      silentScrollers,
      smallestTimelineText: heights.length ? Math.min(...heights) : null,
      timelines,
    };
  });
}

describe.skipIf(!browserTestsRun)(
  `The pages at phone and desktop widths${browserTestsRun ? '' : ` (skipped: ${CHROMIUM} is missing)`}`,
  () => {
    it.each(WIDTHS)(
      'fit %i px: nothing overflows sideways outside a table that says it scrolls',
      async (width) => {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        const wrong: Record<string, unknown> = {};
        let timelinePages = 0;
        for (const url of pages) {
          const res = await page.goto(url);
          expect(res?.status(), url).toBe(200);
          const m = await measure(page);
          const name = new URL(url).pathname.replace(/^\/$/, '/index.html').slice(1).replace(/\//g, '_');
          await page.screenshot({ path: path.join(SHOTS, `${width}-${name}.png`), fullPage: true });
          const problems: string[] = [];
          if (m.scrollWidth > width) problems.push(`page is ${m.scrollWidth} px wide`);
          if (m.silentScrollers.length) problems.push(`scrolls without saying so: ${m.silentScrollers.join(', ')}`);
          if (m.timelines > 0) timelinePages++;
          if (m.timelines > 1) problems.push(`${m.timelines} timelines shown for one`);
          if (width < 400 && m.smallestTimelineText !== null && m.smallestTimelineText < MIN_TEXT_PX)
            problems.push(`timeline text ${m.smallestTimelineText.toFixed(1)} px high`);
          if (problems.length) wrong[url] = problems;
        }
        await page.close();
        expect(wrong).toEqual({});
        // The office, person and tenure pages drew their timelines (the check above had something to measure).
        expect(timelinePages).toBeGreaterThanOrEqual(6);
      },
      300_000,
    );
  },
);
