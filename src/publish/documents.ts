// Which triples a resource's document holds: its description, its incoming links, and what a reader needs of its neighbours.
//
// A document about R holds (1) every triple whose subject is R or one of R's fragment IRIs (R#x), (2) every
// triple pointing at them (incoming links), (3) a summary of each linked tenure (holder, office, ordinal, dates
// with their precision and bounds, the schema.org Role view), the full text of each conflict note about R,
// and (4) the type, labels and names of everything the document mentions (and titles of its sources).
// The ontology document holds the whole vocabulary with its alignment axioms. Documents are plain quad
// lists; every format and the HTML page are rendered from the same list. They are read straight from the n3
// store's indexes rather than through SPARQL (a document is a few dozen index lookups, a query through the
// engine milliseconds), which is what lets the export render every document in every format in seconds; so
// queries/pages/ holds no query: this file is the definition of what a document shows.
import { DataFactory, type Quad, type Store } from 'n3';
import type { Graph } from '../rdf/graph.ts';
import { NS } from '../rdf/ns.ts';
import { sortQuads } from '../rdf/serialize.ts';
import type { Iris } from './iris.ts';
import { DCT_TITLE, RDF_TYPE, RDFS_LABEL, SCHEMA_NAME } from './view.ts';

const { namedNode, quad } = DataFactory;

/** Properties of a linked tenure copied into the documents that link to it. */
const TENURE_SUMMARY = (npcsc: string): string[] => [
  `${npcsc}holder`,
  `${npcsc}office`,
  `${npcsc}ordinal`,
  `${npcsc}startDate`,
  `${npcsc}endDate`,
  `${npcsc}startEarliest`,
  `${npcsc}startLatest`,
  `${npcsc}endEarliest`,
  `${npcsc}endLatest`,
  `${npcsc}startPrecision`,
  `${npcsc}endPrecision`,
  `${npcsc}isCurrent`,
  `${npcsc}npcTerm`,
  `${npcsc}concurrentOffice`,
  `${NS.schema}roleName`,
  `${NS.schema}startDate`,
  `${NS.schema}endDate`,
  `${NS.schema}memberOf`,
];

/** What is copied about every node a document mentions. */
const NEIGHBOUR_FACTS = [RDF_TYPE, RDFS_LABEL, SCHEMA_NAME, DCT_TITLE];

/** Axioms that relate a vocabulary term to another vocabulary (shown as alignments). */
export const ALIGNMENT_PREDICATES = [
  `${NS.rdfs}subClassOf`,
  `${NS.rdfs}subPropertyOf`,
  `${NS.owl}equivalentClass`,
  `${NS.owl}equivalentProperty`,
  `${NS.owl}inverseOf`,
  `${NS.skos}exactMatch`,
  `${NS.skos}closeMatch`,
];

class QuadSet {
  private readonly seen = new Set<string>();
  readonly list: Quad[] = [];
  add(qs: Iterable<Quad>): void {
    for (const q of qs) {
      const o = q.object;
      const key = `${q.subject.value}\u0000${q.predicate.value}\u0000${o.termType}\u0000${o.value}\u0000${
        o.termType === 'Literal' ? `${o.language}\u0000${o.datatype.value}` : ''
      }`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.list.push(q);
    }
  }
}

/** Subjects under id/ and the ontology, grouped by document key: the documents that exist. */
export function documentKeys(store: Store, iris: Iris): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const s of store.getSubjects(null, null, null)) {
    if (s.termType !== 'NamedNode') continue;
    const key = iris.keyOf(s.value);
    if (!key) continue;
    const list = keys.get(key);
    if (list) list.push(s.value);
    else keys.set(key, [s.value]);
  }
  return keys;
}

