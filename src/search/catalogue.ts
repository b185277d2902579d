// The catalogue of named things (people, offices, bodies, NPC terms) that search and reconciliation look up, built once per Graph.
import type { Quad_Object, Store } from 'n3';
import { DataFactory } from 'n3';
import { NS, vocab } from '../rdf/ns.ts';

export type Kind = 'person' | 'office' | 'org' | 'npc-term';

/** A date literal as written (its precision is its shape: 1902-10-12, 1907-12 or 1994). */
export interface DateText {
  lexical: string;
  year: number;
}

export interface Label {
  text: string;
  /** BCP 47 case: en, zh-Hans; '' when untagged. */
  lang: string;
  /** The label compared: see normalise(). */
  key: string;
  /** The same without spaces or punctuation, for Chinese written with or without spaces and "PengZhen". */
  compact: string;
  tokens: string[];
  /** skos:altLabel rather than rdfs:label or schema:name. */
  alt: boolean;
}

export interface Tenure {
  iri: string;
  office: string;
  start?: DateText;
  end?: DateText;
  terms: string[];
}

export interface Entry {
  iri: string;
  /** The identifier relative to `{base}id/` (person/peng-zhen). */
  id: string;
  kind: Kind;
  type: string;
  labels: Label[];
  birth?: DateText;
  death?: DateText;
  /** The person's tenures (holder of), in order of start. */
  tenures: Tenure[];
  /** A Wikidata item (Q…) where the linkset links one. */
  wikidata?: string;
}

export interface Catalogue {
  base: string;
  entries: readonly Entry[];
  byId: ReadonlyMap<string, Entry>;
  /** Entity type IRI → kind, in a fixed order (the reconciliation's types). */
  types: ReadonlyMap<string, Kind>;
}

/** Lower case, without diacritics (pinyin tone marks), full-width forms folded, punctuation as spaces. */
export function normalise(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
}

/** Tokens of a normalised text: words, and each Han character on its own (Chinese is written without spaces). */
export function tokensOf(key: string): string[] {
  return key
    .replace(/(\p{Script=Han})/gu, ' $1 ')
    .split(' ')
    .filter((t) => t.length > 0);
}

export function labelOf(text: string, lang: string, alt = false): Label {
  const key = normalise(text);
  return { text, lang, key, compact: key.replace(/ /g, ''), tokens: tokensOf(key), alt };
}

const node = DataFactory.namedNode;
const RDF_TYPE = `${NS.rdf}type`;

function bcp47(tag: string): string {
  const lower = tag.toLowerCase();
  return lower === 'zh-hans' ? 'zh-Hans' : lower === 'zh-hant' ? 'zh-Hant' : tag;
}

function dateOf(t: Quad_Object | undefined): DateText | undefined {
  if (t?.termType !== 'Literal') return undefined;
  const m = /^(-?\d{4,})(-\d{2})?(-\d{2})?$/.exec(t.value);
  return m ? { lexical: t.value, year: Number(m[1]) } : undefined;
}

/** The kinds of thing looked up, each with its type and the path its identifiers live under. */
export function kindTypes(base: string): [Kind, string, string][] {
  return [
    ['person', `${NS.schema}Person`, 'id/person/'],
    ['office', vocab(base, 'Office'), 'id/office/'],
    ['org', `${NS.org}Organization`, 'id/org/'],
    ['npc-term', vocab(base, 'NPCTerm'), 'id/npc-term/'],
  ];
}

const KIND_ORDER: Record<Kind, number> = { person: 0, office: 1, org: 2, 'npc-term': 3 };

