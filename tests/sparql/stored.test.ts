// The stored queries as a web API: one GET operation per queries/*.rq, typed parameters bound as terms, and the OpenAPI 3 description.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { loadQueryDir } from '../../src/rdf/queries.ts';
import { type SparqlApp, sparqlApp } from './helpers.ts';

const files = loadQueryDir(path.join(PROJECT_ROOT, 'queries'));
let s: SparqlApp;
beforeAll(async () => {
  s = await sparqlApp();
});

type Json = { head: { vars: string[] }; results: { bindings: Record<string, { value: string }>[] } };
type OpenApi = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<
    string,
    { get: { summary: string; parameters: { name: string; schema: { format?: string; default?: string } }[] } }
  >;
};

describe('The stored query API', () => {
  it('should offer every stored query of queries/ as GET /api/{name}, each answering with its defaults', async () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const res = await s.app.request(`/api/${f.name}`);
      // The federation example calls Wikidata, which the tests' empty allowlist refuses (the shipped linkset links
      // holders, so the call is made): a 400 that names the refused address.
      if (/SERVICE </.test(f.text)) {
        expect([res.status, await res.text()], f.name).toEqual([
          400,
          expect.stringMatching(/^outbound request refused: https:\/\/query\.wikidata\.org\//),
        ]);
        continue;
      }
      expect(res.status, `${f.name}: ${res.status}`).toBe(200);
      const json = (await res.json()) as Json;
      expect(json.head.vars.length, f.name).toBeGreaterThan(0);
    }
  });

  it('should compute tenure lengths in days (in plain SPARQL, which /sparql runs too)', async () => {
    const json = (await (await s.app.request('/api/tenure-lengths')).json()) as Json;
    const days = json.results.bindings.map((b) => Number(b.maxDays?.value));
    expect(days.length).toBeGreaterThan(5);
    expect(days.every((d) => Number.isInteger(d) && d > 0)).toBe(true);
  });

  it('should bind a typed parameter as a term: who held the office on a day', async () => {
    const json = (await (await s.app.request('/api/held-on-date?day=1955-01-01')).json()) as Json;
    expect(json.results.bindings.map((b) => b.name?.value)).toEqual(['Peng Zhen']);
    const person = (await (
      await s.app.request(`/api/person-tenures?person=${encodeURIComponent('id/person/peng-zhen')}`)
    ).json()) as Json;
    expect(person.results.bindings.length).toBeGreaterThan(0);
  });

  it('should refuse a parameter of the wrong type, an unknown one and a repeated one with 400', async () => {
    const wrong = await s.app.request('/api/held-on-date?day=1955-02-30');
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/parameter day: expected a date/);
    expect((await s.app.request('/api/holders?limit=3')).status).toBe(400);
    expect((await s.app.request('/api/held-on-date?day=1955-01-01&day=1956-01-01')).status).toBe(400);
  });

  it('should never let a parameter change the query: text that would close the IRI is refused', async () => {
    const attack = 'id/person/peng-zhen> ?p ?o } UNION { ?s ?p ?o';
    const res = await s.app.request(`/api/person-tenures?person=${encodeURIComponent(attack)}`);
    expect(res.status).toBe(400);
  });

  it('should negotiate the format, with CSV by Accept or by extension, and 406 when nothing fits', async () => {
    const byAccept = await s.app.request('/api/holders', { headers: { accept: 'text/csv' } });
    expect(byAccept.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const byExtension = await s.app.request('/api/holders.csv');
    expect(await byExtension.text()).toBe(await byAccept.text());
    expect((await s.app.request('/api/holders.tsv')).headers.get('content-type')).toMatch(
      /^text\/tab-separated-values/,
    );
    expect((await s.app.request('/api/holders.ttl')).status).toBe(404);
    expect((await s.app.request('/api/holders', { headers: { accept: 'image/png' } })).status).toBe(406);
  });

  it('should answer an unknown name with 404 and other methods with 405', async () => {
    expect((await s.app.request('/api/no-such-query')).status).toBe(404);
    expect((await s.app.request('/api/holders', { method: 'POST' })).status).toBe(405);
  });

  it('should cache answers with an ETag and answer 304', async () => {
    const first = await s.app.request('/api/holders');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await s.app.request('/api/holders', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});

describe('The OpenAPI description at /api/openapi.json', () => {
  it('should describe every stored query with its title and typed parameters', async () => {
    const res = await s.app.request('/api/openapi.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = (await res.json()) as OpenApi;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.servers[0]?.url).toBe('https://w3id.org/npcsc');
    for (const f of files) {
      const op = doc.paths[`/api/${f.name}`]?.get;
      expect(op?.summary, f.name).toBe(f.title);
      expect(op?.parameters.map((p) => p.name)).toEqual(f.params.map((p) => p.name));
    }
    const day = doc.paths['/api/held-on-date']?.get.parameters[0];
    expect(day?.schema).toEqual({ type: 'string', format: 'date', default: '1983-06-10' });
  });
});
