// The sitemap within the protocol's limits (50,000 URLs, 50 MB a file): one urlset while every page fits, else an
// index of parts served at /sitemap-N.xml and written by the static export.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { exportSite } from '../../src/export/site.ts';
import { LANGS } from '../../src/publish/formats.ts';
import { escapeHtml } from '../../src/publish/html.ts';
import { Iris } from '../../src/publish/iris.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { linkedDataRoutes, linkedDataRoutesWith } from '../../src/publish/routes.ts';
import { SITEMAP_MAX_URLS, Sitemap } from '../../src/publish/sitemap.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import type { Config, Graph } from './helpers.ts';

const PUBLIC = 'http://127.0.0.1:8127/';
const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const SMALL = 10;

/** The single-file sitemap as it was written before parts existed: the reference for byte-identical output. */
function referenceSitemap(iris: Iris, keys: readonly string[], lastmod: string | undefined): string {
  const pages: Record<string, string>[] = [{ en: iris.url(''), 'zh-Hans': iris.url('index.zh-Hans.html') }];
  for (const key of keys) {
    pages.push(Object.fromEntries(LANGS.map((l) => [l, iris.docUrl(key, 'html', l)])));
  }
  const entries = pages.flatMap((byLang) =>
    LANGS.map(
      (l) => `  <url>
    <loc>${escapeHtml(byLang[l] ?? '')}</loc>
    <lastmod>${lastmod}</lastmod>
${LANGS.map((a) => `    <xhtml:link rel="alternate" hreflang="${a}" href="${escapeHtml(byLang[a] ?? '')}"/>`).join('\n')}
  </url>`,
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${entries.join('\n')}
</urlset>
`;
}

const locsOf = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');
/** Each <url> of a urlset: its loc and the hrefs of its alternates. */
const urlsOf = (xml: string) =>
  [...xml.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => ({
    loc: /<loc>([^<]+)<\/loc>/.exec(m[1] ?? '')?.[1] ?? '',
    alternates: [...(m[1] ?? '').matchAll(/hreflang="[^"]+" href="([^"]+)"/g)].map((a) => a[1] ?? ''),
  }));
const text = async (rep: { body: Uint8Array } | Promise<{ body: Uint8Array }>) =>
  Buffer.from((await rep).body).toString('utf8');

/** Checks a split sitemap.xml: an index naming sitemap-1.xml … sitemap-{parts}.xml in order, each with its lastmod. */
function expectIndex(index: string, iris: Iris, parts: number, lastmod: string | undefined) {
  expect(index.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${NS}">\n`)).toBe(true);
  expect(index).not.toContain('<urlset');
  expect(index).not.toContain('<url>');
  expect(locsOf(index)).toEqual(Array.from({ length: parts }, (_, i) => iris.url(`sitemap-${i + 1}.xml`)));
  expect(index.match(/<sitemap>\s*<loc>[^<]+<\/loc>\s*<lastmod>[^<]+<\/lastmod>\s*<\/sitemap>/g)?.length).toBe(parts);
  expect([...index.matchAll(/<lastmod>([^<]+)<\/lastmod>/g)].map((m) => m[1])).toEqual(Array(parts).fill(lastmod));
}

/** Checks the parts hold exactly the single sitemap's URLs, none twice, within `max` each, a page's languages together. */
function expectParts(parts: readonly string[], single: string, max: number) {
  const all: string[] = [];
  for (const part of parts) {
    expect(part.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${NS}"`)).toBe(true);
    expect(part.endsWith('</urlset>\n')).toBe(true);
    const urls = urlsOf(part);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.length).toBeLessThanOrEqual(max);
    expect(locsOf(part)).toEqual(urls.map((u) => u.loc));
    const here = new Set(urls.map((u) => u.loc));
    for (const u of urls) {
      expect(u.alternates).toHaveLength(LANGS.length);
      for (const alt of u.alternates) expect(here.has(alt), `${alt} beside ${u.loc}`).toBe(true);
    }
    all.push(...urls.map((u) => u.loc));
  }
  const expected = locsOf(single);
  expect(new Set(all).size).toBe(all.length);
  expect(all).toEqual(expected);
  // Every entry is today's entry, unchanged: the parts concatenated are the single file's entries.
  const entries = (xml: string) => xml.match(/ {2}<url>[\s\S]*?<\/url>/g) ?? [];
  expect(parts.flatMap(entries)).toEqual(entries(single));
}

