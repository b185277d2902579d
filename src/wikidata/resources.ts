// What the Graph says about the things we link to Wikidata: people, offices, organisations, NPC terms, tenures.
import type * as RDF from '@rdfjs/types';
import type { Store } from 'n3';
import type { Graph } from '../rdf/graph.ts';
import { NS, vocab } from '../rdf/ns.ts';
import type { OurLanguage } from './entity.ts';
import { fromLiteral, type WdDate } from './time.ts';

export type Kind = 'person' | 'office' | 'org' | 'npc-term' | 'document';

export interface Resource {
  iri: string;
  kind: Kind;
  labels: Partial<Record<OurLanguage, string>>;
  birth?: WdDate;
  death?: WdDate;
  /** Offices the person held (tenure holder), as our IRIs. */
  offices: string[];
  sources: string[];
}

export interface Tenure {
  iri: string;
  office: string;
  holder: string;
  ordinal: number;
  start?: WdDate;
  end?: WdDate;
  predecessorHolder?: string;
  successorHolder?: string;
  terms: string[];
  sources: string[];
}

const RDF_TYPE = `${NS.rdf}type`;
function first(store: Store, s: string, p: string): RDF.Term | undefined {
  return store.getObjects(s, p, null)[0];
}

function labels(store: Store, s: string): Partial<Record<OurLanguage, string>> {
  const out: Partial<Record<OurLanguage, string>> = {};
  for (const t of store.getObjects(s, `${NS.rdfs}label`, null)) {
    if (t.termType !== 'Literal') continue;
    const lang = (t as RDF.Literal).language.toLowerCase();
    if (lang === 'en') out.en ??= t.value;
    else if (lang === 'zh-hans') out['zh-hans'] ??= t.value;
  }
  return out;
}

const iris = (terms: RDF.Term[]): string[] => [
  ...new Set(terms.filter((t) => t.termType === 'NamedNode').map((t) => t.value)),
];

/** Every resource we reconcile, in a stable order: offices and bodies first, then terms, then people. */
export function resourcesOf(graph: Graph): Resource[] {
  const { store, base } = graph;
  const ofType = (type: string, prefix: string) =>
    store
      .getSubjects(RDF_TYPE, type, null)
      .map((t) => t.value)
      .filter((iri) => iri.startsWith(`${base}${prefix}`))
      .sort();
  const holderOffices = new Map<string, Set<string>>();
  for (const t of store.getSubjects(RDF_TYPE, vocab(base, 'Tenure'), null)) {
    const holder = first(store, t.value, vocab(base, 'holder'));
    const office = first(store, t.value, vocab(base, 'office'));
    if (!holder || !office) continue;
    const set = holderOffices.get(holder.value) ?? new Set<string>();
    set.add(office.value);
    holderOffices.set(holder.value, set);
  }
  const make = (iri: string, kind: Kind): Resource => {
    const birth = fromLiteral(first(store, iri, `${NS.schema}birthDate`));
    const death = fromLiteral(first(store, iri, `${NS.schema}deathDate`));
    return {
      iri,
      kind,
      labels: labels(store, iri),
      ...(birth ? { birth } : {}),
      ...(death ? { death } : {}),
      offices: [...(holderOffices.get(iri) ?? [])].sort(),
      sources: iris(store.getObjects(iri, `${NS.dcterms}source`, null)).sort(),
    };
  };
  return [
    ...ofType(vocab(base, 'Office'), 'id/office/').map((i) => make(i, 'office')),
    ...ofType(`${NS.org}Organization`, 'id/org/').map((i) => make(i, 'org')),
    ...ofType(vocab(base, 'NPCTerm'), 'id/npc-term/').map((i) => make(i, 'npc-term')),
    ...ofType(`${NS.schema}Legislation`, 'id/document/').map((i) => make(i, 'document')),
    ...ofType(`${NS.schema}Person`, 'id/person/').map((i) => make(i, 'person')),
  ].filter((r) => r.labels.en || r.labels['zh-hans']);
}

/** Every tenure in the Graph, ordered by office and ordinal, with the holders of the tenures around it. */
export function tenuresOf(graph: Graph): Tenure[] {
  const { store, base } = graph;
  const v = (term: string) => vocab(base, term);
  const holderOf = (tenure: RDF.Term | undefined) =>
    tenure ? first(store, tenure.value, v('holder'))?.value : undefined;
  const out: Tenure[] = [];
  for (const t of store.getSubjects(RDF_TYPE, v('Tenure'), null)) {
    const s = t.value;
    const office = first(store, s, v('office'))?.value;
    const holder = first(store, s, v('holder'))?.value;
    const ordinal = Number(first(store, s, v('ordinal'))?.value);
    if (!office || !holder || !Number.isInteger(ordinal)) continue;
    const start = fromLiteral(first(store, s, v('startDate')));
    const end = fromLiteral(first(store, s, v('endDate')));
    const predecessorHolder = holderOf(first(store, s, v('predecessor')));
    const successorHolder = holderOf(first(store, s, v('successor')));
    out.push({
      iri: s,
      office,
      holder,
      ordinal,
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      ...(predecessorHolder ? { predecessorHolder } : {}),
      ...(successorHolder ? { successorHolder } : {}),
      terms: iris(store.getObjects(s, v('npcTerm'), null)).sort(),
      sources: iris(store.getObjects(s, `${NS.dcterms}source`, null)).sort(),
    });
  }
  return out.sort((a, b) => (a.office === b.office ? a.ordinal - b.ordinal : a.office < b.office ? -1 : 1));
}
