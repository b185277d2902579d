// Writes quads as Turtle, N-Triples, N-Quads, TriG (n3), JSON-LD (jsonld, offline) and RDF/XML (rdflib).
import type JsonLd from 'jsonld';
import { type Quad, Writer } from 'n3';
import type * as Rdflib from 'rdflib';
import { lazy } from '../lazy.ts';
import { bcp47, casedJsonLd, casedQuad } from './lang.ts';
import { NS } from './ns.ts';

// The JSON-LD and RDF/XML writers are loaded when a graph is first written in their format: most answers are in
// neither, and loading both took 0.8-1.3 s of every command's and the server's start (measured on a loaded 2-core
// machine).
const jsonldLib = lazy<typeof JsonLd>('jsonld');
const rdflibLib = lazy<typeof Rdflib>('rdflib');

export type RdfFormat = 'turtle' | 'ntriples' | 'jsonld' | 'rdfxml';

export const RDF_MEDIA_TYPES: Record<RdfFormat, string> = {
  turtle: 'text/turtle',
  ntriples: 'application/n-triples',
  jsonld: 'application/ld+json',
  rdfxml: 'application/rdf+xml',
};

export const RDF_EXTENSIONS: Record<RdfFormat, string> = {
  turtle: 'ttl',
  ntriples: 'nt',
  jsonld: 'jsonld',
  rdfxml: 'rdf',
};

/**
 * The dataset syntaxes, for documents only (the SPARQL endpoint answers graphs in the formats above): clients that
 * read nothing else ask for them (rdflib's `trig`). A document's triples go in the default graph.
 */
export type QuadFormat = 'nquads' | 'trig';

export const QUAD_MEDIA_TYPES: Record<QuadFormat, string> = {
  nquads: 'application/n-quads',
  trig: 'application/trig',
};

export const QUAD_EXTENSIONS: Record<QuadFormat, string> = { nquads: 'nq', trig: 'trig' };

function write(quads: Iterable<Quad>, options: ConstructorParameters<typeof Writer>[0]): Promise<string> {
  const writer = new Writer(options);
  for (const q of quads) writer.addQuad(casedQuad(q));
  return new Promise((resolve, reject) => writer.end((err, out: string) => (err ? reject(err) : resolve(out))));
}

/** Prefixes that the quads actually use, so documents do not carry dozens of idle declarations. */
function usedPrefixes(quads: readonly Quad[], prefixes: Record<string, string>): Record<string, string> {
  const iris = new Set<string>();
  for (const q of quads) {
    for (const t of [
      q.subject,
      q.predicate,
      q.object,
      q.object.termType === 'Literal' ? q.object.datatype : q.object,
    ]) {
      if (t.termType === 'NamedNode') iris.add(t.value);
    }
  }
  const out: Record<string, string> = {};
  for (const [p, ns] of Object.entries(prefixes)) {
    for (const iri of iris) {
      if (iri.startsWith(ns) && /^[A-Za-z0-9_-]*$/.test(iri.slice(ns.length))) {
        out[p] = ns;
        break;
      }
    }
  }
  return out;
}

