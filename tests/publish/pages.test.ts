// The HTML pages: home, office (holders table, timeline with windows), people, tenures, ontology; two languages; escaping.

import type { Hono } from 'hono';
import { DataFactory, Store } from 'n3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { escapeHtml } from '../../src/publish/html.ts';
import { homePage } from '../../src/publish/pages/home.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { HTML_CSP } from '../../src/publish/respond.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { Index, StoreView } from '../../src/publish/view.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS, prefixesFor } from '../../src/rdf/ns.ts';
import { testConfig } from '../support/graph.ts';
import { ldApp, linksOf } from './helpers.ts';

const PUBLIC = 'http://127.0.0.1:8126/';
const BASE = 'https://w3id.org/npcsc/';
let app: Hono;
let graph: Graph;

beforeAll(async () => {
  ({ app, graph } = await ldApp({ publicBase: PUBLIC }));
});

async function page(path: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await app.request(path, { headers });
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
  return res.text();
}

describe('The home page', () => {
  let html: string;
  beforeAll(async () => {
    html = await page('/', { accept: 'text/html' });
  });

  it('describes the dataset and links to SPARQL, the API and every dump', () => {
    const links = linksOf(html, PUBLIC);
    for (const target of [
      'sparql',
      'api/openapi.json',
      'dump.ttl',
      'dump.nt',
      'dump.jsonld',
      'dump.csv',
      '.well-known/void',
    ]) {
      expect(links, target).toContain(`${PUBLIC}${target}`);
    }
    expect(html).toMatch(/triples about \d+ things/);
  });

  it('lists the secretaries-general', () => {
    expect(html).toContain(`${PUBLIC}doc/person/peng-zhen.html`);
    expect(html).toContain(`${PUBLIC}doc/tenure/secretary-general/14.html`);
  });

  it('has a Chinese version with hreflang alternates both ways', async () => {
    const zh = await page('/index.zh-Hans.html');
    expect(zh).toMatch(/<html lang="zh-Hans">/);
    expect(zh).toContain('全国人大常委会秘书长知识图谱');
    expect(html).toContain(`<link rel="alternate" hreflang="zh-Hans" href="${PUBLIC}index.zh-Hans.html">`);
    expect(zh).toContain(`<link rel="alternate" hreflang="en" href="${PUBLIC}">`);
  });

  it('says the same read from the store as from an index of all its triples', () => {
    const pub = new Publisher(graph, testConfig({ publicBase: PUBLIC }));
    const data = { datasetIx: new Index(pub.quads('doc/dataset/npcsc-kg')), stats: { triples: 1, entities: 1 } };
    for (const lang of ['en', 'zh-Hans'] as const) {
      const fromStore = homePage(pub.pageCtx(lang, new StoreView(graph.store)), data);
      const fromIndex = homePage(pub.pageCtx(lang, new Index(graph.store.getQuads(null, null, null, null))), data);
      expect(fromStore).toBe(fromIndex);
    }
  });

  it('shows the first entries of a long list and sends the rest to the sitemap (a graph of many offices)', () => {
    const pub = new Publisher(graph, testConfig({ publicBase: PUBLIC }));
    const render = (listMax?: number) =>
      homePage(pub.pageCtx('en', new StoreView(graph.store)), {
        datasetIx: new Index(pub.quads('doc/dataset/npcsc-kg')),
        stats: { triples: 0, entities: 0 },
        ...(listMax ? { listMax } : {}),
      });
    const people = (page: string) => {
      const section = page.slice(
        page.indexOf('<h3>People</h3>'),
        page.indexOf('<h3>', page.indexOf('<h3>People</h3>') + 1),
      );
      return { items: section.match(/<li>/g)?.length ?? 0, section };
    };
    const all = people(render());
    expect(all.items).toBeGreaterThan(20);
    expect(all.section).not.toContain('more, all in the sitemap');
    const few = people(render(5));
    expect(few.items).toBe(5);
    expect(few.section).toContain(`<a href="${PUBLIC}sitemap.xml">… and ${all.items - 5} more, all in the sitemap`);
    // What is shown is the start of the same order.
    const links = (section: string) => linksOf(section, PUBLIC);
    expect(links(few.section).slice(0, 5)).toEqual(links(all.section).slice(0, 5));
  });
});

