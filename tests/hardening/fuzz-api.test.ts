// Property-based fuzzing of the stored-query API: every parameter value, injection attempts above all, ends up as one RDF term (the same text back, never more query) or as a 400.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { realGraph } from '../support/graph.ts';
import { copyOfInputs, fullApp, within } from './support.ts';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** FUZZ_SCALE multiplies every run count (FUZZ_SCALE=20 for a long hunt). */
const runs = (n: number) => ({
  numRuns: Math.round(n * Number(process.env.FUZZ_SCALE ?? 1)),
  ...(seed === undefined ? {} : { seed }),
});

/**
 * A stored query that gives back what it was given: the text, its length, how many labels equal it (none can
 * match an injection), and the IRI. It exists only in the copy of the inputs this test serves.
 */
const ECHO = `# title: Echo
# description: Gives back its parameters as the terms they were bound to.
# param: text xsd:string = hello -- Any text.
# param: thing iri = id/person/peng-zhen -- Any IRI.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?text ?thing ?len ?rows WHERE {
  BIND (STRLEN(?text) AS ?len)
  { SELECT (COUNT(*) AS ?rows) WHERE { ?s rdfs:label ?l FILTER (STR(?l) = ?text) } }
}
`;

const INJECTIONS = [
  '" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
  '"} UNION { ?s ?p ?o } #',
  '""" } ; CLEAR DEFAULT ; #',
  "' } ; INSERT DATA { <a> <b> <c> } #",
  '\\" . ?s ?p ?o . #',
  '> } UNION { ?s ?p ?o } #',
  '"@en } #',
  '"^^<http://www.w3.org/2001/XMLSchema#integer> } #',
  'Peng Zhen" || true || "',
  '?s ?p ?o',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an injection attempt, sent as it is
  '${text}',
  '\u0000',
  '\n} SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n',
  '%22%20%7D',
  '" ; LOAD <file:///etc/passwd> #',
];

let app: Hono;
let graph: Graph;
let logged: MockInstance<typeof console.error>;
const inputs = copyOfInputs();

beforeAll(async () => {
  writeFileSync(path.join(inputs.root, 'queries', 'echo.rq'), ECHO);
  graph = await realGraph();
  // The real graph; the stored queries (echo among them) from the copy.
  ({ app } = await fullApp({ root: inputs.root }, graph));
  logged = vi.spyOn(console, 'error');
});
afterAll(() => {
  logged.mockRestore();
  inputs.remove();
});

interface Row {
  text: { type: string; value: string };
  thing: { type: string; value: string };
  len: { value: string };
  rows: { value: string };
}

async function api(name: string, params: [string, string][]) {
  const url = `/api/${name}?${new URLSearchParams(params)}`;
  const res = await within(Promise.resolve(app.request(url)), 10_000, url);
  const body = await res.text();
  expect(res.status, `${url}: ${body.slice(0, 200)}`).toBeLessThan(500);
  expect(logged).not.toHaveBeenCalled();
  // What the server read: the URL's own decoding (a lone surrogate, say, arrives as U+FFFD).
  const read = new URL(url, 'http://x').searchParams;
  return { status: res.status, body, read };
}

const text = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
  fc.string({ minLength: 990, maxLength: 1010 }),
);

describe('A string parameter, given anything at all', () => {
  it('should come back as the very same literal (or a 400 past 1000 characters), matching no label', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        const { status, body, read } = await api('echo', [['text', value]]);
        const sent = read.get('text') ?? '';
        if (sent.length > 1000) {
          expect(status).toBe(400);
          expect(body).toMatch(/parameter text: expected a string of at most 1000 characters/);
          return;
        }
        expect(status, body).toBe(200);
        const json = JSON.parse(body) as { head: { vars: string[] }; results: { bindings: Row[] } };
        expect(json.head.vars).toEqual(['text', 'thing', 'len', 'rows']);
        expect(json.results.bindings).toHaveLength(1);
        const [row] = json.results.bindings as [Row];
        expect(row.text).toEqual({ type: 'literal', value: sent });
        expect(Number(row.len.value)).toBe([...sent].length);
        const labels = graph.store.getObjects(null, 'http://www.w3.org/2000/01/rdf-schema#label', null);
        expect(Number(row.rows.value)).toBe(labels.filter((l) => l.value === sent).length);
      }),
      runs(90),
    );
  });
});

describe('An IRI parameter, given anything at all', () => {
  it('should come back as that one IRI, resolved against the base, or be refused with a 400', async () => {
    const iri = fc.oneof(
      fc.constantFrom(
        'id/person/peng-zhen',
        'https://w3id.org/npcsc/id/person/peng-zhen',
        'http://169.254.169.254/latest/meta-data/',
        'http://127.0.0.1:9/',
        'file:///etc/passwd',
        'javascript:alert(1)',
        '../../../etc/passwd',
        'http://x/> } UNION { ?s ?p ?o } #',
        'urn:x:y',
        '',
        '//evil.example/x',
        'http://[::1]/',
        'HTTP://EXAMPLE.ORG/A B',
      ),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.tuple(fc.constantFrom(...INJECTIONS), fc.webUrl()).map(([a, b]) => b + a),
    );
    await fc.assert(
      fc.asyncProperty(iri, async (value) => {
        const { status, body, read } = await api('echo', [['thing', value]]);
        const sent = read.get('thing') ?? '';
        if (status === 400) {
          expect(body).toMatch(/^parameter thing: expected an/);
          return;
        }
        expect(status, body).toBe(200);
        const [row] = (JSON.parse(body) as { results: { bindings: Row[] } }).results.bindings as [Row];
        expect(row.thing).toEqual({ type: 'uri', value: new URL(sent, graph.base).href });
        expect(row.thing.value).toMatch(/^(https?|urn):/);
        expect(row.thing.value).not.toMatch(/[\s<>"{}|\\^`]/);
      }),
      runs(90),
    );
  });
});

describe('The shipped stored queries, given odd and hostile parameters', () => {
  it('should answer 200 with no more rows than a real value gives, or 400 naming the parameter', async () => {
    const person = (await api('person-tenures', [['person', 'id/person/peng-zhen']])).body;
    const most = (JSON.parse(person) as { results: { bindings: unknown[] } }).results.bindings.length;
    expect(most).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('person-tenures', 'held-on-date', 'holders', 'incumbent'),
        fc.array(fc.tuple(fc.constantFrom('person', 'day', 'x', 'query', ''), fc.oneof(text, fc.date().map(String))), {
          maxLength: 3,
        }),
        async (name, params) => {
          const { status, body } = await api(name, params);
          if (status === 400) {
            expect(body).toMatch(/^parameter [^:]*: (expected|unknown|given more than once|required)/);
            return;
          }
          expect(status, body).toBe(200);
          const rows = (JSON.parse(body) as { results: { bindings: unknown[] } }).results.bindings.length;
          if (name === 'person-tenures') expect(rows).toBeLessThanOrEqual(most);
          if (name === 'held-on-date') expect(rows).toBeLessThanOrEqual(2);
        },
      ),
      runs(80),
    );
  });

  it('should answer an unknown or odd query name with 404', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), async (name) => {
        const res = await app.request(`/api/${encodeURIComponent(name)}`);
        expect([200, 404, 406], name).toContain(res.status);
        if (res.status === 200)
          expect(['openapi.json', 'holders', 'incumbent', 'echo']).toContain(name.replace(/\.\w+$/, ''));
      }),
      runs(50),
    );
  });
});