/** Sorted by subject, predicate, object so that output is stable and diffable. */
export function sortQuads(quads: Iterable<Quad>): Quad[] {
  const key = (q: Quad) =>
    `${q.subject.termType === 'BlankNode' ? '~' : ''}${q.subject.value}\u0000${q.predicate.value}\u0000${q.object.value}`;
  return [...quads].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

export function toTurtle(quads: readonly Quad[], prefixes: Record<string, string> = {}): Promise<string> {
  return write(sortQuads(quads), { format: 'Turtle', prefixes: usedPrefixes(quads, prefixes) });
}

export function toNTriples(quads: Iterable<Quad>): Promise<string> {
  return write(sortQuads(quads), { format: 'N-Triples' });
}

export function toNQuads(quads: Iterable<Quad>): Promise<string> {
  return write(quads, { format: 'N-Quads' });
}

export function toTriG(quads: readonly Quad[], prefixes: Record<string, string> = {}): Promise<string> {
  return write(sortQuads(quads), { format: 'TriG', prefixes: usedPrefixes(quads, prefixes) });
}

/** A JSON-LD document loader that never touches the network: every remote context is refused. */
type Expanded = Record<string, unknown> & { '@id': string };

const XSD_STRING = `${NS.xsd}string`;
const RDF_JSON = `${NS.rdf}JSON`;

function push(node: Expanded, key: string, value: unknown): void {
  const list = node[key] as unknown[] | undefined;
  if (list) list.push(value);
  else node[key] = [value];
}

/** The expanded JSON-LD of quads without blank nodes (as jsonld.fromRDF with its defaults would give it). */
export function expandQuads(quads: readonly Quad[]): Expanded[] {
  const nodes = new Map<string, Expanded>();
  const nodeOf = (id: string) => {
    let n = nodes.get(id);
    if (!n) {
      n = { '@id': id };
      nodes.set(id, n);
    }
    return n;
  };
  for (const q of quads) {
    if (q.subject.termType !== 'NamedNode' || q.object.termType === 'BlankNode') {
      throw new Error(
        `expandQuads handles named nodes and literals only, got ${q.subject.termType}/${q.object.termType}`,
      );
    }
    const node = nodeOf(q.subject.value);
    const p = q.predicate.value;
    const o = q.object;
    if (p === RDF_TYPE && o.termType === 'NamedNode') {
      push(node, '@type', o.value);
      continue;
    }
    let value: Record<string, string>;
    if (o.termType === 'NamedNode') {
      value = { '@id': o.value };
    } else if (o.termType === 'Literal') {
      value = o.language
        ? { '@value': o.value, '@language': bcp47(o.language) }
        : o.datatype.value === XSD_STRING
          ? { '@value': o.value }
          : { '@value': o.value, '@type': o.datatype.value };
    } else throw new Error(`cannot write ${o.termType} in JSON-LD`);
    push(node, p, value);
  }
  return [...nodes.values()].sort((a, b) => (a['@id'] < b['@id'] ? -1 : a['@id'] > b['@id'] ? 1 : 0));
}

const offlineLoader = async (url: string): Promise<never> => {
  throw new Error(`JSON-LD context ${url} is not loaded: the server never fetches a context`);
};

/**
 * JSON-LD compacted with `context` (an object, never fetched). Quads with no blank node and no JSON literal (every
 * document, and the dumps of the shipped data) are written in expanded form directly, what fromRDF would give, at
 * about a third of the cost; compact() then skips re-expanding them. Anything else goes through N-Quads and fromRDF.
 */
export async function toJsonLd(quads: readonly Quad[], context: object): Promise<object> {
  const jsonld = jsonldLib();
  const direct = quads.every(
    (q) =>
      q.subject.termType === 'NamedNode' &&
      (q.object.termType === 'NamedNode' || (q.object.termType === 'Literal' && q.object.datatype.value !== RDF_JSON)),
  );
  let expanded: object;
  try {
    expanded = direct
      ? expandQuads(quads)
      : await jsonld.fromRDF(await toNQuads(quads), { format: 'application/n-quads' });
  } catch (e) {
    // jsonld's errors here are about the triples themselves (an rdf:JSON literal that is no JSON, say).
    const err = e as Error;
    if (!err.name?.startsWith('jsonld.')) throw e;
    throw new NotRepresentable(
      `this graph cannot be written as JSON-LD: ${err.message}; ask for Turtle or N-Triples instead`,
    );
  }
  const options = { documentLoader: offlineLoader, ...(direct ? { skipExpansion: true } : {}) };
  const compacted = (await jsonld.compact(expanded as never, context as never, options as never)) as unknown as object;
  return casedJsonLd(compacted);
}

/** A graph the asked-for format cannot hold as it is: the request's limit, not a fault of the server. */
export class NotRepresentable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRepresentable';
  }
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
/** An XML name without a colon (NCName), as an element name's local part must be. */
const NCNAME = /^[\p{L}_][\p{L}\p{N}\p{M}._\-\u00B7]*$/u;

/**
 * Why rdflib cannot write `iri` as an element name, or undefined. It splits as rdflib 2.4 does (at the first `#`,
 * else at the last `/`): rdflib throws for some IRIs and, worse, writes others as names no XML reader accepts
 * (`<ns:1>`, `<ns:>`).
 */