describe('The office page', () => {
  let html: string;
  beforeAll(async () => {
    html = await page('/doc/office/secretary-general.html');
  });

  it('shows the infobox facts', () => {
    for (const label of ['appointed by', 'nominated by', 'ex officio member of', 'term length', 'incumbent']) {
      expect(html, label).toContain(`>${label}</span>`);
    }
  });

  it('has a holders table with one row per tenure', () => {
    const table = /<table class="tenures">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const rows = table.match(/<tr>/g)?.length ?? 0;
    const tenures = graph.store.getSubjects(
      `${BASE}ontology#office`,
      `${BASE}id/office/secretary-general`,
      null,
    ).length;
    expect(rows - 1).toBe(tenures);
  });

  it('shows each holder’s Chinese name beside the English one, as the person’s page does', async () => {
    const table = /<table class="tenures">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(table).toContain(
      `<a href="${PUBLIC}doc/person/li-jianguo.html">Li Jianguo</a> <span class="other-name" lang="zh-Hans">李建国</span>`,
    );
    expect(table).toContain(
      `<a href="${PUBLIC}doc/person/liu-qi.html">Liu Qi</a> <span class="other-name" lang="zh-Hans">刘奇</span>`,
    );
    // Every row's holder has one: the sources give all fourteen tenures' holders in Chinese.
    const rows = table.split('<tr>').slice(2);
    expect(rows.filter((r) => !/class="other-name" lang="zh-Hans"/.test(r))).toEqual([]);
    // The same markup as the heading of the person's page; the Chinese page does not repeat the name.
    expect(await page('/doc/person/li-jianguo.html')).toContain(
      '<span class="other-name" lang="zh-Hans">李建国</span>',
    );
    expect(await page('/doc/office/secretary-general.zh-Hans.html')).not.toContain('class="other-name"');
  });

  it('shows dates at their precision, never padded to a day', () => {
    expect(html).toContain('<time datetime="1965-01" data-precision="month">January 1965</time>');
    expect(html).toContain('<time datetime="1954-09-27" data-precision="day">27 September 1954</time>');
    expect(html).toContain('<time datetime="1988" data-precision="year">1988</time>');
    expect(html).not.toMatch(/datetime="1965-01-01"/);
  });

  it('draws a server-rendered timeline where uncertain dates are windows, not points', () => {
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toMatch(/role="img"/);
    expect(svg.match(/class="tl-row"/g)?.length).toBe(
      graph.store.getSubjects(`${BASE}ontology#office`, `${BASE}id/office/secretary-general`, null).length,
    );
    // Liu Ningyi's start is known only within the 3rd NPC's first session.
    expect(svg).toMatch(
      /class="tl-window tl-start" data-from="1964-12-21" data-to="1965-01-04" x="[\d.]+" y="[\d.]+" width="[\d.]+"/,
    );
    // Peng Zhen's first start is known to the day: no window.
    const first = /<a href="[^"]*secretary-general\/1\.html" class="tl-row">[\s\S]*?<\/a>/.exec(svg)?.[0] ?? '';
    expect(first).not.toMatch(/tl-start/);
    expect(first).toMatch(/tl-end" data-from="1964-12-21" data-to="1965-01-04"/);
    // The current tenure runs open-ended.
    expect(svg).toMatch(/tl-bar tl-current/);
  });

  it('keeps only SVG elements in the Chinese chairperson timelines, whose last holders have English names only', async () => {
    // An HTML element (a <span lang>) inside SVG <text> ends the <svg> in an HTML parser: the timeline falls apart.
    const tenures = graph.store.getSubjects(`${BASE}ontology#office`, `${BASE}id/office/chairperson`, null);
    const paths = ['/doc/office/chairperson', ...tenures.map((t) => `/doc/${t.value.slice(`${BASE}id/`.length)}`)];
    const english: string[] = [];
    for (const path of paths) {
      const svg = /<svg[\s\S]*?<\/svg>/.exec(await page(`${path}.zh-Hans.html`))?.[0] ?? '';
      expect(svg, path).not.toBe('');
      const names = new Set([...svg.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]));
      expect(
        [...names].filter((n) => !['svg', 'title', 'line', 'text', 'tspan', 'a', 'rect', 'path'].includes(n ?? '')),
        path,
      ).toEqual([]);
      english.push(...[...svg.matchAll(/<tspan xml:lang="en">([^<]*)<\/tspan>/g)].map((m) => m[1] ?? ''));
    }
    expect(english).toContain('Zhao Leji');
  });

  it('shows the window of a date known only within one', () => {
    expect(html).toMatch(
      /January 1965<\/time> <span class="window">\(between 21 December 1964 and 4 January 1965\)<\/span>/,
    );
  });

  it('has a canonical link, hreflang alternates and an alternate link to every RDF format', () => {
    expect(html).toContain(`<link rel="canonical" href="${PUBLIC}doc/office/secretary-general.html">`);
    expect(html).toContain(`<link rel="alternate" hreflang="en" href="${PUBLIC}doc/office/secretary-general.html">`);
    expect(html).toContain(
      `<link rel="alternate" hreflang="zh-Hans" href="${PUBLIC}doc/office/secretary-general.zh-Hans.html">`,
    );
    expect(html).toContain(`<link rel="alternate" hreflang="x-default"`);
    for (const [type, ext] of [
      ['text/turtle', 'ttl'],
      ['application/ld+json', 'jsonld'],
      ['application/n-triples', 'nt'],
      ['application/rdf+xml', 'rdf'],
    ]) {
      expect(html).toContain(
        `<link rel="alternate" type="${type}" href="${PUBLIC}doc/office/secretary-general.${ext}"`,
      );
    }
  });

  it('has a "query this" link that opens /sparql prefilled', () => {
    const href = /<a class="query-this" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const url = new URL(href);
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC}sparql`);
    expect(url.searchParams.get('query')).toBe(`DESCRIBE <${BASE}id/office/secretary-general>`);
  });

  it('shows the conflict notes about the office and its sources, linking out', () => {
    expect(html).toContain('id="notes"');
    expect(html).toMatch(/<a href="https:\/\/wikimili\.com[^"]*" rel="external nofollow noopener">/);
  });

  it('loads no external asset and runs no script (the JSON-LD block is data)', async () => {
    const res = await app.request('/doc/office/secretary-general.html');
    expect(res.headers.get('content-security-policy')).toBe(HTML_CSP);
    for (const m of html.matchAll(/<(link|script|img)\b[^>]*>/g)) {
      const tag = m[0];
      if (tag.startsWith('<script')) expect(tag).toBe('<script type="application/ld+json">');
      if (/rel="(stylesheet|icon)"/.test(tag)) expect(tag).toContain(`href="${PUBLIC}assets/`);
    }
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });
});

