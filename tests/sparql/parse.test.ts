// Reading a SPARQL text before it runs: form, syntax errors with line and column, dataset clauses, SERVICE, normal form.
import { describe, expect, it } from 'vitest';
import { matchesEtag as matches } from '../../src/http/caching.ts';
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

  it('should stay within its bytes', () => {
    const cache = new AnswerCache(100, 800);
    for (let i = 0; i < 20; i++) cache.set(`k${i}`, answer('x'.repeat(90)));
    expect(cache.size).toBeLessThanOrEqual(8);
  });

  it('should match If-None-Match lists, weak forms and *', () => {
    const tag = etagOf('x');
    expect(matches(`"other", W/${tag}`, tag)).toBe(true);
    expect(matches('*', tag)).toBe(true);
    expect(matches('"other"', tag)).toBe(false);
    expect(matches(tag, undefined)).toBe(false);
  });
});
