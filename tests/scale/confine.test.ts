// What a query confined for a remote store (src/store/confine.ts) may hold: SPARQL 1.2's built-ins and other 1.2 forms are refused by name before anything is sent, SPARQL 1.1's look-alikes pass.
import { describe, expect, it } from 'vitest';
import { RefusedQuery } from '../../src/store/confine.ts';
import { portableQuery } from '../../src/store/portable.ts';

const GRAPH = 'https://w3id.org/npcsc/graph';
const confined = (text: string) =>
  portableQuery(text, { confineTo: { graph: GRAPH, emptyGraph: 'urn:x-npcsc-kg:empty-graph' } });

/** Throws what confining `text` throws, or fails. */
const refusal = (text: string): Error => {
  try {
    confined(text);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`not refused: ${text}`);
};

describe('A query for the remote store, which speaks SPARQL 1.1', () => {
  const builtins: [string, string][] = [
    ['isTRIPLE', 'SELECT * WHERE { ?s ?p ?o FILTER (isTRIPLE(?o)) }'],
    ['TRIPLE', 'SELECT (TRIPLE(?s, ?p, ?o) AS ?t) WHERE { ?s ?p ?o }'],
    ['SUBJECT', 'SELECT * WHERE { ?s ?p ?o BIND (SUBJECT(?o) AS ?x) }'],
    ['PREDICATE', 'SELECT * WHERE { ?s ?p ?o FILTER (PREDICATE(?o) = ?p) }'],
    ['OBJECT', 'SELECT * WHERE { ?s ?p ?o } ORDER BY OBJECT(?o)'],
    ['LANGDIR', 'SELECT (LANGDIR(?o) AS ?d) WHERE { ?s ?p ?o }'],
    ['hasLANG', 'ASK { ?s ?p ?o FILTER (hasLANG(?o)) }'],
    ['hasLANGDIR', 'ASK { ?s ?p ?o FILTER EXISTS { FILTER (hasLANGDIR(?o)) } }'],
    ['STRLANGDIR', 'SELECT (STRLANGDIR("a", "ar", "rtl") AS ?l) WHERE {}'],
    // Keywords are case-insensitive: any spelling is the same function.
    ['isTRIPLE', 'SELECT * WHERE { ?s ?p ?o FILTER (istriple(?o)) }'],
    ['hasLANG', 'ASK { ?s ?p ?o FILTER (HASLANG(?o)) }'],
  ];

  it.each(builtins)('should refuse %s by name, as the client fault it is', (name, text) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(RefusedQuery);
    expect(e.message).toContain(`the function ${name} is SPARQL 1.2`);
    expect(e.message).toMatch(/SPARQL 1\.1 only/);
  });

  it.each([
    ['a triple term in a pattern', 'SELECT * WHERE { ?s ?p <<( ?a ?b ?c )>> }', 'a triple term'],
    ['a triple term in BIND', 'SELECT * WHERE { BIND (<<( <urn:a> <urn:b> <urn:c> )>> AS ?t) }', 'a triple term'],
    [
      'a triple term in VALUES',
      'SELECT * WHERE { ?s ?p ?o } VALUES ?t { <<( <urn:a> <urn:b> <urn:c> )>> }',
      'a triple term',
    ],
    ['a reified triple', 'SELECT * WHERE { << ?a ?b ?c >> ?p ?o }', 'a reified triple'],
    ['an annotation', 'SELECT * WHERE { ?a ?b ?c {| ?p ?o |} }', 'an annotation'],
    ['a reifier', 'SELECT * WHERE { ?a ?b ?c ~ ?r }', 'reifier'],
    [
      'a literal with a base direction',
      'SELECT * WHERE { ?s ?p "x"@ar--rtl }',
      'a literal with a base direction (@ar--rtl)',
    ],
    ['VERSION', 'VERSION "1.2" SELECT * WHERE { ?s ?p ?o }', 'VERSION'],
  ])('should refuse %s, SPARQL 1.2 syntax', (_, text, named) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(RefusedQuery);
    expect(e.message).toContain(named);
    expect(e.message).toMatch(/ is SPARQL 1\.2, .* SPARQL 1\.1 only$/);
  });

  it("should let SPARQL 1.1's look-alikes and names that only sound like them pass", () => {
    const text = `PREFIX ex: <http://example.org/>
      SELECT ?subject ?object (STRLANG(STR(?object), "en") AS ?l) WHERE {
        ?subject ex:predicate ?object ; ex:OBJECT ?triple .
        FILTER (isLITERAL(?object) && LANGMATCHES(LANG(?object), "zh") && isIRI(?subject) && ?object != "x"@en)
      }`;
    const p = confined(text);
    expect(p.text).toMatch(/STRLANG/i);
    expect(p.text).toMatch(/LANGMATCHES/i);
    expect(p.graph).toBe(GRAPH);
  });
});