describe('Pages in simplified Chinese', () => {
  it.each([
    ['/doc/office/secretary-general.zh-Hans.html', {}],
    ['/doc/office/secretary-general.html?lang=zh-Hans', {}],
    ['/doc/office/secretary-general', { accept: 'text/html', 'accept-language': 'zh-CN,zh;q=0.9' }],
  ])('are served for %s', async (path, headers) => {
    const res = await app.request(path, { headers });
    const html = await res.text();
    expect(html).toMatch(/<html lang="zh-Hans">/);
    expect(res.headers.get('content-language')).toBe('zh-Hans');
    expect(html).toContain('全国人民代表大会常务委员会秘书长');
    expect(html).toContain('<time datetime="1965-01" data-precision="month">1965年1月</time>');
    expect(html).toContain(`${PUBLIC}doc/person/peng-zhen.zh-Hans.html`);
  });

  it('mark text that exists only in English with lang="en"', async () => {
    const html = await page('/doc/office/deputy-secretary-general.zh-Hans.html');
    expect(html).toMatch(/<h1><span lang="en">Deputy Secretary-General of the Standing Committee/);
  });

  it('name in Chinese every office the data has a Chinese label for, never in English', async () => {
    // The reference gives these three in Chinese (facts.md §1 row 5, §3, §7 b20, §8.1).
    const offices = {
      'secretary-general': '全国人民代表大会常务委员会秘书长',
      chairperson: '全国人民代表大会常务委员会委员长',
      'vice-chairperson': '全国人民代表大会常务委员会副委员长',
    };
    const label = (iri: string, lang: string) =>
      graph.store
        .getObjects(iri, `${NS.rdfs}label`, null)
        .filter((o) => o.termType === 'Literal' && (o as { language: string }).language === lang)
        .map((o) => o.value);
    for (const [slug, zh] of Object.entries(offices)) {
      expect(label(`${BASE}id/office/${slug}`, 'zh-hans'), slug).toEqual([zh]);
    }
    const html = await page('/doc/office/secretary-general.zh-Hans.html');
    for (const o of graph.store.getSubjects(`${NS.rdf}type`, `${BASE}ontology#Office`, null)) {
      const [zh] = label(o.value, 'zh-hans');
      if (!zh) continue;
      for (const en of label(o.value, 'en')) expect(html, o.value).not.toContain(`>${escapeHtml(en)}<`);
    }
    expect(html).toContain(`>${offices.chairperson}<`);
    expect(html).toContain(`>${offices['vice-chairperson']}<`);
  });
});

