// /sparql answers from its cache before parsing: a POST hit costs what a GET hit costs, and shares the GET's answer; refusals still come from the parser.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { get, listen, post, type SparqlApp, sparqlApp } from './helpers.ts';

// Every parse the endpoint makes is counted (the real parser still does the work).
const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/sparql/parse.ts', async (original) => {
  const real = await original<typeof import('../../src/sparql/parse.ts')>();
  return {
    ...real,
    parseSparql: (...args: Parameters<typeof real.parseSparql>) => {
      parses.count++;
      return real.parseSparql(...args);
    },
  };
});

const FORM = 'application/x-www-form-urlencoded';
const form = (s: SparqlApp, query: string, headers: Record<string, string> = {}) =>
  s.app.request('/sparql', {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body: new URLSearchParams({ query }).toString(),
  });

let s: SparqlApp;
let served: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  s = await sparqlApp();
  served = await listen(s.app);
});
afterAll(async () => {
  await served.close();
  await s.pool.close();
});
beforeEach(() => {
  parses.count = 0;
});

describe('A cached answer to /sparql', () => {
  it('should answer a direct POST without parsing, with the body and ETag a GET of the same query got', async () => {
    const q = 'SELECT ?s WHERE { ?s a ?t } LIMIT 4';
    const byGet = await get(s.app, q);
    const parsed = parses.count;
    expect(parsed).toBe(1);
    const byPost = await post(s.app, q);
    expect(parses.count).toBe(parsed);
    expect(byPost.status).toBe(200);
    expect(byPost.headers.get('etag')).toBe(byGet.headers.get('etag'));
    expect(await byPost.text()).toBe(await byGet.text());
  });

  it('should answer a form POST without parsing, and a GET after a POST too', async () => {
    const q = 'SELECT ?t WHERE { ?s a ?t } LIMIT 5';
    const byForm = await form(s, q);
    expect(parses.count).toBe(1);
    const byPost = await post(s.app, q);
    const byGet = await get(s.app, q);
    expect(parses.count).toBe(1);
    const etag = byForm.headers.get('etag');
    expect(etag).toMatch(/^"/);
    expect([byPost, byGet].map((r) => r.headers.get('etag'))).toEqual([etag, etag]);
    const body = await byForm.text();
    expect(await byPost.text()).toBe(body);
    expect(await byGet.text()).toBe(body);
  });

  it('should answer POSTs over a socket from the cache, form and direct, with a length or chunked', async () => {
    const q = 'SELECT ?p WHERE { ?s ?p ?o } LIMIT 6';
    const first = await fetch(`${served.url}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query' },
      body: q,
    });
    const body = await first.text();
    expect(first.status).toBe(200);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(new URLSearchParams({ query: q }).toString()));
        controller.close();
      },
    });
    const answers = [
      await fetch(`${served.url}/sparql`, {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: new URLSearchParams({ query: q }).toString(),
      }),
      await fetch(`${served.url}/sparql`, {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: chunked,
        duplex: 'half',
      } as RequestInit),
    ];
    expect(parses.count).toBe(1);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(await a.text()).toBe(body);
    }
  });

  it('should answer a direct POST over a socket with the very status, headers and bytes of the GET hit', async () => {
    const q = 'SELECT ?t WHERE { ?s a ?t } LIMIT 5';
    const headersOf = (r: Response) => {
      const kept: [string, string][] = [];
      r.headers.forEach((v, k) => {
        if (!['date', 'keep-alive'].includes(k)) kept.push([k, v]);
      });
      return kept;
    };
    const byGet = () => fetch(`${served.url}/sparql?query=${encodeURIComponent(q)}`);
    const byPost = () =>
      fetch(`${served.url}/sparql`, {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query' },
        body: q,
      });
    await (await byGet()).arrayBuffer();
    const [get, posted] = [await byGet(), await byPost()];
    expect(parses.count).toBe(1);
    expect(posted.status).toBe(get.status);
    expect(headersOf(posted)).toEqual(headersOf(get));
    expect(Buffer.from(await posted.arrayBuffer())).toEqual(Buffer.from(await get.arrayBuffer()));
  });

  it('should keep one answer per Accept and per dataset', async () => {
    const q = 'SELECT ?s WHERE { ?s a ?t } LIMIT 3';
    const json = await post(s.app, q);
    const csv = await post(s.app, q, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('etag')).not.toBe(json.headers.get('etag'));
    const inGraph = await s.app.request(`/sparql?default-graph-uri=${encodeURIComponent('urn:x:none')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query' },
      body: q,
    });
    const rows = (await inGraph.json()) as { results: { bindings: unknown[] } };
    expect(rows.results.bindings).toEqual([]);
  });

  it('should not give results to a browser GET because a POST with the same Accept got them', async () => {
    const q = 'SELECT ?o WHERE { ?s ?p ?o } LIMIT 2';
    const accept = 'text/html,application/sparql-results+json;q=0.9';
    const byPost = await post(s.app, q, { accept });
    expect(byPost.headers.get('content-type')).toMatch(/sparql-results\+json/);
    const byGet = await get(s.app, q, { accept });
    expect(byGet.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('should refuse a bad query, an update and a SERVICE off the allowlist every time, from the parser', async () => {
    for (let i = 0; i < 2; i++) {
      const bad = await post(s.app, 'SELECT ?s WHERE { ?s ?p }');
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/line 1/);
      expect((await form(s, 'INSERT DATA { <urn:a> <urn:b> <urn:c> }')).status).toBe(403);
      expect((await form(s, 'SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }')).status).toBe(400);
    }
    expect(parses.count).toBe(6);
  });

  it('should run a POST afresh when it asks with Cache-Control: no-cache', async () => {
    const q = 'SELECT ?s WHERE { ?s ?p ?o } LIMIT 7';
    await post(s.app, q);
    const runs = s.pool.stats().runs;
    const fresh = await post(s.app, q, { 'cache-control': 'no-cache' });
    expect(fresh.status).toBe(200);
    expect(s.pool.stats().runs).toBe(runs + 1);
  });
});
