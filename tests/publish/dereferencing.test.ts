// Dereferencing and content negotiation: 303 from /id, formats by Accept and by override, q=0, 404s, HEAD, caching.
import { gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { etagOfBytes } from '../../src/publish/publisher.ts';
import { ldApp } from './helpers.ts';

const PUBLIC = 'http://127.0.0.1:8123/';
const BASE = 'https://w3id.org/npcsc/';
let app: Hono;

beforeAll(async () => {
  ({ app } = await ldApp({ publicBase: PUBLIC }));
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  app.request(path, { method, headers });

describe('An identifier under /id/', () => {
  it('answers 303 See Other with the document on the public base, varying on Accept', async () => {
    const res = await get('/id/person/peng-zhen', { accept: 'text/turtle' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PUBLIC}doc/person/peng-zhen.ttl`);
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
    expect(await res.text()).toBe('');
  });

  it.each([
    ['text/html', 'doc/person/peng-zhen.html'],
    ['application/ld+json', 'doc/person/peng-zhen.jsonld'],
    ['application/n-triples', 'doc/person/peng-zhen.nt'],
    ['application/rdf+xml', 'doc/person/peng-zhen.rdf'],
    ['*/*', 'doc/person/peng-zhen.html'],
    ['text/turtle;q=0.5, application/ld+json;q=0.9', 'doc/person/peng-zhen.jsonld'],
    ['text/html;q=0, */*;q=0.1', 'doc/person/peng-zhen.ttl'],
  ])('picks the document for Accept %s', async (accept, path) => {
    const res = await get('/id/person/peng-zhen', { accept });
    expect(res.headers.get('location')).toBe(`${PUBLIC}${path}`);
  });

  it('sends a browser preferring Chinese to the Chinese page', async () => {
    const res = await get('/id/tenure/secretary-general/3', {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
    });
    expect(res.headers.get('location')).toBe(`${PUBLIC}doc/tenure/secretary-general/3.zh-Hans.html`);
    expect(res.headers.get('vary')).toMatch(/Accept-Language/);
  });

  it('honours ?format= over Accept', async () => {
    const res = await get('/id/office/secretary-general?format=nt', { accept: 'text/html' });
    expect(res.headers.get('location')).toBe(`${PUBLIC}doc/office/secretary-general.nt`);
  });

  it('answers 406 when every format has q=0', async () => {
    const res = await get('/id/person/peng-zhen', { accept: 'text/html;q=0, */*;q=0' });
    expect(res.status).toBe(406);
    expect(await res.text()).toMatch(/text\/turtle/);
  });

  it('answers 404 for an unknown identifier, in the format asked for', async () => {
    const html = await get('/id/person/nobody', { accept: 'text/html' });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain(`${BASE}id/person/nobody`);
    const ttl = await get('/id/person/nobody', { accept: 'text/turtle' });
    expect(ttl.status).toBe(404);
    expect(ttl.headers.get('content-type')).toMatch(/^text\/turtle/);
    const jsonldRes = await get('/id/person/nobody', { accept: 'application/ld+json' });
    expect(jsonldRes.status).toBe(404);
    expect(JSON.parse(await jsonldRes.text())['@graph']).toEqual([]);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await get('/id/person/peng-zhen', { accept: 'text/turtle' }, 'HEAD');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PUBLIC}doc/person/peng-zhen.ttl`);
  });
});

/** What Python's rdflib sends for each of its formats (rdflib/parser.py, URLInputSource), and what it must get. */
const RDFLIB: [format: string, accept: string, suffix: string, type: string][] = [
  ['turtle', 'text/turtle, application/x-turtle, */*;q=0.1', '.ttl', 'text/turtle'],
  ['xml', 'application/rdf+xml, */*;q=0.1', '.rdf', 'application/rdf+xml'],
  ['json-ld', 'application/ld+json, application/json;q=0.9, */*;q=0.1', '.jsonld', 'application/ld+json'],
  ['nt', 'text/plain, */*;q=0.1', '.nt', 'application/n-triples'],
  ['trig', 'application/trig, */*;q=0.1', '.trig', 'application/trig'],
  ['nquads (named by type)', 'application/n-quads, */*;q=0.1', '.nq', 'application/n-quads'],
];

describe('rdflib with each of its formats', () => {
  it.each(RDFLIB)('gets its %s from an identifier and a document (Accept: %s)', async (_, accept, suffix, type) => {
    const id = await get('/id/person/peng-zhen', { accept });
    expect(id.status).toBe(303);
    expect(id.headers.get('location')).toBe(`${PUBLIC}doc/person/peng-zhen${suffix}`);
    const doc = await get('/doc/person/peng-zhen', { accept });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
    const byExtension = await get(`/doc/person/peng-zhen${suffix}`);
    expect(byExtension.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
    expect(await byExtension.text()).toBe(await doc.text());
  });

  it('gets the same triples in N-Triples, N-Quads and TriG (the default graph) as in Turtle', async () => {
    const { Parser } = await import('n3');
    const triples = async (suffix: string, format: string) =>
      new Parser({ format })
        .parse(await (await get(`/doc/person/peng-zhen${suffix}`)).text())
        .map(
          (q) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value} ${q.graph.termType}`,
        )
        .sort();
    const turtle = await triples('.ttl', 'text/turtle');
    expect(turtle.length).toBeGreaterThan(20);
    expect(await triples('.nt', 'application/n-triples')).toEqual(turtle);
    expect(await triples('.nq', 'application/n-quads')).toEqual(turtle);
    expect(await triples('.trig', 'application/trig')).toEqual(turtle);
  });

  it('never gets N-Triples for text/* alone: a browser or curl still gets the page', async () => {
    const res = await get('/doc/person/peng-zhen', { accept: 'text/*' });
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('A document under /doc/', () => {
  it.each([
    ['text/turtle', 'text/turtle'],
    ['application/n-triples', 'application/n-triples'],
    ['application/ld+json', 'application/ld+json'],
    ['application/rdf+xml', 'application/rdf+xml'],
    ['text/html', 'text/html'],
    ['application/json', 'application/ld+json'],
  ])('is served as %s when Accept asks for it', async (accept, type) => {
    const res = await get('/doc/person/peng-zhen', { accept });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
    expect(res.headers.get('content-location')).toMatch(new RegExp(`^${PUBLIC}doc/person/peng-zhen\\.`));
  });

  it.each([
    ['.ttl', 'text/turtle'],
    ['.nt', 'application/n-triples'],
    ['.jsonld', 'application/ld+json'],
    ['.rdf', 'application/rdf+xml'],
    ['.nq', 'application/n-quads'],
    ['.trig', 'application/trig'],
    ['.html', 'text/html'],
    ['.zh-Hans.html', 'text/html'],
  ])('is served by its file extension %s whatever Accept says', async (ext, type) => {
    const res = await get(`/doc/office/secretary-general${ext}`, { accept: 'application/x-nothing' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')?.startsWith(type)).toBe(true);
    expect(res.headers.get('vary') ?? '').not.toMatch(/\bAccept\b,|\bAccept$/);
  });

  it.each([
    ['ttl', 'text/turtle'],
    ['turtle', 'text/turtle'],
    ['jsonld', 'application/ld+json'],
    ['rdfxml', 'application/rdf+xml'],
    ['nt', 'application/n-triples'],
    ['html', 'text/html'],
  ])('is served by ?format=%s over Accept and the extension', async (format, type) => {
    const res = await get(`/doc/office/secretary-general.ttl?format=${format}`, { accept: 'text/html' });
    expect(res.headers.get('content-type')?.startsWith(type)).toBe(true);
  });

  it('refuses an unknown ?format= with 400', async () => {
    const res = await get('/doc/office/secretary-general?format=docx');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/unknown format/);
  });

  it('answers 406 when Accept admits nothing offered', async () => {
    const res = await get('/doc/person/peng-zhen', { accept: 'image/png' });
    expect(res.status).toBe(406);
  });

  it('answers 404 for an unknown document, as HTML to a browser and as Turtle to an RDF client', async () => {
    const html = await get('/doc/person/nobody.html');
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const ttl = await get('/doc/person/nobody', { accept: 'text/turtle' });
    expect(ttl.status).toBe(404);
    expect(await ttl.text()).toMatch(/^# No resource <https:\/\/w3id\.org\/npcsc\/id\/person\/nobody>/);
    const rdf = await get('/doc/person/nobody.rdf');
    expect(rdf.status).toBe(404);
    expect(rdf.headers.get('content-type')).toMatch(/^application\/rdf\+xml/);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await get('/doc/person/peng-zhen.ttl', {}, 'HEAD');
    const getRes = await get('/doc/person/peng-zhen.ttl');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(getRes.headers.get('etag'));
    expect(head.headers.get('content-type')).toBe(getRes.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(getRes.headers.get('content-length'));
    expect(await head.text()).toBe('');
  });

  it('has an ETag made of its bytes, answers 304 to If-None-Match, and says how long to cache', async () => {
    const first = await get('/doc/person/peng-zhen.ttl');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toBe(etagOfBytes(Buffer.from(await first.arrayBuffer())));
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const again = await get('/doc/person/peng-zhen.ttl', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const weak = await get('/doc/person/peng-zhen.ttl', { 'if-none-match': `"other", W/${etag}` });
    expect(weak.status).toBe(304);
    const other = await get('/doc/person/ji-pengfei.ttl', { 'if-none-match': etag });
    expect(other.status).toBe(200);
  });

  it('is gzipped when the client accepts gzip, with its own ETag', async () => {
    const plain = await get('/doc/office/secretary-general.ttl');
    const zipped = await get('/doc/office/secretary-general.ttl', { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/Accept-Encoding/);
    expect(zipped.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const body = gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8');
    expect(body).toBe(await plain.text());
    const refused = await get('/doc/office/secretary-general.ttl', { 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers.get('content-encoding')).toBeNull();
  });

  it('serves a fragment identifier’s document for its base IRI (the dataset and #coverage)', async () => {
    const res = await get('/doc/dataset/npcsc-kg.ttl');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npcsc-kg#coverage');
  });
});

describe('The ontology', () => {
  it('answers /ontology in every format, defaulting to HTML for browsers', async () => {
    const html = await get('/ontology', { accept: 'text/html' });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    for (const [ext, type] of [
      ['ttl', 'text/turtle'],
      ['nt', 'application/n-triples'],
      ['jsonld', 'application/ld+json'],
      ['rdf', 'application/rdf+xml'],
      ['zh-Hans.html', 'text/html'],
    ]) {
      const res = await get(`/ontology.${ext}`);
      expect(res.status, ext).toBe(200);
      expect(res.headers.get('content-type')?.startsWith(type ?? '')).toBe(true);
    }
  });

  it('is what every term dereferences to (the fragment never reaches the server)', async () => {
    const res = await get('/ontology', { accept: 'text/turtle' });
    const text = await res.text();
    expect(text).toMatch(/npcsc:holder/);
    expect(text).toMatch(/npcsc:Tenure/);
    const alignments = await get('/ontology/alignments', { accept: 'text/turtle' });
    expect(alignments.status).toBe(200);
  });
});

describe('The dataset description', () => {
  it.each(['/dataset', '/.well-known/void'])('is served at %s', async (path) => {
    const res = await get(path, { accept: 'text/turtle' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/void:triples/);
    expect(res.headers.get('content-location')).toBe(`${PUBLIC}doc/dataset/npcsc-kg.ttl`);
  });

  it('defaults to Turtle at /.well-known/void for clients that accept anything', async () => {
    const res = await get('/.well-known/void', { accept: '*/*' });
    expect(res.headers.get('content-type')).toMatch(/^text\/turtle/);
  });

  it('is what an RDF client gets from the home page', async () => {
    const res = await get('/', { accept: 'text/turtle' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(await res.text()).toMatch(/void:sparqlEndpoint/);
  });
});

describe('The route table of the documents', () => {
  it('keeps Hono on its RegExpRouter (no regex parameters, no ambiguous routes)', async () => {
    await get('/doc/person/peng-zhen.ttl');
    expect((app as unknown as { router: { name: string } }).router.name).toBe('SmartRouter + RegExpRouter');
  });
});