let graph: Graph;
let config: Config;
let keys: string[];
let pub: Publisher;

beforeAll(async () => {
  graph = await realGraph();
  config = testConfig({ publicBase: PUBLIC });
  pub = new Publisher(graph, config);
  keys = [...pub.keys.keys()];
});

describe('The sitemap of the real dataset', () => {
  it('stays one urlset, byte-identical to the single-file sitemap, with every document in both languages', async () => {
    expect(pub.sitemapParts()).toBe(0);
    const xml = await text(pub.sitemap());
    expect(xml).toBe(referenceSitemap(pub.iris, keys, pub.modified));
    expect(xml).toContain(`<urlset xmlns="${NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">`);
    expect(xml).not.toContain('sitemapindex');
    const locs = new Set(locsOf(xml));
    expect(locs.size).toBe((keys.length + 1) * LANGS.length);
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys) {
      for (const lang of LANGS) expect(locs.has(pub.iris.docUrl(key, 'html', lang)), `${key} ${lang}`).toBe(true);
    }
  });

  it('is served as that urlset, with no part to serve', async () => {
    const app = createApp(graph, config, [linkedDataRoutes]);
    const res = await app.request('/sitemap.xml');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(referenceSitemap(pub.iris, keys, pub.modified));
    expect((await app.request('/sitemap-1.xml')).status).toBe(404);
  });
});

describe('A sitemap past the limit', () => {
  it('becomes an index of ceil(URLs / limit) parts holding exactly the single sitemap, a page whole in one part', async () => {
    const small = new Publisher(graph, config, { sitemapMaxUrls: SMALL });
    const urls = (keys.length + 1) * LANGS.length;
    const parts = small.sitemapParts();
    expect(parts).toBe(Math.ceil(urls / SMALL));
    expectIndex(await text(small.sitemap()), small.iris, parts, small.modified);
    const bodies = await Promise.all(Array.from({ length: parts }, (_, i) => text(small.sitemapPart(i + 1))));
    expectParts(bodies, referenceSitemap(small.iris, keys, small.modified), SMALL);
    expect(() => small.sitemapPart(0)).toThrow(RangeError);
    expect(() => small.sitemapPart(parts + 1)).toThrow(RangeError);
  });

  it('never splits a page: an odd limit leaves room for whole pages only', () => {
    const iris = new Iris(graph.base, PUBLIC);
    const map = new Sitemap(iris, keys, '2024-01-01', { maxUrls: 7 });
    const pages = keys.length + 1;
    expect(map.parts).toBe(Math.ceil(pages / 3));
    const bodies = Array.from({ length: map.parts }, (_, i) => map.part(i + 1));
    expectParts(bodies, referenceSitemap(iris, keys, '2024-01-01'), 6);
    expect(() => new Sitemap(iris, keys, '2024-01-01', { maxUrls: 1 })).toThrow(RangeError);
  });

  it('splits only past the limit: exactly at it, one urlset', () => {
    const iris = new Iris(graph.base, PUBLIC);
    const urls = (keys.length + 1) * LANGS.length;
    const exact = new Sitemap(iris, keys, '2024-01-01', { maxUrls: urls });
    expect(exact.parts).toBe(0);
    expect(exact.main()).toBe(referenceSitemap(iris, keys, '2024-01-01'));
    expect(() => exact.part(1)).toThrow(RangeError);
    expect(new Sitemap(iris, keys, '2024-01-01', { maxUrls: urls - 1 }).parts).toBe(2);
  });

  it('splits past the byte limit too, every part within it', () => {
    const iris = new Iris(graph.base, PUBLIC);
    const single = referenceSitemap(iris, keys, '2024-01-01');
    const maxBytes = Math.ceil(Buffer.byteLength(single) / 4);
    const map = new Sitemap(iris, keys, '2024-01-01', { maxBytes });
    expect(map.parts).toBeGreaterThanOrEqual(4);
    expect(map.parts).toBeLessThanOrEqual(6);
    const bodies = Array.from({ length: map.parts }, (_, i) => map.part(i + 1));
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(maxBytes);
    expectParts(bodies, single, Number.POSITIVE_INFINITY);
    expectIndex(map.main(), iris, map.parts, '2024-01-01');
  });

  it('keeps a graph of ~40,000 documents (950 offices) within 50,000 URLs a file by default', () => {
    const iris = new Iris(graph.base, PUBLIC);
    const many = Array.from({ length: 40_000 }, (_, i) => `doc/office/o${String(i).padStart(5, '0')}`);
    const map = new Sitemap(iris, many, '2024-01-01');
    expect(map.parts).toBe(Math.ceil(((many.length + 1) * LANGS.length) / SITEMAP_MAX_URLS));
    expect(map.parts).toBe(2);
    // Counted, not parsed: the parts of this size are checked entry by entry above with small limits.
    const locs = Array.from({ length: map.parts }, (_, i) => {
      const body = map.part(i + 1);
      expect(Buffer.byteLength(body)).toBeLessThan(50 * 1024 * 1024);
      const n = body.split('<loc>').length - 1;
      expect(n).toBeLessThanOrEqual(SITEMAP_MAX_URLS);
      expect(n % LANGS.length).toBe(0);
      return n;
    });
    expect(locs.reduce((a, b) => a + b, 0)).toBe((many.length + 1) * LANGS.length);
    expect(map.main()).toContain(`<loc>${PUBLIC}sitemap-2.xml</loc>`);
  });
});

