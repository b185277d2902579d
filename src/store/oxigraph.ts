// Oxigraph (Rust compiled to WASM) as a second embedded engine: loads N-Triples, answers in runQuery's shape.
//
// Measured on this machine at 1M triples, a join that takes Comunica over an n3 Store 7-11 s takes Oxigraph
// under half a second. Its JavaScript API has no custom functions and no initial bindings, so every query
// passes through portableQuery first. A query runs synchronously inside the WASM module: nothing can stop it
// from the same thread, which is why the server runs it on a query thread that the pool can end.
import { Parser, type Quad } from 'n3';
import type * as Oxigraph from 'oxigraph';
import { lazy } from '../lazy.ts';
import { OutboundRefused } from '../outbound.ts';
import { type Dump, eachLineChunk, verifiedChunks } from '../rdf/load.ts';
import { type Backend, cut, type DatasetRunOptions, fromJsonResults, type JsonResults } from './backend.ts';
import type { QueryResult } from './comunica.ts';
import { asWritten, type PortableOptions, type Prepared, portableQuery } from './portable.ts';

// The WASM module is loaded at first use: only an Oxigraph store and a large build need it, not the default server.
const oxigraph = lazy<typeof Oxigraph>('oxigraph');
const NTRIPLES = 'application/n-triples';
const SPARQL_JSON = 'application/sparql-results+json';
/** Oxigraph's words when a CONSTRUCT or DESCRIBE is asked for in a results format. */
const NOT_RDF_FORMAT = 'Not supported RDF format media type';

/** Refuses any SERVICE: Oxigraph's WASM build cannot call one, and no call may bypass the outbound guard. */
function refuseServices(services: (string | undefined)[]): void {
  const [first] = services;
  if (services.length > 0) throw new OutboundRefused(first ?? 'a SERVICE with a variable endpoint');
}

/**
 * The query as Oxigraph takes it. A public query that needs nothing of portableQuery (no function to inline, no
 * bound value, no SERVICE: see asWritten) goes as written, the base given as an option: the parse and the
 * generation cost 2-15 ms an example query on this machine, several times what Oxigraph takes to answer it.
 */
export function prepare(query: string, options: PortableOptions = {}): Prepared {
  if (asWritten(query, options)) return { text: query, form: undefined, services: [] };
  return portableQuery(query, options);
}

export class OxigraphBackend implements Backend {
  readonly kind = 'oxigraph' as const;
  private constructor(readonly store: Oxigraph.Store) {}

  /** A store loaded from N-Triples text, or N-Quads (named graphs kept). */
  static fromNTriples(text: string, format: 'N-Triples' | 'N-Quads' = 'N-Triples'): OxigraphBackend {
    const backend = new OxigraphBackend(new (oxigraph().Store)());
    backend.load(text, format === 'N-Quads' ? 'application/n-quads' : NTRIPLES);
    return backend;
  }

  /** A store holding `quads` (RDF/JS terms from n3). */
  static fromQuads(quads: Iterable<Quad>): OxigraphBackend {
    const backend = new OxigraphBackend(new (oxigraph().Store)());
    backend.addQuads(quads);
    return backend;
  }

  /**
   * A store read from an N-Triples file in chunks of a few megabytes: the file is never one string, and the
   * WASM memory grows only by what the store keeps (measured at 1M triples: 4.5 s, about 400 MB).
   */
  static fromFile(file: string): OxigraphBackend {
    const backend = new OxigraphBackend(new (oxigraph().Store)());
    eachLineChunk(file, (chunk) => backend.load(chunk));
    return backend;
  }

  /** A store read from a verified dump, hashed as it is read: throws DumpChanged (and frees it) unless it matches. */
  static fromDump(dump: Dump): OxigraphBackend {
    const backend = new OxigraphBackend(new (oxigraph().Store)());
    try {
      for (const chunk of verifiedChunks(dump)) backend.load(chunk);
    } catch (e) {
      backend.close();
      throw e;
    }
    return backend;
  }

  /** Adds N-Triples text; a single load() per chunk (an iterable of chunks is an order of magnitude slower). */
  load(ntriples: string | Uint8Array, format = NTRIPLES): void {
    this.store.load(ntriples as never, { format, no_transaction: true });
  }

  addQuads(quads: Iterable<Quad>): void {
    for (const chunk of ntriplesChunks(quads)) this.load(chunk);
  }

