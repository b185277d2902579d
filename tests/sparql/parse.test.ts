// Reading a SPARQL text before it runs: form, syntax errors with line and column, dataset clauses, SERVICE, normal form.
import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD, headersBytes, MAX_KEY_CHARS, matchesEtag as matches } from '../../src/http/caching.ts';
import { AnswerCache, etagOf } from '../../src/sparql/cache.ts';
import { type Parsed, parseSparql, SparqlSyntaxError } from '../../src/sparql/parse.ts';

const BASE = 'https://w3id.org/npcsc/';
const query = (text: string) => {
  const p = parseSparql(text, BASE);
  if (p.kind !== 'query') throw new Error('not a query');
  return p as Extract<Parsed, { kind: 'query' }>;
};
const errorOf = (text: string): SparqlSyntaxError => {
  try {
    parseSparql(text, BASE);
  } catch (e) {
    return e as SparqlSyntaxError;
  }
  throw new Error('parsed');
};

describe('A SPARQL text', () => {
  it('should be read as a query of its form, or as an update', () => {
    expect(query('SELECT * {}').form).toBe('select');
    expect(query('ASK {}').form).toBe('ask');
    expect(query('CONSTRUCT WHERE { ?s ?p ?o }').form).toBe('construct');
    expect(query('DESCRIBE <x>').form).toBe('describe');
    expect(parseSparql('CLEAR ALL', BASE).kind).toBe('update');
    expect(parseSparql('INSERT DATA { <a> <b> <c> }', BASE).kind).toBe('update');
  });

  it('should name the line and column where a syntax error is', () => {
    expect(errorOf('SELECT *\nWHERE { ?s ?p ?o }}')).toMatchObject({ line: 2, column: 19 });
    expect(errorOf('SELECT * WHERE {\n  ?s ?p "x\n}')).toMatchObject({ line: 2, column: 9 });
    expect(errorOf('ASK {\n')).toMatchObject({ line: 2, column: 1 });
    expect(errorOf('SELEKT * {}').message).toMatch(/^syntax error at line 1, column 1: /);
  });

  it('should keep a long list of expected tokens short', () => {
    expect(errorOf('SELECT * { FILTER (?x = ) }').message.length).toBeLessThan(500);
  });

  it('should report a semantic error without inventing a position', () => {
    const e = errorOf('SELECT * WHERE { ?s ?p ?o . BIND (1 AS ?o) }');
    expect(e).toBeInstanceOf(SparqlSyntaxError);
    expect(e.line).toBeUndefined();
    expect(e.message).toMatch(/already bound/);
  });

  it('should list its FROM clauses and cut them out without touching the rest', () => {
    const text = 'SELECT ?s\nFROM <http://a/>\nFROM NAMED <g/b>\nWHERE { ?s ?p "FROM <c>" }';
    const q = query(text);
    expect(q.from).toEqual({ default: ['http://a/'], named: [`${BASE}g/b`] });
    const cut = q.withoutDataset();
    expect(cut).toHaveLength(text.length);
    expect(cut.replace('"FROM <c>"', '')).not.toMatch(/FROM/);
    expect(cut).toContain('"FROM <c>"');
    expect(query(cut).from).toEqual({ default: [], named: [] });
    expect(query('ASK {}').withoutDataset()).toBe('ASK {}');
  });

  it('should resolve the SERVICE endpoints it calls, by prefix and base', () => {
    const q = query('PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql {} SERVICE SILENT <rel> {} }');
    expect(q.services).toEqual([
      { iri: 'https://query.wikidata.org/sparql', silent: false },
      { iri: `${BASE}rel`, silent: true },
    ]);
    expect(q.deterministic).toBe(false);
    expect(query('SELECT * { SERVICE ?x {} }').services).toEqual([{ iri: undefined, silent: false }]);
  });

  it('should know when its answer can change between runs', () => {
    expect(query('SELECT * { ?s ?p ?o }').deterministic).toBe(true);
    for (const f of ['RAND()', 'NOW()', 'UUID()', 'STRUUID()', 'BNODE()']) {
      expect(query(`SELECT (${f} AS ?x) {}`).deterministic, f).toBe(false);
    }
  });

  it('should have one normal form for texts that differ in layout, comments and keyword case only', () => {
    const a = query('SELECT ?s WHERE { ?s a ?t } LIMIT 3').normal;
    expect(query('# comment\nselect ?s\nwhere {\n\t?s a ?t\n} limit 3').normal).toBe(a);
    expect(query('SELECT ?s WHERE { ?s a ?t } LIMIT 4').normal).not.toBe(a);
  });

  it('should list the functions it calls by IRI', () => {
    expect(query('PREFIX fn: <https://w3id.org/npcsc/fn#> SELECT (fn:lastDay(?d) AS ?x) {}').functions).toEqual([
      'https://w3id.org/npcsc/fn#lastDay',
    ]);
  });
});