/** The quads of the document about `topic`, whose own subjects (topic and its fragments) are `subjects`. */
export function describe(graph: Graph, topic: string, subjects: readonly string[]): Quad[] {
  const { store } = graph;
  const npcsc = `${graph.base}ontology#`;
  const tenureClass = `${npcsc}Tenure`;
  const noteAbout = `${npcsc}noteAbout`;
  const set = new QuadSet();
  const own = new Set([topic, ...subjects]);

  for (const s of own) set.add(store.getQuads(s, null, null, null));
  for (const o of own) set.add(store.getQuads(null, null, o, null));

  // Neighbours: every node the description links to or is linked from.
  const neighbours = new Set<string>();
  for (const q of set.list) {
    if (q.object.termType === 'NamedNode' && !own.has(q.object.value)) neighbours.add(q.object.value);
    if (!own.has(q.subject.value)) neighbours.add(q.subject.value);
  }

  // Linked tenures carry their summary, including who holds them (the Role pattern's Person -> Role link).
  const summary = TENURE_SUMMARY(npcsc);
  for (const n of neighbours) {
    if (!store.countQuads(n, RDF_TYPE, tenureClass, null)) continue;
    for (const p of summary) set.add(store.getQuads(n, p, null, null));
    set.add(store.getQuads(null, `${NS.schema}memberOf`, n, null));
  }
  // Conflict notes about the resource are published on its document in full.
  for (const o of own) {
    for (const note of store.getSubjects(noteAbout, o, null)) set.add(store.getQuads(note, null, null, null));
  }

  // Names and types of everything mentioned, titles of every source.
  const mentioned = new Set<string>();
  for (const q of set.list) {
    if (!own.has(q.subject.value)) mentioned.add(q.subject.value);
    if (q.object.termType === 'NamedNode' && !own.has(q.object.value)) mentioned.add(q.object.value);
  }
  for (const m of mentioned) {
    for (const p of NEIGHBOUR_FACTS) set.add(store.getQuads(m, p, null, null));
  }
  return sortQuads(set.list);
}

/** The ontology document: every triple about the ontology, its alignments file and its terms, and every alignment axiom. */
export function describeOntology(graph: Graph): Quad[] {
  const { store } = graph;
  const ontology = `${graph.base}ontology`;
  const set = new QuadSet();
  const terms = new Set<string>();
  for (const s of store.getSubjects(null, null, null)) {
    if (s.termType === 'NamedNode' && s.value.startsWith(ontology)) {
      set.add(store.getQuads(s, null, null, null));
      if (s.value.startsWith(`${ontology}#`)) terms.add(s.value);
    }
  }
  // Axioms whose subject is another vocabulary's term (dcterms:source rdfs:subPropertyOf prov:wasDerivedFrom).
  for (const p of ALIGNMENT_PREDICATES) {
    for (const q of store.getQuads(null, p, null, null)) {
      if (!q.subject.value.startsWith(`${graph.base}id/`)) set.add([q]);
    }
  }
  // A schema.org view for crawlers: the ontology as a DefinedTermSet of DefinedTerms.
  const schema = (l: string) => namedNode(`${NS.schema}${l}`);
  const type = namedNode(RDF_TYPE);
  const view: Quad[] = [quad(namedNode(ontology), type, schema('DefinedTermSet'))];
  for (const label of store.getObjects(ontology, RDFS_LABEL, null)) {
    view.push(quad(namedNode(ontology), schema('name'), label));
  }
  for (const t of [...terms].sort()) {
    const labels = store.getObjects(t, RDFS_LABEL, null);
    if (labels.length === 0) continue;
    view.push(quad(namedNode(t), type, schema('DefinedTerm')));
    view.push(quad(namedNode(t), schema('inDefinedTermSet'), namedNode(ontology)));
    view.push(quad(namedNode(ontology), schema('hasDefinedTerm'), namedNode(t)));
    for (const l of labels) view.push(quad(namedNode(t), schema('name'), l));
  }
  set.add(view);
  return sortQuads(set.list);
}

/** The document's description of itself: its public address, what it is about, the dataset it is part of. */
export function documentMetadata(iris: Iris, key: string, topic: string): Quad[] {
  const doc = namedNode(iris.genericDocUrl(key));
  return [
    quad(doc, namedNode(RDF_TYPE), namedNode(`${NS.foaf}Document`)),
    quad(doc, namedNode(`${NS.foaf}primaryTopic`), namedNode(topic)),
    quad(doc, namedNode(`${NS.void}inDataset`), namedNode(iris.dataset)),
  ];
}
