// Transfer of the SPARQL interface's answers: br and gzip when accepted (q-values respected), own ETags, Vary, HEAD as GET.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { headersBytes } from '../../src/http/caching.ts';
import { chooseCoding, Variants } from '../../src/http/compress.ts';
import { AnswerCache } from '../../src/sparql/cache.ts';
import { type SparqlApp, sparqlApp } from './helpers.ts';

let s: SparqlApp;
beforeAll(async () => {
  s = await sparqlApp();
});

const JSON_RESULTS = { accept: 'application/sparql-results+json' };
/** Large enough to be worth compressing: every triple of the graph's persons' names. */
const QUERY = 'SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200';
const sparqlUrl = `/sparql?query=${encodeURIComponent(QUERY)}`;

const request = (path: string, headers: Record<string, string>, method = 'GET') =>
  s.app.request(path, { method, headers });

const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

const decode = (coding: string | null, body: Buffer): Buffer =>
  coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body;

/** The same resource asked for plain, with gzip, with br and with both, compared byte for byte. */
async function checkCodings(path: string, headers: Record<string, string>) {
  const plain = await request(path, headers);
  expect(plain.status).toBe(200);
  const raw = await bytes(plain);
  expect(raw.byteLength, 'the body must be sizeable for this test').toBeGreaterThan(1024);
  expect(plain.headers.get('content-encoding')).toBeNull();
  expect(plain.headers.get('content-length')).toBe(String(raw.byteLength));
  expect(plain.headers.get('vary')).toMatch(/\bAccept-Encoding\b/);
  const etags = new Set([plain.headers.get('etag')]);
  for (const [accept, coding] of [
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
  ] as const) {
    const res = await request(path, { ...headers, 'accept-encoding': accept });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding'), accept).toBe(coding);
    expect(res.headers.get('vary')).toMatch(/\bAccept-Encoding\b/);
    const body = await bytes(res);
    expect(res.headers.get('content-length')).toBe(String(body.byteLength));
    expect(body.byteLength).toBeLessThan(raw.byteLength);
    expect(decode(coding, body).equals(raw), accept).toBe(true);
    etags.add(res.headers.get('etag'));
  }
  // Plain, gzip and br: three representations, three validators.
  expect(etags.size).toBe(3);
  for (const refused of ['br;q=0, gzip;q=0', 'identity', '*;q=0']) {
    const res = await request(path, { ...headers, 'accept-encoding': refused });
    expect(res.headers.get('content-encoding'), refused).toBeNull();
    expect((await bytes(res)).equals(raw)).toBe(true);
  }
  // HEAD announces exactly what GET sends for the same request.
  for (const accept of ['', 'gzip', 'br']) {
    const h = { ...headers, ...(accept ? { 'accept-encoding': accept } : {}) };
    const get = await request(path, h);
    const head = await request(path, h, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(head.headers.get('content-encoding')).toBe(get.headers.get('content-encoding'));
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
  }
  // A compressed answer revalidates against its own ETag.
  const br = await request(path, { ...headers, 'accept-encoding': 'br' });
  const again = await request(path, {
    ...headers,
    'accept-encoding': 'br',
    'if-none-match': br.headers.get('etag') ?? '',
  });
  expect(again.status).toBe(304);
  expect(again.headers.get('content-encoding')).toBeNull();
}

describe('Content-coding negotiation', () => {
  it('should prefer br at equal q, follow q-values and refuse a coding given q=0', () => {
    expect(chooseCoding(undefined)).toBeUndefined();
    expect(chooseCoding('gzip, deflate, br')).toBe('br');
    expect(chooseCoding('br;q=0.8, gzip')).toBe('gzip');
    expect(chooseCoding('br;q=0, gzip;q=0')).toBeUndefined();
    expect(chooseCoding('gzip;q=0, *')).toBe('br');
    expect(chooseCoding('deflate, identity')).toBeUndefined();
    expect(chooseCoding('x-gzip')).toBe('gzip');
  });
});

describe('Compressed SPARQL answers', () => {
  it('should send a JSON result set in br or gzip, the same bytes once decoded, each with its own ETag', async () => {
    await checkCodings(sparqlUrl, JSON_RESULTS);
  });

  it('should compress every result format and a POSTed query too', async () => {
    for (const accept of ['text/csv', 'application/sparql-results+xml', 'text/tab-separated-values']) {
      const res = await request(sparqlUrl, { accept, 'accept-encoding': 'br' });
      expect(res.headers.get('content-encoding'), accept).toBe('br');
    }
    const posted = await s.app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', ...JSON_RESULTS, 'accept-encoding': 'gzip' },
      body: QUERY,
    });
    const plain = await request(sparqlUrl, JSON_RESULTS);
    expect(posted.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(posted)).equals(await bytes(plain))).toBe(true);
  });

  it('should send a small answer as it is', async () => {
    const res = await request(`/sparql?query=${encodeURIComponent('ASK {}')}`, {
      ...JSON_RESULTS,
      'accept-encoding': 'br',
    });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).not.toMatch(/Accept-Encoding/);
  });

  it('should compress the query page', async () => {
    await checkCodings('/sparql', { accept: 'text/html' });
  });

  it('should send the query page’s assets in br or gzip as Accept-Encoding weighs them', async () => {
    for (const file of ['yasgui.min.js', 'yasgui.min.css', 'query-page.js']) {
      await checkCodings(`/assets/yasgui/${file}`, {});
    }
    const refused = await request('/assets/yasgui/yasgui.min.js', { 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect((await request('/assets/yasgui/none.js', { 'accept-encoding': 'br' })).status).toBe(404);
  });

  it('should compress the OpenAPI description and the stored queries’ answers', async () => {
    await checkCodings('/api/openapi.json', {});
    await checkCodings('/api/holders', JSON_RESULTS);
  });
});

describe('The answer cache', () => {
  it('should count an answer’s compressed copies from when each is made', () => {
    const cache = new AnswerCache();
    const body = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => `row ${i}`) });
    const headers = { 'content-type': 'application/json' };
    const answer = { status: 200, body, headers, etag: '"a"', variants: undefined as Variants | undefined };
    answer.variants = new Variants(body, headers, '"a"', () => cache.remeasure('k'));
    cache.set('k', answer);
    const before = cache.cost('k') as number;
    const br = answer.variants.pick('br');
    // The copy, and its two header objects (the 200's and the 304's).
    const grown = before + br.body.byteLength + headersBytes(br.headers) + headersBytes(br.notModified);
    expect(cache.cost('k')).toBe(grown);
    answer.variants.pick('br');
    expect(cache.cost('k')).toBe(grown);
  });
});