export function qnameProblem(iri: string): string | undefined {
  const hash = iri.indexOf('#');
  const at = hash >= 0 ? hash : iri.lastIndexOf('/');
  if (at < 0) return `<${iri}> has no "#" or "/" to split it into a namespace and a local name`;
  const local = iri.slice(at + 1);
  if (!NCNAME.test(local)) return `<${iri}> ends in "${local}", which is not an XML name`;
  return undefined;
}

/** RDF/XML through rdflib's serializer; throws NotRepresentable when a predicate or a type has no XML name form. */
export function toRdfXml(quads: readonly Quad[], base: string): string {
  // RDF/XML writes every predicate, and a subject's type, as an element name: an IRI without that form has no
  // RDF/XML at all.
  for (const q of quads) {
    const iri = q.predicate.value;
    const problem =
      qnameProblem(iri) ??
      (iri === RDF_TYPE && q.object.termType === 'NamedNode' ? qnameProblem(q.object.value) : undefined);
    if (problem) {
      throw new NotRepresentable(
        `this graph cannot be written as RDF/XML: ${problem}; ask for Turtle, N-Triples or JSON-LD instead`,
      );
    }
  }
  const rdflib = rdflibLib();
  const g = rdflib.graph();
  const term = (t: Quad['subject'] | Quad['object']) => {
    if (t.termType === 'NamedNode') return rdflib.sym(t.value);
    if (t.termType === 'BlankNode') return rdflib.blankNode(t.value);
    if (t.termType === 'Literal') {
      return rdflib.lit(
        t.value,
        t.language ? bcp47(t.language) : undefined,
        t.language ? undefined : rdflib.sym(t.datatype.value),
      );
    }
    throw new Error(`cannot write ${t.termType} in RDF/XML`);
  };
  for (const q of sortQuads(quads)) {
    g.add(term(q.subject) as never, rdflib.sym(q.predicate.value), term(q.object) as never);
  }
  // rdflib makes IRIs relative to the base it is given but writes no xml:base, so a reader resolves them against
  // wherever it fetched the document: given no base, it writes them absolute. (`base` stays for the callers.)
  void base;
  const sz = rdflib.Serializer(g);
  // rdflib 2.4 writes a blank node with one incoming arc inside rdf:parseType="Resource" and still wraps it in a
  // node element there, which RDF/XML reads as other triples; every subject written as a root comes out right.
  const findRoots = sz.rootSubjects.bind(sz);
  sz.rootSubjects = (sts) => {
    const stats = findRoots(sts);
    const roots = Object.keys(stats.subjects).map((k) => sz.fromStr(k));
    const incoming = Object.fromEntries(
      (Object.entries(stats.incoming) as [string, unknown[]][]).map(([k, arcs]) => [
        k,
        k.startsWith('_:') && arcs.length === 1 ? [...arcs, ...arcs] : arcs,
      ]),
    );
    return { ...stats, roots, rootsHash: Object.fromEntries(roots.map((r) => [r.toNT(), true])), incoming };
  };
  // rdflib writes CR, NEL and LINE SEPARATOR as they are, and XML readers fold them into \n (line-end handling):
  // as character references they survive. The serializer itself ends lines with \n only, so every one is data.
  return sz
    .statementsToXML(g.statementsMatching(undefined, undefined, undefined, undefined))
    .replace(/[\r\u0085\u2028]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

/** One entry point for every RDF format the project writes. */
export async function serialize(
  format: RdfFormat | QuadFormat,
  quads: readonly Quad[],
  opts: { prefixes: Record<string, string>; context: object; base: string },
): Promise<string> {
  switch (format) {
    case 'turtle':
      return toTurtle(quads, opts.prefixes);
    case 'ntriples':
      return toNTriples(quads);
    case 'jsonld':
      return `${JSON.stringify(await toJsonLd(quads, opts.context), null, 2)}\n`;
    case 'rdfxml':
      return toRdfXml(quads, opts.base);
    case 'nquads':
      return toNQuads(sortQuads(quads));
    case 'trig':
      return toTriG(quads, opts.prefixes);
  }
}
