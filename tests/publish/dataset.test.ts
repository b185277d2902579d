// Dataset level: dumps in every format (gzip when accepted), the tenure CSV, sitemap.xml, robots.txt, the JSON-LD context.
import { gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/publish/dumps.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { type Graph, ldApp, parseRdf } from './helpers.ts';

const PUBLIC = 'http://127.0.0.1:8127/';
const BASE = 'https://w3id.org/npcsc/';
let app: Hono;
let graph: Graph;
let keys: string[];

beforeAll(async () => {
  const made = await ldApp({ publicBase: PUBLIC });
  ({ app, graph } = made);
  keys = [...new Publisher(graph, made.config).keys.keys()];
});

/** Splits RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('The dumps', () => {
  it.each([
    ['/dump.ttl', 'turtle', 'text/turtle'],
    ['/dump.nt', 'ntriples', 'application/n-triples'],
    ['/dump.jsonld', 'jsonld', 'application/ld+json'],
  ] as const)('%s holds the whole graph', async (path, format, type) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
    const quads = await parseRdf(await res.text(), format);
    expect(quads.length).toBe(graph.store.size);
  });

  it('are gzipped when the client accepts gzip', async () => {
    const res = await app.request('/dump.nt', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    expect(text.trim().split('\n').length).toBe(graph.store.size);
    expect(Number(res.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(text) / 3);
  });
});

describe('The tenure table (dump.csv)', () => {
  let rows: string[][];
  beforeAll(async () => {
    const res = await app.request('/dump.csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    rows = parseCsv(await res.text());
  });

  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
  const rowOf = (tenure: string) => rows.find((r) => r[col('tenure')] === `${BASE}id/tenure/${tenure}`) ?? [];

  it('has a header and one row per tenure', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const count = graph.store.getSubjects(
      'http://www.w3.org/1999/02/22-rdf-syntax-ns#type',
      `${BASE}ontology#Tenure`,
      null,
    ).length;
    expect(rows.length - 1).toBe(count);
    for (const r of rows) expect(r.length).toBe(CSV_COLUMNS.length);
  });

  it('names holders and offices in both languages', () => {
    const r = rowOf('secretary-general/1');
    expect(r[col('holder_en')]).toBe('Peng Zhen');
    expect(r[col('holder_zh_hans')]).toBe('彭真');
    expect(r[col('office_zh_hans')]).toBe('全国人民代表大会常务委员会秘书长');
  });

  it('gives dates at their precision with their bounds, never padded', () => {
    const r = rowOf('secretary-general/2');
    expect(r[col('start')]).toBe('1965-01');
    expect(r[col('start_precision')]).toBe('month');
    expect(r[col('start_earliest')]).toBe('1964-12-21');
    expect(r[col('start_latest')]).toBe('1965-01-04');
    const y = rowOf('secretary-general/7');
    expect(y[col('start')]).toBe('1988');
    expect(y[col('start_precision')]).toBe('year');
    const d = rowOf('secretary-general/1');
    expect(d[col('start')]).toBe('1954-09-27');
    expect(d[col('start_precision')]).toBe('day');
  });

  it('leaves the end of the current tenure empty and marks it current', () => {
    const current = rows.filter((r) => r[col('is_current')] === 'true');
    expect(current.length).toBe(2);
    for (const r of current) expect(r[col('end')]).toBe('');
  });
});

describe('The sitemap', () => {
  it('lists every page in both languages with lastmod and hreflang alternates, on the public base', async () => {
    const res = await app.request('/sitemap.xml');
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs.length).toBe((keys.length + 1) * 2);
    expect(locs).toContain(PUBLIC);
    expect(locs).toContain(`${PUBLIC}index.zh-Hans.html`);
    expect(locs).toContain(`${PUBLIC}doc/person/peng-zhen.html`);
    expect(locs).toContain(`${PUBLIC}doc/person/peng-zhen.zh-Hans.html`);
    expect(locs).toContain(`${PUBLIC}ontology.html`);
    expect(xml.match(/<lastmod>\d{4}-\d{2}-\d{2}<\/lastmod>/g)?.length).toBe(locs.length);
    expect(xml).toContain('hreflang="zh-Hans"');
  });

  it('is named by robots.txt', async () => {
    const text = await (await app.request('/robots.txt')).text();
    expect(text).toContain(`Sitemap: ${PUBLIC}sitemap.xml`);
    expect(text).toMatch(/Disallow: \/sparql/);
  });

  it('lets crawlers read the query page in both languages, not the answers of the endpoint or the API', async () => {
    const text = await (await app.request('/robots.txt')).text();
    expect(crawlable(text, '/sparql')).toBe(true);
    expect(crawlable(text, '/sparql.zh-Hans.html')).toBe(true);
    expect(crawlable(text, '/doc/person/peng-zhen.html')).toBe(true);
    expect(crawlable(text, `/sparql?query=${encodeURIComponent('ASK {}')}`)).toBe(false);
    expect(crawlable(text, '/sparql.zh-Hans.html?query=x')).toBe(false);
    expect(crawlable(text, '/api/holders')).toBe(false);
  });
});

/**
 * Whether robots.txt lets a crawler fetch `path`, by RFC 9309's rule: the longest matching pattern decides, Allow
 * on a tie; `*` is any run of characters and a final `$` the end of the path.
 */
function crawlable(robots: string, path: string): boolean {
  const literal = (x: string) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  let best = { length: -1, allow: true };
  for (const line of robots.split('\n')) {
    const m = /^(allow|disallow):\s*(\S+)/i.exec(line.trim());
    if (!m?.[1] || !m[2]) continue;
    const anchored = m[2].endsWith('$');
    const body = anchored ? m[2].slice(0, -1) : m[2];
    if (!new RegExp(`^${body.split('*').map(literal).join('.*')}${anchored ? '$' : ''}`).test(path)) continue;
    const allow = m[1].toLowerCase() === 'allow';
    if (m[2].length > best.length || (m[2].length === best.length && allow)) best = { length: m[2].length, allow };
  }
  return best.allow;
}

describe('The JSON-LD context', () => {
  it('is served at /context.jsonld and is the one the documents are compacted with', async () => {
    const res = await app.request('/context.jsonld');
    expect(res.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const context = (await res.json()) as { '@context': Record<string, string> };
    expect(context['@context'].npcsc).toBe(`${BASE}ontology#`);
    const doc = (await (await app.request('/doc/person/peng-zhen.jsonld')).json()) as { '@context': unknown };
    expect(doc['@context']).toEqual(context['@context']);
  });
});
