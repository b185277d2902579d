// The tenures of linked people as Wikidata-shaped RDF: p:P39 statements with ps:/pq:/pqv: values and pr: references.
import { DataFactory, type Quad } from 'n3';
import type { Graph } from '../rdf/graph.ts';
import { NS } from '../rdf/ns.ts';
import { toTurtle } from '../rdf/serialize.ts';
import { ENTITY_NS } from './client.ts';
import { P } from './entity.ts';
import { type Linkset, linkMap } from './linkset.ts';
import { tenuresOf } from './resources.ts';
import { toXsdDateTime, type WdDate } from './time.ts';

const { namedNode, literal, quad } = DataFactory;

/** Wikidata's RDF namespaces beyond those of src/rdf/ns.ts. */
export const WD_NS = {
  wikibase: 'http://wikiba.se/ontology#',
  pqv: 'http://www.wikidata.org/prop/qualifier/value/',
  pr: 'http://www.wikidata.org/prop/reference/',
} as const;

/**
 * For every tenure held by a linked person: `wd:Q… p:P39 <tenure#P39>` with the office as ps:P39 (its item
 * when linked, else our IRI), start and end (simple value plus a time value node carrying the precision:
 * no calendar model is written, since naming the Gregorian calendar's item would mean typing an item id), the
 * ordinal, the holders replaced and replacing and the NPC terms (each only where it has an item: Wikidata's
 * values are items), and one reference (pr:P854) per source.
 */
export function wikidataShapedQuads(graph: Graph, linkset: Linkset): Quad[] {
  const known = linkMap(linkset);
  const item = (iri: string) => namedNode(known.has(iri) ? `${ENTITY_NS}${known.get(iri)}` : iri);
  const p = (ns: string, pid: string) => namedNode(`${ns}${pid}`);
  const wb = (term: string) => namedNode(`${WD_NS.wikibase}${term}`);
  const type = namedNode(`${NS.rdf}type`);
  const out: Quad[] = [];
  for (const t of tenuresOf(graph)) {
    const person = known.get(t.holder);
    if (!person) continue;
    const subject = namedNode(`${ENTITY_NS}${person}`);
    const st = namedNode(`${t.iri}#${P.positionHeld}`);
    out.push(
      quad(subject, p(NS.p, P.positionHeld), st),
      quad(subject, p(NS.wdt, P.positionHeld), item(t.office)),
      quad(st, type, wb('Statement')),
      quad(st, wb('rank'), wb('NormalRank')),
      quad(st, p(NS.ps, P.positionHeld), item(t.office)),
    );
    const time = (pid: string, d: WdDate | undefined) => {
      if (!d) return;
      const value = literal(toXsdDateTime(d), namedNode(`${NS.xsd}dateTime`));
      const node = namedNode(`${t.iri}#${P.positionHeld}-${pid}`);
      out.push(
        quad(st, p(NS.pq, pid), value),
        quad(st, p(WD_NS.pqv, pid), node),
        quad(node, type, wb('TimeValue')),
        quad(node, wb('timeValue'), value),
        quad(node, wb('timePrecision'), literal(String(d.precision), namedNode(`${NS.xsd}integer`))),
      );
    };
    time(P.start, t.start);
    time(P.end, t.end);
    out.push(quad(st, p(NS.pq, P.ordinal), literal(String(t.ordinal))));
    // Wikidata takes only items as these values: a holder or term without a link is left out, not sent as ours.
    const linked = (iri: string | undefined) => (iri && known.has(iri) ? item(iri) : undefined);
    const replaces = linked(t.predecessorHolder);
    const replacedBy = linked(t.successorHolder);
    if (replaces) out.push(quad(st, p(NS.pq, P.replaces), replaces));
    if (replacedBy) out.push(quad(st, p(NS.pq, P.replacedBy), replacedBy));
    for (const term of t.terms) {
      const termItem = linked(term);
      if (termItem) out.push(quad(st, p(NS.pq, P.parliamentaryTerm), termItem));
    }
    t.sources.forEach((source, i) => {
      const ref = namedNode(`${t.iri}#${P.positionHeld}-ref-${i + 1}`);
      out.push(
        quad(st, namedNode(`${NS.prov}wasDerivedFrom`), ref),
        quad(ref, type, wb('Reference')),
        quad(ref, p(WD_NS.pr, P.referenceUrl), namedNode(source)),
      );
    });
  }
  // A person who held the same office twice has the truthy wdt:P39 once.
  const seen = new Set<string>();
  return out.filter((q) => {
    const key = `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function wikidataShapedTurtle(graph: Graph, linkset: Linkset): Promise<string> {
  return toTurtle(wikidataShapedQuads(graph, linkset), { ...graph.prefixes, ...WD_NS });
}
