// The query backends behind one interface: Comunica over the in-memory store, Oxigraph in process, or a remote SPARQL 1.1 store.
import type * as RDF from '@rdfjs/types';
import { DataFactory, type Quad, Store } from 'n3';
import { type QueryResult, type Row, type RunOptions, runQuery } from './comunica.ts';
import type { Prepared } from './portable.ts';

export type StoreKind = 'memory' | 'oxigraph' | 'comunica' | 'sparql';

/** A query's options, with the dataset the SPARQL protocol may name (default-graph-uri, named-graph-uri). */
export interface DatasetRunOptions extends RunOptions {
  dataset?: { default: string[]; named: string[] } | undefined;
  /**
   * The query as Oxigraph takes it, made from the same text and options by the caller (the server, once per
   * distinct text: src/sparql/prepared.ts), so that a runner does not parse it again. Read only by Oxigraph.
   */
  prepared?: Prepared | undefined;
}

/** What runs a SPARQL query over the Graph and answers in the shape runQuery does. */
export interface Backend {
  readonly kind: StoreKind;
  run(query: string, options?: DatasetRunOptions): Promise<QueryResult>;
  /**
   * A SELECT's answer written by the engine itself in `mediaType` (a SPARQL results type), where it can: undefined
   * (or no such method) where it cannot, and the caller writes `run`'s answer.
   */
  writeSelect?(query: string, options: DatasetRunOptions, mediaType: string): string | undefined;
  /** Frees what the backend holds (WASM memory, sockets); the backend is unusable afterwards. */
  close?(): void;
}

/** Comunica over an RDF/JS store (the project's extension functions included): `--store comunica`, and SERVICE. */
export function comunicaBackend(store: Store): Backend {
  return {
    kind: 'comunica',
    run: (query, { dataset, ...options } = {}) => runQuery(dataset ? datasetOf(store, dataset) : store, query, options),
  };
}

/** The protocol's dataset over `store`: its named graphs merged as the default graph, or offered by name. */
function datasetOf(store: Store, dataset: { default: string[]; named: string[] }): Store {
  const out = new Store();
  for (const g of dataset.default) {
    for (const q of store.getQuads(null, null, null, g)) out.addQuad(q.subject, q.predicate, q.object);
  }
  for (const g of dataset.named) out.addQuads(store.getQuads(null, null, null, g));
  return out;
}

const { namedNode, literal, blankNode, quad } = DataFactory;

/** One binding of the SPARQL 1.1 Query Results JSON Format, as an n3 term (the shape runQuery answers in). */
export interface JsonTerm {
  type: 'uri' | 'literal' | 'typed-literal' | 'bnode' | 'triple';
  value: string | { subject: JsonTerm; predicate: JsonTerm; object: JsonTerm };
  'xml:lang'?: string;
  datatype?: string;
}

export function fromJsonTerm(t: JsonTerm): RDF.Term {
  if (t.type === 'triple' && typeof t.value === 'object') {
    const v = t.value;
    return quad(fromJsonTerm(v.subject) as never, fromJsonTerm(v.predicate) as never, fromJsonTerm(v.object) as never);
  }
  const value = String(t.value);
  if (t.type === 'uri') return namedNode(value);
  if (t.type === 'bnode') return blankNode(value);
  if (t['xml:lang']) return literal(value, t['xml:lang']);
  return literal(value, t.datatype ? namedNode(t.datatype) : undefined);
}

export interface JsonResults {
  head: { vars?: string[] };
  boolean?: boolean;
  results?: { bindings: Record<string, JsonTerm>[] };
}

/** A parsed SPARQL JSON results document as a QueryResult, cut at `max` rows. */
export function fromJsonResults(doc: JsonResults, max = Number.POSITIVE_INFINITY): QueryResult {
  if (typeof doc.boolean === 'boolean') return { type: 'boolean', value: doc.boolean };
  const all = doc.results?.bindings ?? [];
  const truncated = all.length > max;
  const rows: Row[] = (truncated ? all.slice(0, max) : all).map((b) => {
    const row: Row = {};
    for (const [k, v] of Object.entries(b)) row[k] = fromJsonTerm(v);
    return row;
  });
  return { type: 'bindings', variables: doc.head.vars ?? [], rows, truncated };
}

export const cut = (quads: Quad[], max = Number.POSITIVE_INFINITY): QueryResult => ({
  type: 'quads',
  quads: quads.length > max ? quads.slice(0, max) : quads,
  truncated: quads.length > max,
});
