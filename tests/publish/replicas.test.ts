// Identifiers of content are content: two servers started on different days from one build answer alike, and a changed graph changes the ETag.
//
// A replica is the same Graph loaded on another day (its builtAt is that day) and served with the clock on that
// day. Only Date is faked: nothing else about time is involved, and the query runners keep their real timers.
import { DataFactory, Parser, Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { type Graph, hashQuads } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { toNTriples } from '../../src/rdf/serialize.ts';
import { sparqlRoutes } from '../../src/sparql/endpoint.ts';
import { poolFor } from '../../src/sparql/pool.ts';
import { realGraph, testConfig } from '../support/graph.ts';

const { namedNode, literal, quad } = DataFactory;

const PUBLIC = 'http://127.0.0.1:8131/';
const config = testConfig({ publicBase: PUBLIC, limits: { concurrency: 1 } });
/** Two start days far apart, neither of them the data's day, each at another hour. */
const DAYS = [new Date('2027-03-01T07:15:00Z'), new Date('2028-11-20T22:40:00Z')] as const;

const SELECT = 'SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 5';
/** What each replica is asked: every kind of document the site publishes, plain and compressed. */
const REQUESTS: [path: string, headers: Record<string, string>][] = [
  ['/doc/office/secretary-general', { accept: 'text/html' }], // a timeline with the incumbent's open tenure
  ['/doc/person/peng-zhen.zh-Hans.html', {}],
  ['/doc/person/peng-zhen.ttl', {}],
  ['/doc/person/peng-zhen.jsonld', {}],
  ['/doc/person/peng-zhen', { accept: 'application/ld+json', 'accept-encoding': 'br' }],
  ['/', { accept: 'text/html' }],
  ['/dataset', { accept: 'text/turtle' }],
  ['/.well-known/void', {}],
  ['/sitemap.xml', {}],
  ['/dump.nt', { 'accept-encoding': 'gzip' }],
  ['/sparql', { accept: 'text/turtle' }], // the service description
  ['/api/openapi.json', {}],
  ['/api/holders', { accept: 'text/csv' }],
  [`/sparql?query=${encodeURIComponent(SELECT)}`, { accept: 'application/sparql-results+json' }],
];

interface Answer {
  status: number;
  etag: string | null;
  lastModified: string | null;
  body: Buffer;
}

let graph: Graph;
/** The answers of each replica, by request. */
const answers: Map<string, Answer>[] = [];

async function ask(app: ReturnType<typeof createApp>, path: string, headers: Record<string, string>): Promise<Answer> {
  const res = await app.request(path, { headers });
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

const replicas: Graph[] = [];

beforeAll(async () => {
  graph = await realGraph();
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    for (const day of DAYS) {
      vi.setSystemTime(day);
      const replica: Graph = { ...graph, builtAt: new Date() };
      replicas.push(replica);
      const app = createApp(replica, config, [sparqlRoutes, linkedDataRoutes]);
      await poolFor(replica, config.limits.concurrency).ready();
      const byRequest = new Map<string, Answer>();
      for (const [path, headers] of REQUESTS)
        byRequest.set(`${path} ${JSON.stringify(headers)}`, await ask(app, path, headers));
      answers.push(byRequest);
    }
  } finally {
    vi.useRealTimers();
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => poolFor(r, config.limits.concurrency).close()));
});

describe('Two replicas of one build, started on different days', () => {
  it.each(REQUESTS)('%s %j: the same bytes, ETag and Last-Modified', (path, headers) => {
    const key = `${path} ${JSON.stringify(headers)}`;
    const [a, b] = answers.map((m) => m.get(key) as Answer) as [Answer, Answer];
    expect(a.status, path).toBe(200);
    expect(b.status, path).toBe(200);
    expect(a.etag, `${path} has an ETag`).toMatch(/^"[^"]+"$/);
    expect(b.etag, path).toBe(a.etag);
    expect(b.lastModified, path).toBe(a.lastModified);
    expect(b.body.equals(a.body), `${path}: the same bytes`).toBe(true);
  });

  it("say the data's own day everywhere: dcterms:modified, the sitemap's lastmod and Last-Modified agree", () => {
    const answer = (path: string, headers: Record<string, string> = {}) =>
      answers[0]?.get(`${path} ${JSON.stringify(headers)}`) as Answer;
    const description = new Parser({ baseIRI: PUBLIC }).parse(
      answer('/dataset', { accept: 'text/turtle' }).body.toString('utf8'),
    );
    const modified = description
      .filter(
        (q) => q.subject.value === `${graph.base}id/dataset/npcsc-kg` && q.predicate.value === `${NS.dcterms}modified`,
      )
      .map((q) => q.object.value);
    expect(modified).toHaveLength(1);
    const day = modified[0] as string;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(DAYS.map((d) => d.toISOString().slice(0, 10))).not.toContain(day);
    const lastmods = [
      ...answer('/sitemap.xml')
        .body.toString('utf8')
        .matchAll(/<lastmod>([^<]+)<\/lastmod>/g),
    ];
    expect(lastmods.length).toBeGreaterThan(0);
    expect(new Set(lastmods.map((m) => m[1]))).toEqual(new Set([day]));
    const httpDay = new Date(`${day}T00:00:00Z`).toUTCString();
    for (const [path, headers] of REQUESTS.filter(([p]) => !p.startsWith('/sparql') && !p.startsWith('/api'))) {
      expect(answer(path, headers).lastModified, path).toBe(httpDay);
    }
  });
});

describe('A changed graph', () => {
  it('answers a changed document with another ETag, and an unchanged one with the same', async () => {
    const store = new Store(graph.store.getQuads(null, null, null, null));
    store.addQuad(
      quad(
        namedNode(`${graph.base}id/person/peng-zhen`),
        namedNode(`${NS.rdfs}comment`),
        literal('A fact added after the build.', 'en'),
      ),
    );
    // Its own store and hash, and no file of the build's N-Triples (which are the unchanged graph's).
    const { ntFile: _file, dump: _dump, ...built } = graph;
    const changed: Graph = {
      ...built,
      store,
      hash: hashQuads(await toNTriples(store.getQuads(null, null, null, null))),
    };
    expect(changed.hash).not.toBe(graph.hash);
    const before = createApp(graph, config, [linkedDataRoutes]);
    const after = createApp(changed, config, [linkedDataRoutes]);
    for (const [path, headers] of [
      ['/doc/person/peng-zhen.ttl', {}],
      ['/doc/person/peng-zhen', { accept: 'text/html' }],
      ['/dump.nt', {}],
    ] as const) {
      const [a, b] = [await ask(before, path, headers), await ask(after, path, headers)];
      expect(b.body.equals(a.body), path).toBe(false);
      expect(b.etag, path).not.toBe(a.etag);
    }
    const [a, b] = [await ask(before, '/doc/org/npc.ttl', {}), await ask(after, '/doc/org/npc.ttl', {})];
    expect(b.body.equals(a.body)).toBe(true);
    expect(b.etag).toBe(a.etag);
  });
});
