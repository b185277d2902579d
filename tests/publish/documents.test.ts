// What a document holds, and that its Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads and TriG are one graph.

import type { Hono } from 'hono';
import type { Quad } from 'n3';
import { beforeAll, describe, expect, it } from 'vitest';
import { RDF_FORMATS, suffixOf } from '../../src/publish/formats.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { NS } from '../../src/rdf/ns.ts';
import { canonical, type Graph, ldApp, parseRdf, tripleKey } from './helpers.ts';

const BASE = 'https://w3id.org/npcsc/';
const NPCSC = `${BASE}ontology#`;
const PUBLIC = 'http://127.0.0.1:8124/';
let app: Hono;
let graph: Graph;
let keys: string[];

beforeAll(async () => {
  const made = await ldApp({ publicBase: PUBLIC });
  app = made.app;
  graph = made.graph;
  keys = [...new Publisher(graph, made.config).keys.keys()];
});

async function doc(key: string, ext = 'ttl'): Promise<Quad[]> {
  const res = await app.request(`/${key}.${ext}`);
  expect(res.status, key).toBe(200);
  return parseRdf(
    await res.text(),
    ext === 'ttl' ? 'turtle' : ext === 'nt' ? 'ntriples' : ext === 'jsonld' ? 'jsonld' : 'rdfxml',
  );
}

const has = (quads: Quad[], s: string, p: string, o?: string) =>
  quads.some((q) => q.subject.value === s && q.predicate.value === p && (o === undefined || q.object.value === o));

describe('The documents of the dataset', () => {
  it('exist for every thing under id/ and for the ontology', () => {
    const subjects = new Set(
      graph.store
        .getSubjects(null, null, null)
        .map((s) => s.value)
        .filter((s) => s.startsWith(`${BASE}id/`))
        .map((s) => `doc/${s.slice(`${BASE}id/`.length).split('#')[0]}`),
    );
    expect(subjects.size).toBeGreaterThan(50);
    for (const s of subjects) expect(keys).toContain(s);
    expect(keys).toContain('ontology');
  });

  it('say the same graph in Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads and TriG (compared after canonicalisation)', async () => {
    let checked = 0;
    for (const key of keys) {
      const forms = await Promise.all(
        RDF_FORMATS.map(async (f) => {
          const ext = suffixOf(f).slice(1);
          const res = await app.request(`/${key}.${ext}`);
          return { f, quads: await parseRdf(await res.text(), f, `${PUBLIC}${key}.${ext}`) };
        }),
      );
      const reference = await canonical(forms[0]?.quads ?? []);
      expect(forms[0]?.quads.length, key).toBeGreaterThan(3);
      for (const { f, quads } of forms.slice(1)) {
        expect(await canonical(quads), `${key} as ${f}`).toBe(reference);
      }
      checked++;
    }
    expect(checked).toBe(keys.length);
  }, 120_000);

  it('keep the canonical IRIs as identifiers and name their own public address', async () => {
    const quads = await doc('doc/person/peng-zhen');
    expect(has(quads, `${BASE}id/person/peng-zhen`, `${NS.rdfs}label`)).toBe(true);
    expect(has(quads, `${PUBLIC}doc/person/peng-zhen`, `${NS.foaf}primaryTopic`, `${BASE}id/person/peng-zhen`)).toBe(
      true,
    );
  });
});

