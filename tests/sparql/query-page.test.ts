// The query page as HTML: examples in a menu, prefixes prefilled, assets served by us from node_modules, nothing unescaped.
import type * as RDF from '@rdfjs/types';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { QueryFile } from '../../src/rdf/queries.ts';
import { sparqlRoutes } from '../../src/sparql/endpoint.ts';
import { poolFor } from '../../src/sparql/pool.ts';
import { defaultQuery, example, queryPage } from '../../src/sparql/query-page.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { listen, type SparqlApp, sparqlApp } from './helpers.ts';

const HTML = { accept: 'text/html' };
let s: SparqlApp;
beforeAll(async () => {
  s = await sparqlApp();
});

describe('The query page', () => {
  it('should list every example query by its title, and load the editor from our own assets', async () => {
    const res = await s.app.request('/sparql', { headers: HTML });
    const page = await res.text();
    expect(page).toMatch(/<option value="holders"[^>]*>All holders in order<\/option>/);
    expect(page.match(/<option value="[a-z-]+"/g)?.length).toBeGreaterThanOrEqual(10);
    // What the page loads (scripts, styles, icon) comes from this server: relative, or at its public base.
    const loads = [...page.matchAll(/<script src="([^"]+)"|<link rel="(?:stylesheet|icon)" href="([^"]+)"/g)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    expect(loads).toContain('assets/yasgui/yasgui.min.js');
    expect(loads.filter((u) => /^(https?:)?\/\//.test(u) && !u.startsWith(s.config.publicBase))).toEqual([]);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('should be in English at /sparql and in Chinese beside it, each naming the other, with a description', async () => {
    const P = s.config.publicBase;
    for (const [path, lang, title, other] of [
      ['/sparql', 'en', 'SPARQL endpoint', `${P}sparql.zh-Hans.html`],
      ['/sparql.zh-Hans.html', 'zh-Hans', 'SPARQL 查询端点', `${P}sparql`],
    ] as const) {
      const res = await s.app.request(path, { headers: HTML });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-language')).toBe(lang);
      const page = await res.text();
      expect(page).toContain(`<html lang="${lang}">`);
      expect(page).toMatch(new RegExp(`<title>${title} · [^<]+</title>`));
      expect(page).toMatch(/<meta name="description" content="[^"]{40,}">/);
      expect(page).toContain(`<link rel="canonical" href="${P}${path.slice(1)}">`);
      expect(page).toContain(`<link rel="alternate" hreflang="zh-Hans" href="${P}sparql.zh-Hans.html">`);
      expect(page).toContain(`<a class="lang-switch" href="${other}"`);
      expect(page).toContain('<header class="site">');
    }
  });

  it('should prefill the dataset prefixes and the examples, with their parameters set to defaults', async () => {
    const page = await (await s.app.request('/sparql', { headers: HTML })).text();
    const island = /<script type="application\/json" id="query-page-config">([^<]*)<\/script>/.exec(page)?.[1];
    const config = JSON.parse(island ?? '{}') as { defaultQuery: string; examples: { name: string; query: string }[] };
    expect(config.defaultQuery).toMatch(/^PREFIX npcsc: +<https:\/\/w3id\.org\/npcsc\/ontology#>$/m);
    const held = config.examples.find((e) => e.name === 'held-on-date');
    expect(held?.query).toMatch(
      /VALUES \(\?day\) \{ \("1983-06-10"\^\^<http:\/\/www\.w3\.org\/2001\/XMLSchema#date>\) \}/,
    );
  });

  it('should run its default query and every example as they stand', async () => {
    const page = await (await s.app.request('/sparql', { headers: HTML })).text();
    const island = /id="query-page-config">([^<]*)</.exec(page)?.[1];
    const config = JSON.parse(island ?? '{}') as { defaultQuery: string; examples: { name: string; query: string }[] };
    for (const q of [config.defaultQuery, ...config.examples.map((e) => e.query)]) {
      const res = await s.app.request('/sparql', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query' },
        body: q,
      });
      // The project's own functions are not offered to the public, and this test's allowlist is empty: those
      // examples answer 400, as they should (the page marks the first kind as web API only).
      if (/fn:daysBetween/.test(q)) expect(await res.text()).toMatch(/^unknown function/);
      else if (/SERVICE </.test(q)) expect(await res.text()).toMatch(/^SERVICE <[^>]+> is not allowed/);
      else expect(res.status, q.slice(0, 80)).toBe(200);
    }
  });

  it('should escape whatever a query header says', async () => {
    const evil = '<script>alert(1)</script>';
    const file: QueryFile = {
      name: 'evil"><x',
      file: 'evil.rq',
      text: `# title: ${evil}\nSELECT * WHERE { ?s ?p "</script><script>alert(2)</script>" }`,
      title: evil,
      description: `" onmouseover="alert(3)`,
      params: [],
      severity: 'violation',
    };
    const app = new Hono();
    app.get('/sparql', queryPage({ graph: s.graph, config: s.config }, [example(file, s.graph.base)]));
    const page = await (await app.request('/sparql')).text();
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('title="&quot; onmouseover=&quot;alert(3)"');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('\\u003c/script>\\u003cscript>alert(2)');
  });

  it('should declare each prefix once, aligned', () => {
    const q = defaultQuery({ a: 'http://a/', long: 'http://long/' });
    expect(q).toMatch(/^PREFIX a: {4}<http:\/\/a\/>\nPREFIX long: <http:\/\/long\/>\n/);
  });
});

describe('The query page assets', () => {
  it('should serve YASGUI and the page script from us, compressed when asked, with an ETag', async () => {
    const js = await s.app.request('/assets/yasgui/yasgui.min.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const body = await js.text();
    expect(body.length).toBeGreaterThan(100_000);
    const br = await s.app.request('/assets/yasgui/yasgui.min.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const gz = await s.app.request('/assets/yasgui/yasgui.min.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const etag = js.headers.get('etag') ?? '';
    expect((await s.app.request('/assets/yasgui/yasgui.min.js', { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
    for (const name of ['yasgui.min.css', 'query-page.js', 'query-page.css']) {
      expect((await s.app.request(`/assets/yasgui/${name}`)).status, name).toBe(200);
    }
    expect((await s.app.request('/assets/yasgui/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await s.app.request('/assets/yasgui/other.js')).status).toBe(404);
  });
});

type PageConfig = { defaultQuery: string; examples: { name: string; query: string }[] };
type JsonTerm = { type: string; value: string; datatype?: string; 'xml:lang'?: string };
type Json = { results: { bindings: Record<string, JsonTerm>[] } };

async function pageConfig(app: Hono): Promise<PageConfig> {
  const page = await (await app.request('/sparql', { headers: HTML })).text();
  return JSON.parse(/id="query-page-config">([^<]*)</.exec(page)?.[1] ?? '{}') as PageConfig;
}

/** A row as one comparable string: each variable with its term in N-Triples-like form, sorted by name. */
const rowKey = (row: Record<string, { type: string; value: string; datatype?: string; lang?: string }>): string =>
  Object.keys(row)
    .sort()
    .map((k) => {
      const t = row[k] as { type: string; value: string; datatype?: string; lang?: string };
      return `${k}=${t.type === 'uri' ? `<${t.value}>` : t.type === 'bnode' ? '_:' : JSON.stringify(t.value)}${t.lang ? `@${t.lang.toLowerCase()}` : t.datatype && t.datatype !== 'http://www.w3.org/2001/XMLSchema#string' ? `^^${t.datatype}` : ''}`;
    })
    .join(' ');
const jsonRows = (json: Json) =>
  json.results.bindings.map((b) =>
    rowKey(Object.fromEntries(Object.entries(b).map(([k, t]) => [k, { ...t, lang: t['xml:lang'] }]))),
  );
const rdfRows = (rows: RDF.Bindings[]) =>
  rows.map((b) =>
    rowKey(
      Object.fromEntries(
        [...b].map(([v, t]) => [
          v.value,
          {
            type: t.termType === 'NamedNode' ? 'uri' : t.termType === 'BlankNode' ? 'bnode' : 'literal',
            value: t.value,
            ...(t.termType === 'Literal' ? { datatype: t.datatype.value, lang: t.language } : {}),
          },
        ]),
      ),
    ),
  );

const runsElsewhere = (q: string) => !/SERVICE </.test(q);

describe('The examples pasted into another client', () => {
  it('should answer who held the office on a date on /sparql with the rows /api/held-on-date gives', async () => {
    const held = (await pageConfig(s.app)).examples.find((e) => e.name === 'held-on-date');
    const pasted = await s.app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
      body: held?.query ?? '',
    });
    expect(pasted.status).toBe(200);
    const api = jsonRows((await (await s.app.request('/api/held-on-date')).json()) as Json);
    expect(api).toHaveLength(2);
    expect(jsonRows((await pasted.json()) as Json)).toEqual(api);
  });

  it('should answer every example sent as plain text to /sparql with the rows of /api/{name}', async () => {
    const { examples } = await pageConfig(s.app);
    for (const e of examples.filter((x) => runsElsewhere(x.query))) {
      // No base from the client: the text names its own, as it must for any other endpoint.
      expect(e.query, e.name).toMatch(/^BASE <https:\/\/w3id\.org\/npcsc\/>$/m);
      const pasted = await s.app.request('/sparql', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
        body: e.query,
      });
      expect(pasted.status, `${e.name}: ${pasted.status}`).toBe(200);
      const api = (await (await s.app.request(`/api/${e.name}`)).json()) as Json;
      expect(jsonRows((await pasted.json()) as Json), e.name).toEqual(jsonRows(api));
    }
  });

  it('should run unchanged in Comunica, which resolves no IRI against a base it is not given', async () => {
    const { QueryEngine } = await import('@comunica/query-sparql');
    const engine = new QueryEngine();
    const server = await listen(s.app);
    try {
      const { examples } = await pageConfig(s.app);
      for (const e of examples.filter((x) => runsElsewhere(x.query))) {
        const stream = await engine.queryBindings(e.query, {
          sources: [{ type: 'sparql', value: `${server.url}/sparql` }],
        } as never);
        const api = (await (await s.app.request(`/api/${e.name}`)).json()) as Json;
        // Rows as a multiset: how another engine splits the work between itself and the endpoint is its own.
        expect(rdfRows(await stream.toArray()).sort(), e.name).toEqual(jsonRows(api).sort());
      }
    } finally {
      await server.close();
    }
  });

  it('should name the deployment’s own base in the examples and the API when it serves another one', async () => {
    const base = 'https://example.org/kg/';
    const graph = await realGraph({ base });
    const config = testConfig({ base });
    const app = createApp(graph, config, [sparqlRoutes]);
    await poolFor(graph, config.limits.concurrency).ready();
    const holders = (await pageConfig(app)).examples.find((e) => e.name === 'holders');
    expect(holders?.query).toMatch(/^BASE <https:\/\/example\.org\/kg\/>$/m);
    const api = jsonRows((await (await app.request('/api/holders')).json()) as Json);
    expect(api).toHaveLength(14);
    expect(api[0]).toContain('tenure=<https://example.org/kg/id/tenure/secretary-general/1>');
    const pasted = await app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
      body: holders?.query ?? '',
    });
    expect(jsonRows((await pasted.json()) as Json)).toEqual(api);
  });
});