  get size(): number {
    return this.store.size;
  }

  async run(query: string, options: DatasetRunOptions = {}): Promise<QueryResult> {
    return this.runSync(query, options);
  }

  /** Runs `query` at once, on this thread. The time limit cannot apply here: see the file's header. */
  runSync(query: string, options: DatasetRunOptions = {}): QueryResult {
    const portable = options.prepared ?? prepare(query, options);
    refuseServices(portable.services);
    return this.runPrepared(portable, options);
  }

  /**
   * A SELECT's answer as Oxigraph writes it in `mediaType` (SPARQL JSON, XML, CSV or TSV), language tags in its
   * lower case (src/sparql/engine-results.ts mends them); throws what the engine throws.
   */
  writeSelect(query: string, options: DatasetRunOptions, mediaType: string): string {
    const portable = options.prepared ?? prepare(query, options);
    refuseServices(portable.services);
    return this.writePrepared(portable, options, mediaType);
  }

  /** `writeSelect` for a query `prepare` made ready (its SERVICE endpoints already dealt with by the caller). */
  writePrepared(portable: Prepared, options: DatasetRunOptions, mediaType: string): string {
    return this.store.query(portable.text, { ...queryOptions(options), results_format: mediaType }) as string;
  }

  /** Runs a query `prepare` made ready (its SERVICE endpoints already dealt with by the caller). */
  runPrepared(portable: Prepared, options: DatasetRunOptions = {}): QueryResult {
    const base = queryOptions(options);
    const max = options.maxResults ?? Number.POSITIVE_INFINITY;
    const graph = () => {
      const text = this.store.query(portable.text, { ...base, results_format: NTRIPLES }) as string;
      return cut(new Parser({ format: 'N-Triples' }).parse(text), max);
    };
    if (portable.form === 'construct' || portable.form === 'describe') return graph();
    let json: string;
    try {
      json = this.store.query(portable.text, { ...base, results_format: SPARQL_JSON }) as string;
    } catch (e) {
      // A text sent as written has no known form: a graph answer refuses the results format before any of it
      // is evaluated, and is asked for again as N-Triples.
      if (portable.form === undefined && e instanceof Error && e.message.startsWith(NOT_RDF_FORMAT)) return graph();
      throw e;
    }
    return fromJsonResults(JSON.parse(json) as JsonResults, max);
  }

  /** The whole store as N-Triples. */
  dump(): string {
    return this.store.dump({ format: NTRIPLES, from_graph_name: oxigraph().defaultGraph() });
  }

  close(): void {
    (this.store as unknown as { free?: () => void }).free?.();
  }
}

/** Oxigraph's options for a run: the base IRI and the protocol's dataset (graphs of this store, by name). */
function queryOptions({ baseIRI, dataset }: DatasetRunOptions) {
  return {
    ...(baseIRI ? { base_iri: baseIRI } : {}),
    ...(dataset
      ? {
          default_graph: dataset.default.map((g) => oxigraph().namedNode(g)),
          named_graphs: dataset.named.map((g) => oxigraph().namedNode(g)),
        }
      : {}),
  };
}

const CHUNK = 10_000;
/** N-Triples text for `quads`, in chunks of CHUNK lines, so that no string holds the whole graph. */
export function* ntriplesChunks(quads: Iterable<Quad>): Generator<string> {
  let lines: string[] = [];
  for (const q of quads) {
    lines.push(`${nt(q.subject)} ${nt(q.predicate)} ${nt(q.object)} .\n`);
    if (lines.length >= CHUNK) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length) yield lines.join('');
}

const escapeLiteral = (s: string): string =>
  s.replace(/[\\"\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : c === '\n' ? '\\n' : '\\r'));
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
function nt(t: Quad['subject'] | Quad['predicate'] | Quad['object']): string {
  switch (t.termType) {
    case 'NamedNode':
      return `<${t.value}>`;
    case 'BlankNode':
      return `_:${t.value}`;
    case 'Literal':
      if (t.language) return `"${escapeLiteral(t.value)}"@${t.language}`;
      return t.datatype.value === XSD_STRING
        ? `"${escapeLiteral(t.value)}"`
        : `"${escapeLiteral(t.value)}"^^<${t.datatype.value}>`;
    default:
      throw new Error(`cannot write a ${t.termType} in N-Triples`);
  }
}
