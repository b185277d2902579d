// The W3C SPARQL 1.1 Service Description tests (3): GET on the endpoint returns RDF with a matching sd:endpoint that conforms to the vocabulary.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as RDF from '@rdfjs/types';
import jsonld from 'jsonld';
import { DataFactory, Parser, Store } from 'n3';
import * as rdflib from 'rdflib';
import { beforeAll, describe, expect, it } from 'vitest';
import { harnessApp, localName, Manifest, NS, namedGraphs, SUITES } from './harness.ts';

const { namedNode } = DataFactory;
// Without the suite the tests below are listed as skipped, with the reason in their name.
const manifest = SUITES.missing ? undefined : new Manifest(path.join(SUITES.serviceDescription, 'manifest.ttl'));
const entries = manifest ? manifest.entries().map(localName) : [];
const suite = describe.skipIf(SUITES.missing !== undefined);
const ENDPOINT = 'http://www.example/sparql';
const RDFS = NS.rdfs;
const TYPE = `${NS.rdf}type`;

let app: Awaited<ReturnType<typeof harnessApp>>;
beforeAll(async () => {
  if (SUITES.missing) return;
  const data = SUITES.protocol;
  app = await harnessApp(
    namedGraphs([1, 2].map((n) => ({ file: path.join(data, `data${n}.nt`), name: `http://example.org/g${n}` }))),
  );
});

/** The description as a store, parsed from the format `accept` asks for. */
async function describeIn(accept: string | undefined): Promise<{ type: string; store: Store }> {
  const res = await app.request(ENDPOINT, accept ? { headers: { accept } } : {});
  expect(res.status).toBe(200);
  const type = res.headers.get('content-type') ?? '';
  const body = await res.text();
  let quads: RDF.Quad[];
  if (type.startsWith('application/ld+json')) {
    const nq = (await jsonld.toRDF(JSON.parse(body) as object, { format: 'application/n-quads' })) as unknown as string;
    quads = new Parser({ format: 'N-Quads' }).parse(nq);
  } else if (type.startsWith('application/rdf+xml')) {
    const g = rdflib.graph();
    rdflib.parse(body, g, ENDPOINT, 'application/rdf+xml');
    quads = new Parser({ format: 'N-Triples' }).parse(
      rdflib.serialize(null, g, ENDPOINT, 'application/n-triples') ?? '',
    );
  } else {
    quads = new Parser({ format: type.startsWith('application/n-triples') ? 'N-Triples' : 'Turtle' }).parse(body);
  }
  return { type, store: new Store(quads) };
}

/** Every problem of `sd` against the vocabulary: unknown terms, and subjects or objects not typed as domain and range say. */
function schemaProblems(sd: Store): string[] {
  const schema = new Store(
    new Parser().parse(readFileSync(fileURLToPath(new URL('./sd-schema.ttl', import.meta.url)), 'utf8')),
  );
  const superClasses = (c: string): string[] => [
    c,
    ...schema.getObjects(namedNode(c), namedNode(`${RDFS}subClassOf`), null).flatMap((s) => superClasses(s.value)),
  ];
  const typesOf = (t: RDF.Term): Set<string> =>
    new Set(
      [
        ...sd.getObjects(t as RDF.Quad_Subject, namedNode(TYPE), null),
        ...schema.getObjects(t as RDF.Quad_Subject, namedNode(TYPE), null),
      ].flatMap((c) => superClasses(c.value)),
    );
  const problems: string[] = [];
  for (const q of sd.getQuads(null, null, null, null)) {
    const p = q.predicate.value;
    if (p === TYPE && q.object.value.startsWith(NS.sd)) {
      if (!schema.has(DataFactory.quad(q.object as RDF.Quad_Subject, namedNode(TYPE), namedNode(`${RDFS}Class`)))) {
        problems.push(`unknown class ${q.object.value}`);
      }
    }
    if (!p.startsWith(NS.sd)) continue;
    const prop = namedNode(p);
    if (!schema.has(DataFactory.quad(prop, namedNode(TYPE), namedNode(`${NS.rdf}Property`)))) {
      problems.push(`unknown property ${p}`);
      continue;
    }
    for (const d of schema.getObjects(prop, namedNode(`${RDFS}domain`), null)) {
      if (!typesOf(q.subject).has(d.value))
        problems.push(`${q.subject.value} ${localName(prop)}: subject is not a ${d.value}`);
    }
    for (const r of schema.getObjects(prop, namedNode(`${RDFS}range`), null)) {
      if (r.value === `${RDFS}Resource`) {
        if (q.object.termType === 'Literal') problems.push(`${localName(prop)}: object is a literal, not a resource`);
      } else if (!typesOf(q.object).has(r.value)) {
        problems.push(`${q.subject.value} ${localName(prop)} ${q.object.value}: object is not a ${r.value}`);
      }
    }
    if (/resultFormat|inputFormat/.test(p) && q.object.termType !== 'NamedNode') problems.push(`${p}: not an IRI`);
  }
  return problems;
}

