// The fn: functions spelled out in SPARQL 1.1 (for Oxigraph and remote stores) agree with the JavaScript ones, and bound values enter as terms.
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FN, NS } from '../../src/rdf/ns.ts';
import { extensionFunctions } from '../../src/store/comunica.ts';
import { OxigraphBackend } from '../../src/store/oxigraph.ts';
import { portableQuery } from '../../src/store/portable.ts';
import { realGraph } from '../support/graph.ts';

const { literal, namedNode } = DataFactory;
const xsd = (t: string) => namedNode(`${NS.xsd}${t}`);
const DATE_TYPES = new Set(['date', 'gYearMonth', 'gYear'].map((t) => `${NS.xsd}${t}`));

/** Edge cases: leap years (1900 is not one, 2000 is), month ends, and inputs the functions must reject. */
const EDGES: RDF.Literal[] = [
  literal('2000-02', xsd('gYearMonth')),
  literal('1900-02', xsd('gYearMonth')),
  literal('2024-02', xsd('gYearMonth')),
  literal('2023-04', xsd('gYearMonth')),
  literal('2023-12', xsd('gYearMonth')),
  literal('1999', xsd('gYear')),
  literal('2024-02-29', xsd('date')),
  literal('1954-09-27', xsd('date')),
  literal('2023-13', xsd('gYearMonth')),
  literal('not a date', xsd('date')),
  literal('1983-06-10'),
];

const empty = OxigraphBackend.fromNTriples('');
afterAll(() => empty.close());

/** The function `name` applied by the SPARQL 1.1 spelling (through Oxigraph) to `args`. */
function portable(name: string, args: RDF.Term[]): RDF.Term | undefined {
  const vars = args.map((_, i) => `?a${i}`);
  const bindings = Object.fromEntries(args.map((t, i) => [`a${i}`, t]));
  const r = empty.runSync(`PREFIX fn: <${FN}> SELECT ?out WHERE { BIND (fn:${name}(${vars.join(', ')}) AS ?out) }`, {
    bindings,
  });
  if (r.type !== 'bindings') throw new Error('not a SELECT');
  return r.rows[0]?.out;
}

const same = (a: RDF.Term | undefined, b: RDF.Term | undefined) => {
  // An invalid input gives a literal typed fn:invalid on both sides; the message may differ.
  if (a?.termType === 'Literal' && (a as RDF.Literal).datatype.value === `${FN}invalid`) {
    expect((b as RDF.Literal | undefined)?.datatype.value).toBe(`${FN}invalid`);
    return;
  }
  expect([b?.value, (b as RDF.Literal | undefined)?.datatype.value]).toEqual([
    a?.value,
    (a as RDF.Literal | undefined)?.datatype.value,
  ]);
};

describe('The fn: functions in SPARQL 1.1', () => {
  let dates: RDF.Literal[] = [];
  beforeAll(async () => {
    const graph = await realGraph();
    const seen = new Map<string, RDF.Literal>();
    for (const q of graph.store.getQuads(null, null, null, null)) {
      const o = q.object;
      if (o.termType === 'Literal' && DATE_TYPES.has(o.datatype.value)) seen.set(`${o.value}^${o.datatype.value}`, o);
    }
    dates = [...seen.values()];
  });

  it('should be checked on every date of the real data (of all three precisions)', () => {
    expect(dates.length).toBeGreaterThan(50);
    expect(new Set(dates.map((d) => d.datatype.value)).size).toBe(3);
  });

  it.each(['firstDay', 'lastDay'])('should give what fn:%s gives, on every date and edge case', async (name) => {
    const js = extensionFunctions[`${FN}${name}`] as (args: RDF.Term[]) => Promise<RDF.Term>;
    for (const d of [...dates, ...EDGES]) same(await js([d]), portable(name, [d]));
  });

  it('should give what fn:daysBetween gives, for every pair of days and across leap years', async () => {
    const js = extensionFunctions[`${FN}daysBetween`] as (args: RDF.Term[]) => Promise<RDF.Term>;
    const days = [...dates.filter((d) => d.datatype.value === `${NS.xsd}date`), ...EDGES].slice(0, 60);
    const anchors = [literal('1954-09-27', xsd('date')), literal('2000-03-01', xsd('date')), ...EDGES.slice(0, 3)];
    for (const a of anchors) for (const b of days) same(await js([a, b]), portable('daysBetween', [a, b]));
  });
});

describe('A portable query', () => {
  it('should carry bound values as a VALUES block of terms, never as text in the query', () => {
    const evil = literal('x" } } DROP ALL ; SELECT * { "');
    const p = portableQuery('SELECT ?s WHERE { ?s ?p ?o FILTER (?o = ?v) }', { bindings: { v: evil } });
    expect(p.text).toMatch(/VALUES/);
    expect(empty.runSync(p.text)).toMatchObject({ type: 'bindings', rows: [] });
    expect(() => portableQuery('SELECT * WHERE { ?s ?p ?o }', { bindings: { s: DataFactory.blankNode('b') } })).toThrow(
      /IRI or a literal/,
    );
  });

  it('should name the SERVICE endpoints it calls, for the caller to refuse', () => {
    const p = portableQuery('SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }');
    expect(p.services).toEqual(['http://127.0.0.1:9/x']);
  });

  it('should resolve relative IRIs against the base it declares', () => {
    const p = portableQuery('PREFIX npcsc: <ontology#> ASK { ?t npcsc:office <id/office/x> }', {
      baseIRI: 'https://w3id.org/npcsc/',
    });
    expect(p.text).toMatch(/^BASE <https:\/\/w3id\.org\/npcsc\/>/);
    expect(p.form).toBe('ask');
  });
});
