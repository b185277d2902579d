// What pages read: an index over the quads of one document (so a page and its JSON-LD block say exactly what the
// document holds), or a view of the whole Graph's store for the home page.
import { DataFactory, type Quad, type Store, type Term } from 'n3';
import { bcp47 } from '../rdf/lang.ts';
import { NS } from '../rdf/ns.ts';
import type { Lang } from './formats.ts';

export const RDF_TYPE = `${NS.rdf}type`;
export const RDFS_LABEL = `${NS.rdfs}label`;
export const RDFS_COMMENT = `${NS.rdfs}comment`;
export const SCHEMA_NAME = `${NS.schema}name`;
export const DCT_TITLE = `${NS.dcterms}title`;

/** The questions a page asks of the triples it shows. */
export interface View {
  has(s: string): boolean;
  objects(s: string, p: string): readonly Term[];
  object(s: string, p: string): Term | undefined;
  iris(s: string, p: string): string[];
  subjects(p: string, o: string): readonly string[];
  /** Every predicate of `s` with its objects, in a stable order. */
  outgoing(s: string): [string, readonly Term[]][];
  /** Every predicate pointing at `o` with its subjects. */
  incoming(o: string): [string, readonly string[]][];
  types(s: string): string[];
  isA(s: string, type: string): boolean;
}

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/** One document's quads, indexed both ways. */
export class Index implements View {
  readonly quads: readonly Quad[];
  private readonly out = new Map<string, Map<string, Term[]>>();
  private readonly inc = new Map<string, Map<string, string[]>>();

  constructor(quads: readonly Quad[]) {
    this.quads = quads;
    for (const q of quads) {
      const s = q.subject.value;
      let bySubject = this.out.get(s);
      if (!bySubject) {
        bySubject = new Map();
        this.out.set(s, bySubject);
      }
      const list = bySubject.get(q.predicate.value);
      if (list) list.push(q.object);
      else bySubject.set(q.predicate.value, [q.object]);
      if (q.object.termType === 'NamedNode') {
        let byObject = this.inc.get(q.object.value);
        if (!byObject) {
          byObject = new Map();
          this.inc.set(q.object.value, byObject);
        }
        const subs = byObject.get(q.predicate.value);
        if (subs) subs.push(s);
        else byObject.set(q.predicate.value, [s]);
      }
    }
  }

  has(s: string): boolean {
    return this.out.has(s);
  }
  objects(s: string, p: string): readonly Term[] {
    return this.out.get(s)?.get(p) ?? [];
  }
  object(s: string, p: string): Term | undefined {
    return this.out.get(s)?.get(p)?.[0];
  }
  iris(s: string, p: string): string[] {
    return this.objects(s, p)
      .filter((t) => t.termType === 'NamedNode')
      .map((t) => t.value);
  }
  subjects(p: string, o: string): readonly string[] {
    return this.inc.get(o)?.get(p) ?? [];
  }
  /** Every predicate of `s` with its objects, in a stable order. */
  outgoing(s: string): [string, readonly Term[]][] {
    return [...(this.out.get(s) ?? new Map<string, Term[]>())].sort(byKey);
  }
  /** Every predicate pointing at `o` with its subjects. */
  incoming(o: string): [string, readonly string[]][] {
    return [...(this.inc.get(o) ?? new Map<string, string[]>())].sort(byKey);
  }
  types(s: string): string[] {
    return this.iris(s, RDF_TYPE);
  }
  isA(s: string, type: string): boolean {
    return this.types(s).includes(type);
  }
}

/**
 * The whole Graph as a View, answered by the store's own indexes: the home page reads a few predicates of many
 * subjects, and copying a million-triple store into an Index for it cost some 400 MB.
 */
export class StoreView implements View {
  constructor(private readonly store: Store) {}

  private static node(iri: string) {
    return DataFactory.namedNode(iri);
  }
  has(s: string): boolean {
    return this.store.countQuads(StoreView.node(s), null, null, null) > 0;
  }
  objects(s: string, p: string): readonly Term[] {
    return this.store.getObjects(StoreView.node(s), StoreView.node(p), null) as Term[];
  }
  object(s: string, p: string): Term | undefined {
    return this.objects(s, p)[0];
  }
  iris(s: string, p: string): string[] {
    return this.objects(s, p)
      .filter((t) => t.termType === 'NamedNode')
      .map((t) => t.value);
  }
  subjects(p: string, o: string): readonly string[] {
    return this.store.getSubjects(StoreView.node(p), StoreView.node(o), null).map((t) => t.value);
  }
  outgoing(s: string): [string, readonly Term[]][] {
    const out = new Map<string, Term[]>();
    for (const q of this.store.getQuads(StoreView.node(s), null, null, null)) {
      const list = out.get(q.predicate.value);
      if (list) list.push(q.object as Term);
      else out.set(q.predicate.value, [q.object as Term]);
    }
    return [...out].sort(byKey);
  }
  incoming(o: string): [string, readonly string[]][] {
    const inc = new Map<string, string[]>();
    for (const q of this.store.getQuads(null, null, StoreView.node(o), null)) {
      const list = inc.get(q.predicate.value);
      if (list) list.push(q.subject.value);
      else inc.set(q.predicate.value, [q.subject.value]);
    }
    return [...inc].sort(byKey);
  }
  types(s: string): string[] {
    return this.iris(s, RDF_TYPE);
  }
  isA(s: string, type: string): boolean {
    return this.store.countQuads(StoreView.node(s), StoreView.node(RDF_TYPE), StoreView.node(type), null) > 0;
  }
}

/** A text with the language it is in (which may differ from the page's when only English exists). */
export interface LangText {
  text: string;
  lang: string | undefined;
}

/** n3 lower-cases language tags; pages write them in BCP 47 case (zh-Hans). */
export { bcp47 };

function inLang(terms: readonly Term[], lang: Lang): Term | undefined {
  const want = lang.toLowerCase();
  return terms.find((t) => t.termType === 'Literal' && t.language.toLowerCase() === want);
}

/** Picks the literal in the page language, else English, else any; undefined when there is none. */
export function pickLiteral(terms: readonly Term[], lang: Lang): LangText | undefined {
  const t =
    inLang(terms, lang) ??
    inLang(terms, 'en') ??
    terms.find((x) => x.termType === 'Literal' && !x.language) ??
    terms.find((x) => x.termType === 'Literal');
  if (t?.termType !== 'Literal') return undefined;
  return { text: t.value, lang: t.language ? bcp47(t.language) : undefined };
}

/** The last segment of an IRI, for things without any label. */
export function localName(iri: string): string {
  const m = /[#/]([^#/]+)\/?$/.exec(iri);
  return m?.[1] ? decodeURIComponent(m[1]) : iri;
}

export function hasName(ix: View, iri: string): boolean {
  return [RDFS_LABEL, SCHEMA_NAME, DCT_TITLE].some((p) => ix.objects(iri, p).length > 0);
}

/** The best name of `iri` in the document: rdfs:label, schema:name, dcterms:title, else its local name. */
export function nameOf(ix: View, iri: string, lang: Lang): LangText {
  for (const p of [RDFS_LABEL, SCHEMA_NAME, DCT_TITLE]) {
    const hit = pickLiteral(ix.objects(iri, p), lang);
    if (hit) return hit;
  }
  return { text: localName(iri), lang: undefined };
}