describe('The pages of people, tenures, organisations, NPC terms and notes', () => {
  it('show a person’s tenures with a timeline', async () => {
    const html = await page('/doc/person/peng-zhen.html');
    expect(html).toContain('id="tenures"');
    // Three rows in each of the two pictures (the wide one and the one for phones).
    expect(
      html.match(/<figure class="timeline tl-wide">[\s\S]*?<\/figure>/)?.[0].match(/class="tl-row"/g)?.length,
    ).toBe(3);
    expect(
      html.match(/<figure class="timeline tl-narrow">[\s\S]*?<\/figure>/)?.[0].match(/class="tl-row"/g)?.length,
    ).toBe(3);
    expect(html).toContain('<time datetime="1902-10-12" data-precision="day">12 October 1902</time>');
  });

  it('show a tenure with its holder, office, NPC terms and the notes about it', async () => {
    const html = await page('/doc/tenure/secretary-general/2.html');
    expect(html).toContain(`${PUBLIC}doc/person/liu-ningyi.html`);
    expect(html).toContain(`${PUBLIC}doc/npc-term/3.html`);
    expect(html).toContain('id="notes"');
    expect(html).toContain('What is not known');
  });

  it.each([
    '/doc/org/npcsc.html',
    '/doc/npc-term/3.html',
    '/doc/note/sg-1-end-1965.html',
    '/doc/dataset/npcsc-kg.html',
  ])('render %s', async (path) => {
    const html = await page(path);
    expect(html).toContain('<h1>');
  });
});

describe('The ontology page', () => {
  it('lists every class and property with both labels, comments and alignments', async () => {
    const html = await page('/ontology.html');
    const terms = graph.store
      .getSubjects(null, null, null)
      .map((s) => s.value)
      .filter((s) => s.startsWith(`${BASE}ontology#`));
    for (const t of terms) {
      const local = t.slice(`${BASE}ontology#`.length);
      expect(html, local).toContain(`id="${local}"`);
      for (const label of graph.store.getObjects(t, `${NS.rdfs}label`, null)) expect(html).toContain(label.value);
    }
    expect(html).toContain('http://www.w3.org/ns/org#Membership');
    expect(html).toContain('id="alignments"');
  });

  it('never opens a paragraph inside another (which leaves a stray </p>), in either language', async () => {
    for (const path of ['/ontology.html', '/ontology.zh-Hans.html']) {
      expect(nestedParagraphs(await page(path)), path).toEqual([]);
    }
  });

  it('shows in Chinese the terms that have Chinese, English (marked) only where none exists', async () => {
    const html = await page('/ontology.zh-Hans.html');
    const inLang = (s: string, p: string, lang: string) =>
      graph.store.getObjects(s, p, null).filter((o) => o.termType === 'Literal' && o.language === lang);
    const terms = [...new Set(graph.store.getSubjects(null, null, null).map((s) => s.value))].filter((s) =>
      s.startsWith(`${BASE}ontology#`),
    );
    let chinese = 0;
    for (const term of terms) {
      for (const p of [`${NS.rdfs}label`, `${NS.rdfs}comment`]) {
        const [zh] = inLang(term, p, 'zh-hans');
        const english = inLang(term, p, 'en').map((o) => `lang="en">${escapeHtml(o.value)}<`);
        if (zh) {
          chinese++;
          expect(html).toContain(escapeHtml(zh.value));
          for (const e of english) expect(html, term).not.toContain(e);
        } else for (const e of english) expect(html, term).toContain(e);
      }
    }
    expect(chinese).toBeGreaterThan(terms.length);
  });

  it('names the ontology in the page’s language where the site is served at the canonical base', async () => {
    // There the ontology's IRI is its document's own address: the page must still show the ontology.
    const { app: canonical } = await ldApp();
    const zh = await (await canonical.request('/ontology.zh-Hans.html')).text();
    expect(/<h1>([^<]*)<\/h1>/.exec(zh)?.[1]).toBe('全国人大常委会秘书长本体');
    expect(zh).toMatch(/<p class="lead">描述一个公职/);
  });
});

