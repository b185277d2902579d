// Client faults are 4xx with a message and nothing in the log: a graph RDF/XML cannot hold, a value past V8's string limit.
import type { Hono } from 'hono';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { qnameProblem } from '../../src/rdf/serialize.ts';
import { get, sparqlApp } from './helpers.ts';

let app: Hono;
beforeAll(async () => {
  ({ app } = await sparqlApp({ limits: { timeoutMs: 20_000 } }));
});
afterEach(() => vi.restoreAllMocks());

const RDFXML = { accept: 'application/rdf+xml' };

/** Sends `query` and returns its status and body, with whatever the server logged meanwhile. */
async function send(query: string, headers: Record<string, string> = {}) {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const r = await get(app, query, { 'cache-control': 'no-cache', ...headers });
  const body = await r.text();
  const logged = [...error.mock.calls, ...warn.mock.calls].map((c) => c.map(String).join(' '));
  error.mockRestore();
  warn.mockRestore();
  return { status: r.status, body, logged };
}

describe('A CONSTRUCT asked for as RDF/XML', () => {
  it.each([
    ['a predicate with no "/" or "#"', 'CONSTRUCT { <urn:a> <urn:b:1> <urn:c> } WHERE {}', /no "#" or "\/"/],
    [
      'a predicate whose local name starts with a digit',
      'CONSTRUCT { <urn:a> <http://example.org/1> <urn:c> } WHERE {}',
      /"1", which is not an XML name/,
    ],
    ['a predicate ending in "/"', 'CONSTRUCT { <urn:a> <http://example.org/a/> <urn:c> } WHERE {}', /ends in ""/],
    [
      'a predicate with a percent sign',
      'CONSTRUCT { <urn:a> <http://example.org/a%20b> <urn:c> } WHERE {}',
      /not an XML name/,
    ],
    ['a type with no XML name', 'CONSTRUCT { <urn:a> a <urn:type:1> } WHERE {}', /<urn:type:1>/],
  ])('with %s is a 400 that says why and what to ask for, and logs nothing', async (_name, query, reason) => {
    const r = await send(query, RDFXML);
    expect(r.status, r.body).toBe(400);
    expect(r.body).toMatch(/^this graph cannot be written as RDF\/XML: /);
    expect(r.body).toMatch(reason);
    expect(r.body).toMatch(/ask for Turtle, N-Triples or JSON-LD instead/);
    expect(r.logged).toEqual([]);
  });

  it('with names RDF/XML can write is written', async () => {
    const r = await send('CONSTRUCT { <urn:a> <http://example.org/ns#p1> <urn:c> } WHERE {}', RDFXML);
    expect(r.status, r.body).toBe(200);
    expect(r.body).toMatch(/<\w+:p1 rdf:resource="urn:c"\/>/);
  });

  it('as Turtle is written whatever its names', async () => {
    const r = await send('CONSTRUCT { <urn:a> <urn:b:1> <urn:c> } WHERE {}', { accept: 'text/turtle' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<urn:b:1>');
  });
});

describe('A CONSTRUCT asked for as JSON-LD', () => {
  it('with an rdf:JSON literal that is no JSON is a 400 that says why, and logs nothing', async () => {
    const r = await send(
      'CONSTRUCT { <urn:a> <http://example.org/p> "{bad"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> } WHERE {}',
      { accept: 'application/ld+json' },
    );
    expect(r.status, r.body).toBe(400);
    expect(r.body).toMatch(/^this graph cannot be written as JSON-LD: JSON literal could not be parsed/);
    expect(r.logged).toEqual([]);
  });
});

describe('A query that builds a string past V8’s limit', () => {
  let binds = 'BIND("abcdefgh" AS ?x0)';
  for (let i = 1; i <= 27; i++) binds += ` BIND(CONCAT(?x${i - 1}, ?x${i - 1}) AS ?x${i})`;

  it.each([
    ['counted', `SELECT (STRLEN(?x27) AS ?n) WHERE { ${binds} }`],
    ['returned', `SELECT ?x27 WHERE { ${binds} }`],
  ])('(%s) is refused naming the limit it reached first, and logs nothing', async (_name, query) => {
    const r = await send(query);
    // Which limit comes first depends on what the engine keeps flat on the way: V8's longest string (the client's
    // 400) or the query's memory (503, as the limits table says); never a 500, never the process.
    if (r.status === 503) expect(r.body).toMatch(/^query exceeded the memory limit of \d+ MiB per query/);
    else {
      expect(r.status, r.body).toBe(400);
      expect(r.body).toMatch(/larger than this endpoint can hold \(Invalid string length\); ask for less/);
    }
    expect(r.logged).toEqual([]);
  });
});

describe('An IRI as an RDF/XML element name', () => {
  it.each([
    ['http://example.org/ns#name', undefined],
    ['https://schema.org/birthDate', undefined],
    ['http://example.org/ns#_x.y-z', undefined],
    ['http://example.org/名前', undefined],
  ])('%s has one', (iri, problem) => expect(qnameProblem(iri)).toBe(problem));

  it.each([
    'urn:x',
    'http://example.org/1',
    'http://example.org/',
    'http://example.org/a:b',
    'http://example.org/a#b#c',
  ])('%s has none', (iri) => expect(qnameProblem(iri)).toBeDefined());
});

describe('A REGEX whose pattern does not compile', () => {
  it('is a 400 naming the pattern, and logs nothing', async () => {
    const r = await send('SELECT ?s WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "@#!(E%", "i") } LIMIT 1');
    expect(r.status, r.body).toBe(400);
    expect(r.body).toMatch(/Invalid regular expression: .*Unterminated group \(in a REGEX or REPLACE pattern/);
    expect(r.logged).toEqual([]);
  });
});
