// Lighthouse (npm) in Debian's chromium on each kind of page in both languages: SEO 100, accessibility >= 95, best practices 100.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/browser.ts';
import { optionalPackage, type Site, startSite } from '../support/site.ts';

interface Audit {
  id: string;
  title: string;
  score: number | null;
  scoreDisplayMode: string;
}
interface Result {
  lhr: {
    categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
    audits: Record<string, Audit>;
    runtimeError?: { message: string };
  };
}
type Lighthouse = (url: string, flags: object, config: object) => Promise<Result | undefined>;

/**
 * Lighthouse's defaults with the three categories only. No performance category, so nothing to throttle and no quiet
 * windows to wait for after load: the pages have no script, and waiting would only cost CI time.
 */
const CONFIG = {
  extends: 'lighthouse:default',
  settings: {
    onlyCategories: ['seo', 'accessibility', 'best-practices'],
    throttlingMethod: 'provided',
    pauseAfterFcpMs: 0,
    pauseAfterLoadMs: 0,
    networkQuietThresholdMs: 0,
    cpuQuietThresholdMs: 0,
    disableFullPageScreenshot: true,
  },
};

const lh = await optionalPackage<{ default: Lighthouse }>('lighthouse');
const reason = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install chromium)`
  : 'reason' in lh
    ? lh.reason
    : undefined;

/**
 * One of each kind of page in both languages. The query page is the SPARQL route's HTML answer; its Chinese version
 * is asked for the way the README documents for every page without a .zh-Hans.html name (?lang=zh-Hans).
 */
const PAGES = [
  '',
  'index.zh-Hans.html',
  'doc/office/secretary-general.html',
  'doc/office/secretary-general.zh-Hans.html',
  'doc/person/peng-zhen.html',
  'doc/person/peng-zhen.zh-Hans.html',
  'doc/tenure/secretary-general/1.html',
  'doc/tenure/secretary-general/1.zh-Hans.html',
  'doc/npc-term/1.html',
  'doc/npc-term/1.zh-Hans.html',
  'doc/note/NOTE.html',
  'doc/note/NOTE.zh-Hans.html',
  'doc/dataset/npcsc-kg.html',
  'doc/dataset/npcsc-kg.zh-Hans.html',
  'sparql',
  'sparql.zh-Hans.html',
];

let site: Site;
let chromium: ChildProcess;
let profile: string;
let port: number;
let pages: string[];

beforeAll(async () => {
  if (reason) return;
  site = await startSite();
  // A note's slug from the sitemap, so the list follows the data.
  const xml = await (await fetch(`${site.base}sitemap.xml`)).text();
  const note = /doc\/note\/([^/.<]+)\.html/.exec(xml)?.[1];
  if (!note) throw new Error('no note page in the sitemap');
  pages = PAGES.map((p) => site.base + p.replace('NOTE', note));
  // One chromium for the file; Lighthouse drives it over its DevTools port, which chromium picks and writes down.
  profile = mkdtempSync(path.join(tmpdir(), 'npcsc-lighthouse-'));
  chromium = spawn(
    CHROMIUM,
    [
      ...CHROMIUM_FLAGS,
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  const portFile = path.join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 600 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 100));
  port = Number(readFileSync(portFile, 'utf8').split('\n')[0]);
  if (!port) throw new Error('chromium did not open its DevTools port');
}, 120_000);

afterAll(async () => {
  if (chromium && chromium.exitCode === null) {
    const exited = new Promise((r) => chromium.once('exit', r));
    chromium.kill();
    await exited;
  }
  if (profile) rmSync(profile, { recursive: true, force: true });
  await site?.close();
});

/** The failing audits of a category, to say why a score is short. */
function failing(result: Result, category: string): string[] {
  const { categories, audits } = result.lhr;
  return (categories[category]?.auditRefs ?? [])
    .filter((ref) => ref.weight > 0)
    .map((ref) => audits[ref.id])
    .filter((a): a is Audit => !!a && a.score !== null && a.score < 1)
    .map((a) => `${a.id} (${a.score}): ${a.title}`);
}

describe.skipIf(!!reason)(`Lighthouse${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it.each(PAGES)(
    'scores /%s: SEO 100, accessibility >= 95, best practices 100',
    async (p) => {
      const url = pages[PAGES.indexOf(p)] ?? '';
      if (!('module' in lh)) return;
      const result = await lh.module.default(
        url,
        { port, hostname: '127.0.0.1', output: 'json', logLevel: 'error' },
        CONFIG,
      );
      if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
      expect(result.lhr.runtimeError).toBeUndefined();
      const score = (c: string) => Math.round((result.lhr.categories[c]?.score ?? 0) * 100);
      const scores = {
        seo: score('seo'),
        accessibility: score('accessibility'),
        bestPractices: score('best-practices'),
      };
      console.log(`lighthouse ${p || '/'}: ${JSON.stringify(scores)}`);
      expect({
        url,
        ...scores,
        failing: ['seo', 'accessibility', 'best-practices'].flatMap((c) => failing(result, c)),
      }).toEqual({
        url,
        seo: 100,
        accessibility: scores.accessibility >= 95 ? scores.accessibility : '>= 95',
        bestPractices: 100,
        failing: [],
      });
    },
    120_000,
  );
});
