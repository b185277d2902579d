// Transfer of documents and pages: br or gzip as accepted, HEAD as GET, Last-Modified and If-Modified-Since, Link headers.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { Variants } from '../../src/http/compress.ts';
import { relativeRef } from '../../src/publish/routes.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { ldApp } from './helpers.ts';

const PUBLIC = 'http://127.0.0.1:8123/';
let app: Hono;
let graph: Graph;

beforeAll(async () => {
  ({ app, graph } = await ldApp({ publicBase: PUBLIC }));
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  app.request(path, { method, headers });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('Compressed documents and pages', () => {
  it.each([
    ['/doc/person/peng-zhen.ttl', {}],
    ['/doc/person/peng-zhen', { accept: 'text/html' }],
    ['/', { accept: 'text/html' }],
  ])('%s: br preferred to gzip, q=0 respected, the same bytes decoded, HEAD as GET', async (path, headers) => {
    const plain = await get(path, headers);
    const raw = await bytes(plain);
    expect(raw.byteLength).toBeGreaterThan(1024);
    expect(plain.headers.get('vary')).toMatch(/\bAccept-Encoding\b/);
    const br = await get(path, { ...headers, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/\bAccept-Encoding\b/);
    expect(brotliDecompressSync(await bytes(br)).equals(raw)).toBe(true);
    expect(br.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const gz = await get(path, { ...headers, 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(gz)).equals(raw)).toBe(true);
    expect(new Set([plain, br, gz].map((r) => r.headers.get('etag'))).size).toBe(3);
    const none = await get(path, { ...headers, 'accept-encoding': 'gzip;q=0, br;q=0' });
    expect(none.headers.get('content-encoding')).toBeNull();
    for (const coding of ['', 'gzip', 'br']) {
      const h = { ...headers, ...(coding ? { 'accept-encoding': coding } : {}) };
      const g = await get(path, h);
      const head = await get(path, h, 'HEAD');
      expect(head.headers.get('content-length')).toBe(String((await bytes(g)).byteLength));
      expect(head.headers.get('content-encoding')).toBe(g.headers.get('content-encoding'));
      expect(await head.text()).toBe('');
    }
  });

  it('compresses a body once per coding, however often it is asked for', () => {
    let grew = 0;
    const v = new Variants('x'.repeat(4096), { 'content-type': 'text/plain' }, '"e"', () => grew++);
    const first = v.pick('br');
    expect(v.pick('gzip, br').body).toBe(first.body);
    expect(first.etag).toBe('"e-br"');
    v.pick('gzip');
    v.pick('gzip');
    expect(grew).toBe(2);
    expect(v.bytes).toBeGreaterThan(4096);
  });
});

describe('Last-Modified', () => {
  it("is the start of the day the data last changed (the dataset's dcterms:modified), on documents, pages and files", async () => {
    const day = graph.store.getObjects(`${graph.base}id/dataset/npcsc-kg`, 'http://purl.org/dc/terms/modified', null);
    expect(day).toHaveLength(1);
    const expected = new Date(`${day[0]?.value}T00:00:00Z`).toUTCString();
    for (const path of ['/doc/person/peng-zhen.ttl', '/doc/person/peng-zhen.html', '/', '/dataset', '/dump.nt']) {
      const res = await get(path);
      expect(res.headers.get('last-modified'), path).toBe(expected);
    }
  });

  it('answers If-Modified-Since with 304 when not modified since, and ETag wins over it', async () => {
    const path = '/doc/person/peng-zhen.ttl';
    const res = await get(path);
    const lm = res.headers.get('last-modified') as string;
    const at = Date.parse(lm);
    const same = await get(path, { 'if-modified-since': lm });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    expect(same.headers.get('etag')).toBe(res.headers.get('etag'));
    const later = await get(path, { 'if-modified-since': new Date(at + 86_400_000).toUTCString() });
    expect(later.status).toBe(304);
    const earlier = await get(path, { 'if-modified-since': new Date(at - 1000).toUTCString() });
    expect(earlier.status).toBe(200);
    expect((await get(path, { 'if-modified-since': 'not a date' })).status).toBe(200);
    // RFC 9110 §13.2.2: with If-None-Match, If-Modified-Since is not looked at.
    const etagWins = await get(path, { 'if-none-match': '"other"', 'if-modified-since': lm });
    expect(etagWins.status).toBe(200);
    const bothMatch = await get(path, { 'if-none-match': res.headers.get('etag') ?? '', 'if-modified-since': 'x' });
    expect(bothMatch.status).toBe(304);
  });
});

describe('Link headers', () => {
  /** The Link header's entries: target resolved against `url`, and its parameters. */
  const links = (res: Response, url: string) =>
    (res.headers.get('link') ?? '').split(/,\s*(?=<)/).map((entry) => {
      const [, target = '', params = ''] = /^<([^>]*)>(.*)$/.exec(entry.trim()) ?? [];
      const attr = (name: string) => new RegExp(`;\\s*${name}="([^"]*)"`).exec(params)?.[1];
      return {
        href: new URL(target, url).toString(),
        rel: attr('rel'),
        type: attr('type'),
        hreflang: attr('hreflang'),
      };
    });

  it('names every other format of a document, the list its HTML page carries', async () => {
    const page = await (await get('/doc/person/peng-zhen.html')).text();
    const pageAlternates = [...page.matchAll(/<link rel="alternate" type="([^"]+)" href="([^"]+)"/g)].map(
      (m) => `${m[2]} ${m[1]}`,
    );
    expect(pageAlternates.length).toBeGreaterThanOrEqual(6);
    const url = `${PUBLIC}doc/person/peng-zhen.ttl`;
    const res = await get('/doc/person/peng-zhen.ttl');
    const got = links(res, url);
    expect(got.every((l) => l.rel === 'alternate')).toBe(true);
    const rdf = got.filter((l) => l.type !== 'text/html').map((l) => `${l.href} ${l.type}`);
    // The page lists all RDF formats; the Turtle document lists the others and the page itself.
    expect(rdf.sort()).toEqual(pageAlternates.filter((a) => !a.endsWith(' text/turtle')).sort());
    expect(got.filter((l) => l.type === 'text/html').map((l) => l.href)).toEqual([
      `${PUBLIC}doc/person/peng-zhen.html`,
    ]);
    expect((res.headers.get('link') ?? '').length).toBeLessThan(400);
  });

  it('on a page, names the RDF formats and the page in the other language', async () => {
    const url = `${PUBLIC}doc/person/peng-zhen.html`;
    const got = links(await get('/doc/person/peng-zhen.html'), url);
    expect(got.find((l) => l.hreflang === 'zh-Hans')?.href).toBe(`${PUBLIC}doc/person/peng-zhen.zh-Hans.html`);
    expect(got.find((l) => l.type === 'text/turtle')?.href).toBe(`${PUBLIC}doc/person/peng-zhen.ttl`);
    const negotiated = links(
      await get('/doc/person/peng-zhen', { accept: 'text/turtle' }),
      `${PUBLIC}doc/person/peng-zhen`,
    );
    expect(negotiated.find((l) => l.type === 'application/ld+json')?.href).toBe(`${PUBLIC}doc/person/peng-zhen.jsonld`);
    const aliased = links(await get('/.well-known/void', { accept: 'text/turtle' }), `${PUBLIC}.well-known/void`);
    expect(aliased.find((l) => l.type === 'text/html')?.href).toBe(`${PUBLIC}doc/dataset/npcsc-kg.html`);
  });

  it('points from an identifier’s 303 to the document that describes it', async () => {
    const res = await get('/id/person/peng-zhen', { accept: 'text/turtle' });
    expect(res.status).toBe(303);
    expect(links(res, `${PUBLIC}id/person/peng-zhen`)).toEqual([
      { href: `${PUBLIC}doc/person/peng-zhen.ttl`, rel: 'describedby', type: 'text/turtle', hreflang: undefined },
    ]);
  });

  it('uses references relative to the request, never read as a scheme', () => {
    expect(relativeRef('/doc/person/a.ttl', 'doc/person/a.nt')).toBe('a.nt');
    expect(relativeRef('/dataset', 'doc/dataset/x.ttl')).toBe('doc/dataset/x.ttl');
    expect(relativeRef('/.well-known/void', 'doc/dataset/x.ttl')).toBe('../doc/dataset/x.ttl');
    expect(relativeRef('/doc/a:b.ttl', 'doc/a:b.nt')).toBe('./a:b.nt');
  });
});
