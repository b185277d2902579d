// Security headers on every response of every route: nosniff and Referrer-Policy always, a Content-Security-Policy on HTML with no inline script.
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { headersFile } from '../../src/export/site.ts';
import { PAGE_CSP, QUERY_PAGE_CSP, SECURITY_HEADERS } from '../../src/http/headers.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { PREVIEW_CSP } from '../../src/reconcile/routes.ts';
import { crawl } from '../publish/helpers.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { fullApp } from './support.ts';

const ORIGIN = 'http://127.0.0.1:8080';
let app: Hono;
const seen: { url: string; method: string; status: number; headers: Headers; body: string }[] = [];

/** Requests through the app, keeping every response for the checks below. */
async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await app.request(new URL(url, ORIGIN).toString(), init);
  const body = res.status === 304 || init.method === 'HEAD' ? '' : await res.clone().text();
  seen.push({ url, method: init.method ?? 'GET', status: res.status, headers: res.headers, body });
  return res;
}

/** One request of every kind the route table answers: each route, each error, each method. */
const SAMPLES: [string, RequestInit?][] = [
  ['/'],
  ['/', { headers: { accept: 'text/turtle' } }],
  ['/index.zh-Hans.html'],
  ['/id/person/peng-zhen', { headers: { accept: 'text/html' } }],
  ['/id/person/nobody'],
  ['/doc/person/peng-zhen'],
  ['/doc/person/peng-zhen.ttl'],
  ['/doc/person/peng-zhen.jsonld'],
  ['/doc/person/peng-zhen.rdf'],
  ['/doc/person/nobody.html'],
  ['/doc/person/peng-zhen', { headers: { accept: 'image/png' } }],
  ['/ontology'],
  ['/ontology.ttl'],
  ['/dataset'],
  ['/.well-known/void'],
  ['/dump.ttl'],
  ['/dump.csv'],
  ['/sitemap.xml'],
  ['/robots.txt'],
  ['/context.jsonld'],
  ['/assets/site.css'],
  ['/assets/favicon.svg'],
  ['/sparql', { headers: { accept: 'text/html' } }],
  ['/sparql', { headers: { accept: 'text/turtle' } }],
  ['/sparql?query=ASK%7B%7D'],
  ['/sparql?query=SELEKT'],
  ['/sparql?query=ASK%7B%7D', { headers: { accept: 'image/png' } }],
  ['/sparql', { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: 'ASK {}' }],
  ['/sparql', { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'CLEAR ALL' }],
  ['/sparql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ASK {}' }],
  [
    '/sparql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', 'content-length': '999999' },
      body: 'ASK {}',
    },
  ],
  ['/sparql', { method: 'OPTIONS' }],
  ['/sparql', { method: 'DELETE' }],
  ['/sparql?query=ASK%7B%7D', { method: 'HEAD' }],
  ['/api/openapi.json'],
  ['/api/holders'],
  ['/api/holders.csv'],
  ['/api/held-on-date?day=not-a-date'],
  ['/api/nothing-here'],
  ['/api/holders', { method: 'POST' }],
  ['/assets/yasgui/yasgui.min.js'],
  ['/assets/yasgui/yasgui.min.css'],
  ['/assets/yasgui/query-page.js'],
  ['/assets/yasgui/nothing.js'],
  ['/no/such/path'],
  ['/doc/person/peng-zhen', { method: 'HEAD' }],
  ['/search?q=peng'],
  ['/search?q=peng&format=json'],
  ['/search?q=peng', { headers: { accept: 'image/png' } }],
  ['/reconcile'],
  ['/reconcile?callback=cb'],
  [
    '/reconcile',
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'queries={' },
  ],
  ['/reconcile', { method: 'OPTIONS' }],
  ['/reconcile/suggest/entity?prefix=peng'],
  ['/reconcile/preview?id=person/peng-zhen'],
  ['/reconcile/preview?id=nobody'],
];

