// JSON-LD of a document: the quads in expanded form, compacted by jsonld with the project's context (never fetched).
//
// Same result as src/rdf/serialize.ts (N-Quads, then jsonld.fromRDF, then jsonld.compact) at about a third of
// the cost, which the static export feels: documents have no blank nodes, lists or JSON literals, so their
// expanded form is written directly from the quads (what fromRDF would produce), and compact() skips
// re-expanding it. The tests parse every JSON-LD document back and compare it with the other formats.
import type JsonLd from 'jsonld';
import type { Quad } from 'n3';
import { lazy } from '../lazy.ts';
import { bcp47, casedJsonLd } from '../rdf/lang.ts';
import { NS } from '../rdf/ns.ts';

/** Loaded with the first JSON-LD document asked for (src/rdf/serialize.ts says why). */
const jsonld = lazy<typeof JsonLd>('jsonld');

type Expanded = Record<string, unknown> & { '@id': string };

const RDF_TYPE = `${NS.rdf}type`;
const XSD_STRING = `${NS.xsd}string`;

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

export async function documentJsonLd(quads: readonly Quad[], context: object): Promise<string> {
  const compacted = await jsonld().compact(
    expandQuads(quads) as never,
    context as never,
    {
      documentLoader: offlineLoader as never,
      skipExpansion: true,
    } as never,
  );
  return `${JSON.stringify(casedJsonLd(compacted), null, 2)}\n`;
}
