// /sparql as the SPARQL 1.1 Protocol describes it: the three ways to send a query, content negotiation, errors, caching and CORS.
import { beforeAll, describe, expect, it } from 'vitest';
import { get, post, type SparqlApp, sparqlApp } from './helpers.ts';

const HOLDERS = `PREFIX npcsc: <ontology#>
SELECT ?ordinal ?holder WHERE {
  ?tenure npcsc:office <id/office/secretary-general> ; npcsc:ordinal ?ordinal ; npcsc:holder ?holder .
} ORDER BY ?ordinal`;

let s: SparqlApp;
beforeAll(async () => {
  s = await sparqlApp();
});

type Json = { head: { vars: string[] }; results: { bindings: Record<string, { value: string }>[] } };

describe('A query to /sparql', () => {
  it('should give the same rows by GET, by form POST and by direct POST', async () => {
    const byGet = await get(s.app, HOLDERS);
    const byForm = await s.app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: HOLDERS }).toString(),
    });
    const direct = await post(s.app, HOLDERS);
    const bodies = await Promise.all([byGet, byForm, direct].map((r) => r.json() as Promise<Json>));
    expect(bodies[0]?.results.bindings.length).toBeGreaterThan(10);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]?.results.bindings[0]?.holder?.value).toBe('https://w3id.org/npcsc/id/person/peng-zhen');
  });

  it('should answer SPARQL JSON with no Accept, and each result format its Accept names', async () => {
    expect((await get(s.app, HOLDERS)).headers.get('content-type')).toMatch(/^application\/sparql-results\+json/);
    const expected: Record<string, RegExp> = {
      'application/sparql-results+json': /^\{"head"/,
      'application/sparql-results+xml': /^<\?xml[\s\S]*<sparql xmlns="http:\/\/www.w3.org\/2005\/sparql-results#">/,
      'text/csv': /^ordinal,holder\r\n1,https:/,
      // A term as Turtle writes it: an integer may take the short form (SPARQL 1.1 CSV/TSV section 4.1).
      'text/tab-separated-values': /^\?ordinal\t\?holder\n(1|"1"\^\^<http:\/\/www.w3.org\/2001\/XMLSchema#integer>)\t</,
    };
    for (const [accept, body] of Object.entries(expected)) {
      const res = await get(s.app, HOLDERS, { accept });
      expect(res.headers.get('content-type')).toBe(`${accept}; charset=utf-8`);
      expect(await res.text()).toMatch(body);
    }
  });

  it('should weigh q-values and wildcards, and answer 406 when nothing fits', async () => {
    const weighed = await get(s.app, HOLDERS, { accept: 'text/csv;q=0.5, application/sparql-results+xml;q=0.9' });
    expect(weighed.headers.get('content-type')).toMatch(/^application\/sparql-results\+xml/);
    const wildcard = await get(s.app, HOLDERS, { accept: 'text/*' });
    expect(wildcard.headers.get('content-type')).toMatch(/^text\/csv/);
    const refused = await get(s.app, HOLDERS, { accept: 'text/csv;q=0, image/png' });
    expect(refused.status).toBe(406);
    expect(await refused.text()).toMatch(/application\/sparql-results\+json/);
    const malformed = await get(s.app, HOLDERS, { accept: 'this is not a media range' });
    expect(malformed.status).toBe(200);
  });

  it('should answer CONSTRUCT and DESCRIBE in Turtle by default and in N-Triples, JSON-LD and RDF/XML', async () => {
    const q = 'CONSTRUCT WHERE { <id/person/peng-zhen> ?p ?o }';
    const turtle = await get(s.app, q);
    expect(turtle.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(await turtle.text()).toMatch(/Peng Zhen/);
    const nt = await get(s.app, q, { accept: 'application/n-triples' });
    expect(await nt.text()).toMatch(/^<https:\/\/w3id\.org\/npcsc\/id\/person\/peng-zhen> </m);
    const ld = await get(s.app, q, { accept: 'application/ld+json' });
    expect(JSON.parse(await ld.text())).toHaveProperty('@context');
    const xml = await get(s.app, 'DESCRIBE <id/person/peng-zhen>', { accept: 'application/rdf+xml' });
    expect(await xml.text()).toMatch(/rdf:about="https:\/\/w3id\.org\/npcsc\/id\/person\/peng-zhen"/);
    expect((await get(s.app, q, { accept: 'application/sparql-results+json' })).status).toBe(406);
  });

  it('should answer ASK as a boolean', async () => {
    expect(await (await get(s.app, 'ASK { <id/person/peng-zhen> ?p ?o }')).json()).toEqual({ head: {}, boolean: true });
  });

  it('should run over the dataset the protocol names: an unknown graph is empty', async () => {
    const res = await s.app.request(
      `/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}&default-graph-uri=${encodeURIComponent('https://example.org/none')}`,
    );
    expect(await res.json()).toEqual({ head: {}, boolean: false });
  });
});

describe('A request /sparql refuses', () => {
  it('should name line and column of a syntax error', async () => {
    const res = await get(s.app, 'SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER (?s = )\n}');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^syntax error at line 3, column 16: /);
    const lexical = await get(s.app, 'SELECT * WHERE {\n  ?s ?p "open\n}');
    expect(await lexical.text()).toMatch(/^syntax error at line 2, column 9: unexpected character/);
    const unfinished = await get(s.app, 'ASK {\n  ?s ?p ?o');
    expect(await unfinished.text()).toMatch(/^syntax error at line 2, column 11: /);
  });

  it('should refuse updates in every form with 403 and a message', async () => {
    const attempts = [
      post(s.app, 'INSERT DATA { <a> <b> <c> }'),
      get(s.app, 'CLEAR ALL'),
      s.app.request(`/sparql?update=${encodeURIComponent('CLEAR ALL')}`),
      s.app.request('/sparql', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-update' },
        body: 'CLEAR ALL',
      }),
      s.app.request('/sparql', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'update=CLEAR%20ALL',
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/read-only/);
    }
  });

  it('should refuse two queries, an empty one, a missing one and an unknown media type', async () => {
    expect((await s.app.request('/sparql?query=ASK%7B%7D&query=ASK%7B%7D')).status).toBe(400);
    expect((await s.app.request('/sparql?query=')).status).toBe(400);
    expect((await s.app.request('/sparql?default-graph-uri=x')).status).toBe(400);
    const text = await s.app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'ASK {}',
    });
    expect(text.status).toBe(415);
  });

  it('should refuse other methods with 405 and say which it allows', async () => {
    const res = await s.app.request('/sparql?query=ASK%7B%7D', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('should answer an unknown function with 400: the project functions are not public', async () => {
    const res = await get(s.app, 'PREFIX fn: <https://w3id.org/npcsc/fn#> SELECT (fn:lastDay("2000") AS ?d) {}');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/unknown function <https:\/\/w3id\.org\/npcsc\/fn#lastDay>/);
  });
});

describe('The answers of /sparql', () => {
  it('should carry an ETag and Cache-Control, and answer 304 to If-None-Match', async () => {
    const first = await get(s.app, HOLDERS);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(first.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const again = await get(s.app, HOLDERS, { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('should give one ETag to queries that differ only in layout, comments and keyword case, and another per format', async () => {
    const a = await get(s.app, 'SELECT ?s WHERE { ?s a ?t } LIMIT 3');
    const b = await post(s.app, '# the same\nselect  ?s\nwhere {\n  ?s a ?t\n}\nlimit 3');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    const csv = await get(s.app, 'SELECT ?s WHERE { ?s a ?t } LIMIT 3', { accept: 'text/csv' });
    expect(csv.headers.get('etag')).not.toBe(a.headers.get('etag'));
  });

  it('should run a query again, not answer from the cache, when the client asks with Cache-Control: no-cache', async () => {
    const q = 'SELECT ?t WHERE { ?s a ?t } LIMIT 2';
    await get(s.app, q);
    const runs = s.pool.stats().runs;
    await get(s.app, q);
    await post(s.app, q);
    expect(s.pool.stats().runs).toBe(runs);
    const fresh = await get(s.app, q, { 'cache-control': 'no-cache' });
    expect(fresh.status).toBe(200);
    expect(s.pool.stats().runs).toBe(runs + 1);
  });

  it('should run a query once for identical requests that arrive while it runs', async () => {
    const q = 'SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p';
    const runs = s.pool.stats().runs;
    const answers = await Promise.all([get(s.app, q), post(s.app, q), get(s.app, `# again\n${q}`)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(s.pool.stats().runs).toBe(runs + 1);
  });

  it('should not cache an answer that can change between runs', async () => {
    const res = await get(s.app, 'SELECT (RAND() AS ?r) {}');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBeNull();
  });

  it('should allow any origin to read them, errors included, and answer the CORS preflight', async () => {
    expect((await get(s.app, 'ASK {}')).headers.get('access-control-allow-origin')).toBe('*');
    expect((await get(s.app, 'ASK {')).headers.get('access-control-allow-origin')).toBe('*');
    const pre = await s.app.request('/sparql', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
  });

  it('should answer HEAD like GET, without a body', async () => {
    const res = await s.app.request(`/sparql?query=${encodeURIComponent('ASK {}')}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/sparql-results\+json/);
    expect(await res.text()).toBe('');
  });
});

describe('GET /sparql without a query', () => {
  it('should describe the service in Turtle by default, with the endpoint where it answers', async () => {
    const res = await s.app.request('/sparql');
    expect(res.headers.get('content-type')).toMatch(/^text\/turtle/);
    const body = await res.text();
    expect(body).toContain('sd:endpoint <https://w3id.org/npcsc/sparql>');
    expect(body).toMatch(/void:triples \d{3,}/);
  });

  it('should give browsers the query page', async () => {
    const res = await s.app.request('/sparql', {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toMatch(/<title>SPARQL endpoint/);
  });

  it('should give browsers the query page with a query too, and machines the results', async () => {
    const browser = await get(s.app, 'ASK {}', { accept: 'text/html,*/*;q=0.8' });
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    const machine = await get(s.app, 'ASK {}', { accept: '*/*' });
    expect(machine.headers.get('content-type')).toMatch(/^application\/sparql-results\+json/);
  });
});