describe('The server with a split sitemap', () => {
  it('answers /sitemap.xml (the index) and every /sitemap-N.xml with XML, and 404 past the last part', async () => {
    const app = createApp(graph, config, [linkedDataRoutesWith({ sitemapMaxUrls: SMALL })]);
    const small = new Publisher(graph, config, { sitemapMaxUrls: SMALL });
    const parts = small.sitemapParts();
    expect(parts).toBeGreaterThan(1);
    const index = await app.request('/sitemap.xml');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^application\/xml/);
    const indexXml = await index.text();
    expectIndex(indexXml, small.iris, parts, small.modified);
    const bodies: string[] = [];
    for (const loc of locsOf(indexXml)) {
      const res = await app.request(new URL(loc).pathname);
      expect(res.status, loc).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
      bodies.push(await res.text());
    }
    expectParts(bodies, referenceSitemap(small.iris, keys, small.modified), SMALL);
    for (const missing of [`/sitemap-${parts + 1}.xml`, '/sitemap-999.xml', '/sitemap-0.xml']) {
      expect((await app.request(missing)).status, missing).toBe(404);
    }
    const robots = await (await app.request('/robots.txt')).text();
    expect(robots).toContain(`Sitemap: ${PUBLIC}sitemap.xml`);
  });
});

describe('A static export with a split sitemap', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'npcsc-sitemap-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes the index and every part, the same bytes as the server', async () => {
    const out = path.join(work, 'site');
    const result = await exportSite(graph, config, out, { sitemapMaxUrls: SMALL });
    const small = new Publisher(graph, config, { sitemapMaxUrls: SMALL });
    const parts = small.sitemapParts();
    expect(parts).toBeGreaterThan(1);
    const indexXml = readFileSync(path.join(out, 'sitemap.xml'), 'utf8');
    expectIndex(indexXml, small.iris, parts, small.modified);
    const app = createApp(graph, config, [linkedDataRoutesWith({ sitemapMaxUrls: SMALL })]);
    expect(indexXml).toBe(await (await app.request('/sitemap.xml')).text());
    const bodies: string[] = [];
    for (let n = 1; n <= parts; n++) {
      const file = path.join(out, `sitemap-${n}.xml`);
      expect(existsSync(file), file).toBe(true);
      const body = readFileSync(file, 'utf8');
      expect(body).toBe(await (await app.request(`/sitemap-${n}.xml`)).text());
      bodies.push(body);
    }
    expect(existsSync(path.join(out, `sitemap-${parts + 1}.xml`))).toBe(false);
    expectParts(bodies, referenceSitemap(small.iris, keys, small.modified), SMALL);
    // Every other file is as in an export without parts: the parts are the only extra files.
    const plain = path.join(work, 'plain');
    const base = await exportSite(graph, config, plain);
    expect(result.files - base.files).toBe(parts);
    expect(existsSync(path.join(plain, 'sitemap-1.xml'))).toBe(false);
    expect(readFileSync(path.join(plain, 'sitemap.xml'), 'utf8')).toBe(
      referenceSitemap(small.iris, keys, small.modified),
    );
  }, 120_000);
});