suite(`The W3C SPARQL 1.1 Service Description manifest${SUITES.missing ? ` (${SUITES.missing})` : ''}`, () => {
  it('should hold the 3 tests', () => {
    expect(entries.sort()).toEqual(['conforms-to-schema', 'has-endpoint-triple', 'returns-rdf']);
  });
});

suite('The service description of the harness endpoint', () => {
  it('should pass returns-rdf: GET on the endpoint returns RDF, by default and in every format offered', async () => {
    const byDefault = await describeIn(undefined);
    expect(byDefault.type).toMatch(/^text\/turtle/);
    expect(byDefault.store.size).toBeGreaterThan(10);
    for (const accept of ['text/turtle', 'application/n-triples', 'application/ld+json', 'application/rdf+xml']) {
      const { type, store } = await describeIn(accept);
      expect(type.startsWith(accept)).toBe(true);
      expect(store.size, accept).toBe(byDefault.store.size);
    }
  });

  it('should pass has-endpoint-triple: it names the URL it was fetched from as sd:endpoint', async () => {
    const { store } = await describeIn('text/turtle');
    const services = store.getSubjects(namedNode(`${NS.sd}endpoint`), namedNode(ENDPOINT), null);
    expect(services).toHaveLength(1);
    expect(
      store.has(DataFactory.quad(services[0] as RDF.Quad_Subject, namedNode(TYPE), namedNode(`${NS.sd}Service`))),
    ).toBe(true);
  });

  it('should pass conforms-to-schema: every sd: term is defined and used within its domain and range', async () => {
    const { store } = await describeIn('text/turtle');
    expect(schemaProblems(store)).toEqual([]);
    // The description says what the vocabulary is for: language, result formats, default dataset with statistics.
    const sd = (l: string) => namedNode(`${NS.sd}${l}`);
    expect(store.getObjects(null, sd('supportedLanguage'), null).map((t) => t.value)).toContain(
      `${NS.sd}SPARQL11Query`,
    );
    expect(store.getObjects(null, sd('resultFormat'), null).length).toBeGreaterThanOrEqual(8);
    expect(store.getObjects(null, sd('namedGraph'), null)).toHaveLength(2);
    expect(store.getObjects(null, namedNode('http://rdfs.org/ns/void#triples'), null).map((t) => t.value)).toContain(
      '1',
    );
  });

  it('should fail the schema check for a description that misuses the vocabulary (the check checks)', () => {
    const bad = new Store(
      new Parser().parse(
        `@prefix sd: <${NS.sd}> . <#s> a sd:Service ; sd:defaultGraph [ a sd:Graph ] ; sd:nonsense 1 .`,
      ),
    );
    expect(schemaProblems(bad)).toHaveLength(2);
  });
});
