// Writes quads as Turtle, N-Triples, N-Quads (n3), JSON-LD (jsonld, offline) and RDF/XML (rdflib).
import jsonld from 'jsonld';
import { type Quad, Writer } from 'n3';
import * as rdflib from 'rdflib';
import { bcp47, casedJsonLd, casedQuad } from './lang.ts';

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

/** A JSON-LD document loader that never touches the network: every remote context is refused. */
const offlineLoader = async (url: string): Promise<never> => {
  throw new Error(`JSON-LD context ${url} is not loaded: the server never fetches a context`);
};

/** JSON-LD compacted with `context` (an object, never fetched). N-Quads first, then fromRDF + compact. */
export async function toJsonLd(quads: readonly Quad[], context: object): Promise<object> {
  const nquads = await toNQuads(quads);
  const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' });
  return casedJsonLd(await jsonld.compact(expanded, context as never, { documentLoader: offlineLoader as never }));
}

/** RDF/XML through rdflib's serializer. */
export function toRdfXml(quads: readonly Quad[], base: string): string {
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
  format: RdfFormat,
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
  }
}