describe('A person’s document', () => {
  let quads: Quad[];
  beforeAll(async () => {
    quads = await doc('doc/person/peng-zhen');
  });

  it('holds every triple about the person', () => {
    const all = graph.store.getQuads(`${BASE}id/person/peng-zhen`, null, null, null).map(tripleKey);
    const got = new Set(quads.map(tripleKey));
    for (const t of all) expect(got.has(t), t).toBe(true);
  });

  it('holds the incoming links (tenures held, tenures served under)', () => {
    expect(has(quads, `${BASE}id/tenure/secretary-general/1`, `${NPCSC}holder`, `${BASE}id/person/peng-zhen`)).toBe(
      true,
    );
    expect(
      has(quads, `${BASE}id/tenure/secretary-general/6`, `${NPCSC}servedUnder`, `${BASE}id/person/peng-zhen`),
    ).toBe(true);
  });

  it('holds the labels of everything it links to, in both languages', () => {
    const office = `${BASE}id/office/secretary-general`;
    const labels = quads.filter((q) => q.subject.value === office && q.predicate.value === `${NS.rdfs}label`);
    expect(labels.map((q) => (q.object as { language: string }).language.toLowerCase()).sort()).toEqual([
      'en',
      'zh-hans',
    ]);
  });

  it('summarises each tenure with its dates, precision and bounds', () => {
    const t = `${BASE}id/tenure/secretary-general/1`;
    for (const p of ['startDate', 'endDate', 'endEarliest', 'endLatest', 'endPrecision', 'ordinal', 'office']) {
      expect(has(quads, t, `${NPCSC}${p}`), p).toBe(true);
    }
    const end = quads.find((q) => q.subject.value === t && q.predicate.value === `${NPCSC}endDate`);
    expect(end?.object.value).toBe('1965-01');
    expect(end?.object.termType === 'Literal' ? end.object.datatype.value : '').toBe(`${NS.xsd}gYearMonth`);
  });

  it('holds its sources with their titles', () => {
    const sources = quads.filter(
      (q) => q.subject.value === `${BASE}id/person/peng-zhen` && q.predicate.value === `${NS.dcterms}source`,
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(has(quads, s.object.value, `${NS.dcterms}title`), s.object.value).toBe(true);
  });
});

describe('A tenure’s document', () => {
  it('holds the conflict notes about it in full', async () => {
    const quads = await doc('doc/tenure/secretary-general/2', 'nt');
    const notes = graph.store.getSubjects(`${NPCSC}noteAbout`, `${BASE}id/tenure/secretary-general/2`, null);
    expect(notes.length).toBeGreaterThan(0);
    const got = new Set(quads.map(tripleKey));
    for (const n of notes) {
      for (const q of graph.store.getQuads(n, null, null, null)) expect(got.has(tripleKey(q)), tripleKey(q)).toBe(true);
    }
  });
});

describe('The ontology document', () => {
  it('holds every class and property with its labels, comments and alignments', async () => {
    const quads = await doc('ontology', 'jsonld');
    const got = new Set(quads.map(tripleKey));
    const terms = graph.store
      .getSubjects(null, null, null)
      .map((s) => s.value)
      .filter((s) => s.startsWith(`${BASE}ontology#`));
    expect(terms.length).toBeGreaterThan(40);
    for (const t of terms) {
      for (const q of graph.store.getQuads(t, null, null, null)) expect(got.has(tripleKey(q)), tripleKey(q)).toBe(true);
    }
    expect(got.has(`<${NS.dcterms}source> <${NS.rdfs}subPropertyOf> <${NS.prov}wasDerivedFrom>`)).toBe(true);
  });
});

describe('The dataset document', () => {
  it('adds the computed VoID part: counts, endpoint, dumps on the public base', async () => {
    const quads = await doc('doc/dataset/npcsc-kg');
    const ds = `${BASE}id/dataset/npcsc-kg`;
    const triples = quads.find((q) => q.subject.value === ds && q.predicate.value === `${NS.void}triples`);
    expect(Number(triples?.object.value)).toBe(graph.store.size);
    expect(has(quads, ds, `${NS.void}sparqlEndpoint`, `${PUBLIC}sparql`)).toBe(true);
    for (const dump of ['dump.ttl', 'dump.nt', 'dump.jsonld']) {
      expect(has(quads, ds, `${NS.void}dataDump`, `${PUBLIC}${dump}`), dump).toBe(true);
    }
    expect(has(quads, ds, `${NS.dcterms}license`)).toBe(true);
    expect(
      quads.filter((q) => q.subject.value === ds && q.predicate.value === `${NS.dcterms}source`).length,
    ).toBeGreaterThan(10);
    expect(has(quads, ds, `${NS.void}vocabulary`)).toBe(true);
    expect(has(quads, ds, `${NS.rdf}type`, `${NS.schema}Dataset`)).toBe(true);
  });
});