beforeAll(async () => {
  ({ app } = await fullApp({ publicBase: `${ORIGIN}/` }));
  for (const [url, init] of SAMPLES) await request(url, init);
  // 304s carry them too.
  const first = await request('/doc/person/peng-zhen.ttl');
  await request('/doc/person/peng-zhen.ttl', { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
  const page = await request('/sparql', { headers: { accept: 'text/html' } });
  await request('/sparql', { headers: { accept: 'text/html', 'if-none-match': page.headers.get('etag') ?? '' } });
  // And every page a visitor can reach by links, in both languages.
  const result = await crawl([`${ORIGIN}/`, `${ORIGIN}/index.zh-Hans.html`], request, (u) => u.startsWith(ORIGIN));
  expect(result.visited.size).toBeGreaterThan(100);
});

describe('Every response of the app', () => {
  it('should say nosniff and carry the Referrer-Policy, whatever its route, status or method', () => {
    expect(seen.length).toBeGreaterThan(150);
    const statuses = new Set(seen.map((s) => s.status));
    for (const status of [200, 204, 303, 304, 400, 403, 404, 405, 406, 413, 415]) expect(statuses).toContain(status);
    for (const s of seen) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(s.headers.get(name), `${s.method} ${s.url} (${s.status}) ${name}`).toBe(value);
      }
    }
  });

  it('should put the pages’ policy on every linked-data page and the query page’s on the query page', () => {
    const html = seen.filter((s) => (s.headers.get('content-type') ?? '').startsWith('text/html'));
    expect(html.length).toBeGreaterThan(50);
    for (const s of html) {
      const pathname = new URL(s.url, ORIGIN).pathname;
      // The reconciliation preview is made to be framed by OpenRefine: its own policy, still without script.
      const expected =
        pathname === '/sparql' ? QUERY_PAGE_CSP : pathname === '/reconcile/preview' ? PREVIEW_CSP : PAGE_CSP;
      expect(s.headers.get('content-security-policy'), `${s.url} (${s.status})`).toBe(expected);
    }
  });

  it('should allow no inline script and no eval in either policy', () => {
    for (const csp of [PAGE_CSP, QUERY_PAGE_CSP]) {
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      const scripts = directives.get('script-src') ?? directives.get('default-src') ?? [];
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(scripts.every((s) => s === "'self'" || s === "'none'")).toBe(true);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('base-uri')).toEqual(["'none'"]);
    }
  });
});

describe('Every HTML page', () => {
  it('should hold no script but the JSON-LD data block (and on the query page, scripts from the site)', () => {
    const pages = seen.filter((s) => (s.headers.get('content-type') ?? '').startsWith('text/html') && s.body);
    expect(pages.length).toBeGreaterThan(50);
    for (const p of pages) {
      const query = new URL(p.url, ORIGIN).pathname === '/sparql';
      for (const [tag] of p.body.matchAll(/<script\b[^>]*>/gi)) {
        const data = /^<script type="application\/(ld\+)?json"( id="[\w-]+")?>$/.test(tag);
        const own = query && /^<script src="assets\/yasgui\/[\w.-]+\.js"><\/script>$/.test(`${tag}</script>`);
        expect(data || own, `${p.url}: ${tag}`).toBe(true);
      }
      // No event handler attributes and no javascript: URLs either.
      expect(p.body, p.url).not.toMatch(/\son[a-z]+\s*=/i);
      expect(p.body, p.url).not.toMatch(/javascript:/i);
    }
  });
});

describe('The static export’s _headers file', () => {
  it('should give every file the same security headers as the server', async () => {
    const file = headersFile(new Publisher(await realGraph(), testConfig({ publicBase: 'https://example.org/kg/' })));
    const block = /^\/kg\/\*\n((?: {2}.*\n)+)/m.exec(file)?.[1] ?? '';
    expect(block).toContain('  X-Content-Type-Options: nosniff\n');
    expect(block).toContain(`  Referrer-Policy: ${SECURITY_HEADERS['referrer-policy']}\n`);
    expect(block).toContain(`  Content-Security-Policy: ${PAGE_CSP}\n`);
  });
});