/** Reads the catalogue from the Graph's store (a few thousand lookups by index, whatever the graph's size). */
export function buildCatalogue(store: Store, base: string): Catalogue {
  const v = (t: string) => vocab(base, t);
  const entries: Entry[] = [];
  const tenuresOf = new Map<string, Tenure[]>();
  for (const t of store.getSubjects(RDF_TYPE, v('Tenure'), null)) {
    const holder = store.getObjects(t, v('holder'), null)[0];
    const office = store.getObjects(t, v('office'), null)[0];
    if (holder?.termType !== 'NamedNode' || office?.termType !== 'NamedNode') continue;
    const start = dateOf(store.getObjects(t, v('startDate'), null)[0]);
    const end = dateOf(store.getObjects(t, v('endDate'), null)[0]);
    const terms = store
      .getObjects(t, v('npcTerm'), null)
      .filter((x) => x.termType === 'NamedNode')
      .map((x) => x.value)
      .sort();
    const list = tenuresOf.get(holder.value) ?? [];
    list.push({ iri: t.value, office: office.value, ...(start ? { start } : {}), ...(end ? { end } : {}), terms });
    tenuresOf.set(holder.value, list);
  }
  const types = new Map<string, Kind>();
  for (const [kind, type, prefix] of kindTypes(base)) {
    types.set(type, kind);
    const subjects = [...new Set(store.getSubjects(RDF_TYPE, type, null).map((s) => s.value))]
      .filter((iri) => iri.startsWith(`${base}${prefix}`))
      .sort();
    for (const iri of subjects) {
      const labels: Label[] = [];
      for (const [p, alt] of [
        [`${NS.rdfs}label`, false],
        [`${NS.schema}name`, false],
        [`${NS.skos}altLabel`, true],
      ] as const) {
        for (const o of store.getObjects(node(iri), node(p), null)) {
          if (o.termType !== 'Literal') continue;
          const lang = bcp47(o.language);
          if (!labels.some((l) => l.text === o.value && l.lang === lang)) labels.push(labelOf(o.value, lang, alt));
        }
      }
      if (labels.length === 0) continue;
      const birth = dateOf(store.getObjects(iri, `${NS.schema}birthDate`, null)[0]);
      const death = dateOf(store.getObjects(iri, `${NS.schema}deathDate`, null)[0]);
      const wikidata = store
        .getObjects(iri, `${NS.owl}sameAs`, null)
        .map((o) => o.value)
        .find((o) => /^http:\/\/www\.wikidata\.org\/entity\/Q[0-9]+$/.test(o));
      const tenures = (tenuresOf.get(iri) ?? []).sort((a, b) =>
        (a.start?.lexical ?? '') < (b.start?.lexical ?? '') ? -1 : 1,
      );
      entries.push({
        iri,
        id: iri.slice(`${base}id/`.length),
        kind,
        type,
        labels,
        ...(birth ? { birth } : {}),
        ...(death ? { death } : {}),
        tenures,
        ...(wikidata ? { wikidata: wikidata.slice(wikidata.lastIndexOf('/') + 1) } : {}),
      });
    }
  }
  entries.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { base, entries, byId: new Map(entries.map((e) => [e.id, e])), types };
}

/** The entry's label in `lang`, else English, else the first. */
export function displayName(e: Entry, lang = 'en'): string {
  const main = e.labels.filter((l) => !l.alt);
  return (
    (main.find((l) => l.lang === lang) ?? main.find((l) => l.lang === 'en') ?? main[0] ?? e.labels[0])?.text ?? e.id
  );
}

/** The Chinese label, when the data has one. */
export function chineseName(e: Entry): string | undefined {
  return e.labels.find((l) => l.lang === 'zh-Hans' && !l.alt)?.text;
}

/**
 * Character bigrams of a label's words, the spaces between them included (a bigram across two words would make
 * "Peng Zhen" look like "Yang Zhenwu"); Han characters count one each.
 */
export function bigrams(l: Label): string[] {
  const chars = [...l.tokens.join(' ')];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** Dice's coefficient of two bigram lists (multisets): 1 the same, 0 nothing shared. */
export function dice(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  let shared = 0;
  for (const x of b) {
    const n = counts.get(x) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(x, n - 1);
    }
  }
  return (2 * shared) / (a.length + b.length);
}