describe('Every note', () => {
  it('is an article with a heading, on its own page and among the notes of what it is about', async () => {
    const notes = graph.store.getSubjects(`${NS.rdf}type`, `${BASE}ontology#ConflictNote`, null);
    expect(notes.length).toBeGreaterThan(20);
    const paths = [
      ...notes.map((n) => `/doc/note/${n.value.slice(`${BASE}id/note/`.length)}`),
      '/doc/office/secretary-general',
    ];
    for (const path of paths) {
      for (const suffix of ['.html', '.zh-Hans.html']) {
        const articles = [...(await page(`${path}${suffix}`)).matchAll(/<article class="note"[\s\S]*?<\/article>/g)];
        expect(articles.length, path).toBeGreaterThan(0);
        for (const [a] of articles) expect(a, `${path}${suffix}`).toMatch(/^<article[^>]*>\s*<h[2-6]>/);
      }
    }
  });
});

/** Each <p> opened while another is still open: the HTML parser closes the first there, and its </p> is stray. */
function nestedParagraphs(html: string): string[] {
  const found: string[] = [];
  let open = 0;
  for (const m of html.matchAll(/<(\/?)p(?=[\s>])[^>]*>/g)) {
    if (m[1]) open = Math.max(0, open - 1);
    else {
      if (open > 0) found.push(html.slice(Math.max(0, (m.index ?? 0) - 80), (m.index ?? 0) + 40));
      open++;
    }
  }
  return found;
}

describe('A page of data with markup in it', () => {
  it('escapes every literal', async () => {
    const base = 'https://example.org/x/';
    const { namedNode, literal, quad } = DataFactory;
    const store = new Store([
      quad(namedNode(`${base}id/person/evil`), namedNode(`${NS.rdf}type`), namedNode(`${NS.schema}Person`)),
      quad(
        namedNode(`${base}id/person/evil`),
        namedNode(`${NS.rdfs}label`),
        literal('<script>alert("x")</script> & <b>co</b>', 'en'),
      ),
      quad(
        namedNode(`${base}id/person/evil`),
        namedNode(`${NS.schema}name`),
        literal('<script>alert("x")</script> & <b>co</b>', 'en'),
      ),
      quad(
        namedNode(`${base}id/person/evil`),
        namedNode(`${NS.rdfs}comment`),
        literal('"quoted" \'single\' </p>', 'en'),
      ),
      quad(namedNode(`${base}id/person/evil`), namedNode(`${NS.dcterms}source`), namedNode('javascript:alert(1)')),
    ]);
    const fake: Graph = {
      store,
      base,
      hash: '0'.repeat(64),
      prefixes: prefixesFor(base),
      context: { '@context': {} },
      counts: { asserted: 4, derived: 0, total: 4 },
      warnings: [],
      derivation: {} as Graph['derivation'],
      builtAt: new Date(0),
    };
    const config = testConfig({ base, publicBase: 'http://127.0.0.1:9/' });
    const fakeApp = createApp(fake, config, [linkedDataRoutes]);
    const res = await fakeApp.request('/doc/person/evil.html');
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>co</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;');
    expect(html).not.toMatch(/href="javascript:/);
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    // A name in the page's language is a plain string (the context's default language).
    expect(JSON.parse(block).name).toBe('<script>alert("x")</script> & <b>co</b>');
  });
});
