// What search engines and link previews read from every page of the sitemap: a meta description and Open Graph tags.
import { beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/http/headers.ts';
import { ldApp } from './helpers.ts';

const PUBLIC = 'https://npcsc.example.org/';

interface Head {
  url: string;
  lang: string;
  canonical: string | undefined;
  description: string | undefined;
  og: Record<string, string[]>;
  link: string;
}

const entities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The head's meta and canonical link elements (the pages write each attribute double-quoted). */
function readHead(url: string, page: string, link: string): Head {
  const head = page.slice(0, page.indexOf('</head>'));
  const attrs = (tag: string) =>
    Object.fromEntries([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', entities(m[2] ?? '')]));
  const metas = [...head.matchAll(/<meta\s[^>]*>/g)].map((m) => attrs(m[0]));
  const og: Record<string, string[]> = {};
  for (const m of metas)
    if (m.property?.startsWith('og:')) og[m.property] = [...(og[m.property] ?? []), m.content ?? ''];
  return {
    url,
    lang: /<html lang="([^"]+)"/.exec(page)?.[1] ?? '',
    canonical: [...head.matchAll(/<link\s[^>]*>/g)].map((m) => attrs(m[0])).find((l) => l.rel === 'canonical')?.href,
    description: metas.find((m) => m.name === 'description')?.content,
    og,
    link,
  };
}

let heads: Head[];

beforeAll(async () => {
  const { app } = await ldApp({ publicBase: PUBLIC });
  const sitemap = await (await app.request('/sitemap.xml')).text();
  const urls = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');
  heads = [];
  for (const url of urls) {
    const res = await app.request(new URL(url).pathname, { headers: { accept: 'text/html' } });
    expect(res.status, url).toBe(200);
    heads.push(readHead(url, await res.text(), res.headers.get('link') ?? ''));
  }
}, 120_000);

describe('Every page of the sitemap, for search engines and link previews', () => {
  it('lists pages of every kind in both languages', () => {
    expect(heads.length).toBeGreaterThan(200);
    for (const kind of ['person', 'tenure', 'npc-term', 'office', 'note', 'dataset'])
      for (const suffix of ['.html', '.zh-Hans.html'])
        expect(
          heads.some((h) => h.url.includes(`/doc/${kind}/`) && h.url.endsWith(suffix)),
          kind + suffix,
        ).toBe(true);
  });

  it('has a meta description of a sentence or more', () => {
    const without = heads.filter((h) => (h.description ?? '').trim().length < 20).map((h) => h.url);
    expect(without).toEqual([]);
  });

  it('has descriptions that tell the pages apart, in each language', () => {
    for (const lang of ['en', 'zh-Hans']) {
      const mine = heads.filter((h) => h.lang === lang);
      const seen = new Map<string, string[]>();
      for (const h of mine) seen.set(h.description ?? '', [...(seen.get(h.description ?? '') ?? []), h.url]);
      const shared = [...seen.values()].filter((urls) => urls.length > 1);
      expect(shared, lang).toEqual([]);
    }
  });

  it('writes a Chinese page’s description of a person, tenure or NPC term in Chinese', () => {
    const zh = heads.filter((h) => h.lang === 'zh-Hans' && /\/doc\/(person|tenure|npc-term)\//.test(h.url));
    expect(zh.length).toBeGreaterThan(40);
    expect(zh.filter((h) => !/\p{Script=Han}/u.test(h.description ?? '')).map((h) => h.url)).toEqual([]);
    // Latin letters only in names the sources give in English alone, never in the sentence's own words.
    const english = /\b(from|to|born|first session|tenures?|National|People)\b|\(no\./;
    expect(zh.filter((h) => english.test(h.description ?? '')).map((h) => h.description)).toEqual([]);
  });

  it('says who held what and when on a person’s and a tenure’s page', () => {
    const of = (path: string) => heads.find((h) => h.url === `${PUBLIC}${path}`)?.description;
    expect(of('doc/person/peng-zhen.html')).toMatch(
      /^Peng Zhen \(12 October 1902 – 26 April 1997\): .*Secretary-General/,
    );
    expect(of('doc/person/peng-zhen.zh-Hans.html')).toMatch(/^彭真（1902年10月12日—1997年4月26日）：.*秘书长/);
    expect(of('doc/tenure/secretary-general/1.html')).toMatch(/^Peng Zhen, .*\(no\. 1\) from 27 September 1954/);
    expect(of('doc/npc-term/1.html')).toMatch(/first session from 15 September 1954 to 28 September 1954/);
  });

  it('carries Open Graph tags: title, description, the canonical URL, type, locale and site name', () => {
    const wrong = heads.flatMap((h) => {
      const one = (p: string) => (h.og[p]?.length === 1 ? h.og[p]?.[0] : undefined);
      const problems = [
        !one('og:title') && 'og:title',
        one('og:description') !== h.description && 'og:description',
        (one('og:url') !== h.url || h.canonical !== h.url) && 'og:url',
        !['website', 'article', 'profile'].includes(one('og:type') ?? '') && 'og:type',
        one('og:locale') !== (h.lang === 'en' ? 'en_US' : 'zh_CN') && 'og:locale',
        !one('og:site_name') && 'og:site_name',
      ].filter(Boolean);
      return problems.length ? [`${h.url}: ${problems.join(', ')}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('names the other language in the Link header by its absolute URL (hreflang needs one)', () => {
    const relative = heads
      .filter((h) => h.url.includes('/doc/'))
      .flatMap((h) => [...h.link.matchAll(/<([^>]*)>;[^,]*hreflang=/g)].map((m) => m[1] ?? ''))
      .filter((href) => !href.startsWith(PUBLIC));
    expect(relative).toEqual([]);
  });

  it('lets a page fetch from its own site, so auditors can read robots.txt from inside it', () => {
    expect(PAGE_CSP).toMatch(/(^|;\s*)connect-src 'self'(;|$)/);
  });
});
