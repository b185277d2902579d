// Shared by the scale tests: a small generated workload, built once per test worker, and result normalisation across engines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as RDF from '@rdfjs/types';
import { buildGraph } from '../../src/build/pipeline.ts';
import { makeConfig } from '../../src/config.ts';
import { generate } from '../../src/generate/command.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import type { QueryResult } from '../../src/store/comunica.ts';

const workloads = new Map<string, Promise<{ graph: Graph; root: string }>>();

/** The real data plus `offices` generated ones (seed 7), built with Oxigraph, in a temp folder removed at exit. */
export function workloadGraph(offices: number, seed = 7): Promise<{ graph: Graph; root: string }> {
  const key = `${offices}/${seed}`;
  let w = workloads.get(key);
  if (!w) {
    const root = mkdtempSync(path.join(tmpdir(), 'npcsc-workload-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    generate({ offices, out: root, seed });
    w = buildGraph(makeConfig({ root, serviceAllowlist: [] }), undefined, 'oxigraph').then((graph) => ({
      graph,
      root,
    }));
    workloads.set(key, w);
  }
  return w;
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const INTEGERS = new Set(
  ['integer', 'int', 'long', 'short', 'byte', 'nonNegativeInteger', 'positiveInteger'].map((t) => XSD + t),
);

/**
 * A term as a comparable string, normalised where engines may differ without the answer differing: language
 * tags are case-insensitive, integer subtypes and lexical forms of the same number are one value.
 */
export function termKey(t: RDF.Term | undefined): string {
  if (!t) return '-';
  if (t.termType !== 'Literal') return `${t.termType}:${t.value}`;
  const lit = t as RDF.Literal;
  if (lit.language) return `"${lit.value}"@${lit.language.toLowerCase()}`;
  if (INTEGERS.has(lit.datatype.value) && /^[+-]?\d+$/.test(lit.value)) return `${BigInt(lit.value)}^^integer`;
  return `"${lit.value}"^^${lit.datatype.value}`;
}

/**
 * A result as a sorted list of row keys (a multiset of bindings), or of triples. `unordered` names variables
 * bound by GROUP_CONCAT, whose order inside the string SPARQL leaves to the engine.
 */
export function resultKeys(r: QueryResult, unordered: readonly string[] = []): string[] {
  if (r.type === 'boolean') return [String(r.value)];
  // A CONSTRUCT answers a graph, a set: engines differ in whether they repeat a triple the template makes twice.
  if (r.type === 'quads')
    return [...new Set(r.quads.map((q) => [q.subject, q.predicate, q.object].map(termKey).join(' ')))].sort();
  return r.rows
    .map((row) =>
      r.variables
        .map((name) => {
          const t = row[name];
          if (unordered.includes(name) && t?.termType === 'Literal')
            return `${name}=${t.value.split(', ').sort().join(', ')}`;
          return `${name}=${termKey(t)}`;
        })
        .join(' | '),
    )
    .sort();
}

/** Variables a query binds with GROUP_CONCAT. */
export const groupConcatVariables = (text: string): string[] =>
  [...text.matchAll(/GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*\)\s*AS\s+\?(\w+)/gi)].map((m) => m[1] as string);