describe('An answer cache', () => {
  const answer = (body: string) => ({ status: 200, body, headers: {}, etag: etagOf(body) });

  it('should drop the least recently used entry first when full', () => {
    const cache = new AnswerCache(2);
    cache.set('a', answer('1'));
    cache.set('b', answer('2'));
    cache.get('a');
    cache.set('c', answer('3'));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('should stay within its bytes, each answer counted for its key, text, headers and ETag', () => {
    const probe = new AnswerCache(1);
    const one = { ...answer('x'.repeat(90)), headers: { 'content-type': 'application/sparql-results+json' } };
    probe.set('k0', one);
    const cost = probe.cost('k0') as number;
    expect(cost).toBe(2 + 90 + headersBytes(one.headers) + (one.etag as string).length + ENTRY_OVERHEAD);
    const cache = new AnswerCache(100, cost * 8);
    for (let i = 0; i < 20; i++) cache.set(`k${i}`, one);
    expect(cache.size).toBe(8);
    expect(cache.bytes).toBeLessThanOrEqual(cost * 8);
  });

  it('should count text outside Latin-1 at two bytes a character, as V8 holds it', () => {
    const cache = new AnswerCache();
    cache.set('a', answer('x'.repeat(100)));
    cache.set('b', answer('彭'.repeat(100)));
    expect((cache.cost('b') as number) - (cache.cost('a') as number)).toBe(100);
  });

  it('should keep a query of 20,000 characters under its hash, counted for what is kept', () => {
    const cache = new AnswerCache();
    const key = (c: string) => `~SELECT * WHERE { ?s ?p "${c.repeat(20_000)}" }\u0000application/json`;
    cache.set(key('a'), answer('1'));
    cache.set(key('b'), answer('2'));
    expect(cache.get(key('a'))?.body).toBe('1');
    expect(cache.get(key('b'))?.body).toBe('2');
    expect(cache.cost(key('a'))).toBeLessThan(ENTRY_OVERHEAD + MAX_KEY_CHARS);
  });

  it('should match If-None-Match lists, weak forms and *', () => {
    const tag = etagOf('x');
    expect(matches(`"other", W/${tag}`, tag)).toBe(true);
    expect(matches('*', tag)).toBe(true);
    expect(matches('"other"', tag)).toBe(false);
    expect(matches(tag, undefined)).toBe(false);
  });
});

describe('the row cap written into a query', () => {
  // Oxigraph computes a whole answer before it is read: the cap must be in the query for it to stop early.
  it('asks a SELECT without LIMIT for one row past the cap, and the capped text still parses the same way', () => {
    for (const text of [
      'SELECT * { ?s ?p ?o }',
      'SELECT * { ?s ?p ?o } ORDER BY ?s OFFSET 10',
      'SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s',
      'SELECT * { ?s ?p ?o } # a comment at the very end',
    ]) {
      const capped = query(text).capped(text, 100);
      expect(capped).toMatch(/\nLIMIT 101\n$/);
      const again = query(capped);
      expect(again.form).toBe('select');
      expect(again.capped(capped, 100)).toBe(capped);
    }
  });

  it('leaves alone a query with its own LIMIT, a trailing VALUES, an ASK, a CONSTRUCT and a DESCRIBE', () => {
    for (const text of [
      'SELECT * { ?s ?p ?o } LIMIT 5000',
      'SELECT * { ?s ?p ?o } VALUES ?s { <a:b> }',
      'ASK { ?s ?p ?o }',
      // A CONSTRUCT's cap counts triples, not solutions: a LIMIT could hide that the answer was cut.
      'CONSTRUCT WHERE { ?s ?p ?o }',
      'DESCRIBE <a:b>',
    ]) {
      expect(query(text).capped(text, 100)).toBe(text);
    }
  });
});
