// Language tags in the case BCP 47 recommends (zh-Hans, en-GB), for every writer: n3 stores them lower-cased.
import type * as RDF from '@rdfjs/types';
import { DataFactory, type Quad } from 'n3';

/**
 * RFC 5646 §2.1.1: tags are case-insensitive, but the recommended form writes the language lower-case, a
 * four-letter script in title case and a two-letter region upper-case; n3 lower-cases every tag on parsing,
 * so `zh-Hans` would otherwise be published as `zh-hans`.
 */
export function bcp47(tag: string): string {
  if (!tag) return tag;
  const parts = tag.split('-');
  let singleton = false;
  return parts
    .map((p, i) => {
      const lower = p.toLowerCase();
      if (i === 0) return lower;
      // After an extension or private-use singleton (x-…, u-…) the subtags keep no case convention.
      if (singleton || lower.length === 1) {
        singleton = true;
        return lower;
      }
      if (lower.length === 4 && /^[a-z]{4}$/.test(lower)) return lower[0]?.toUpperCase() + lower.slice(1);
      if (lower.length === 2 && /^[a-z]{2}$/.test(lower)) return lower.toUpperCase();
      return lower;
    })
    .join('-');
}

/** A literal term whose language tag is written in BCP 47 case; n3's own factory would lower-case it again. */
class CasedLiteral implements RDF.Literal {
  readonly termType = 'Literal' as const;
  constructor(
    readonly value: string,
    readonly language: string,
    readonly datatype: RDF.NamedNode,
    readonly direction: '' | 'ltr' | 'rtl' | null | undefined = undefined,
  ) {}
  equals(other: RDF.Term | null | undefined): boolean {
    return (
      !!other &&
      other.termType === 'Literal' &&
      other.value === this.value &&
      other.language.toLowerCase() === this.language.toLowerCase() &&
      other.datatype.value === this.datatype.value
    );
  }
}

/** The term with its language tag (if any) in BCP 47 case. */
export function casedTerm<T extends RDF.Term>(t: T): T {
  if (t.termType !== 'Literal') return t;
  const lit = t as unknown as RDF.Literal;
  if (!lit.language) return t;
  const cased = bcp47(lit.language);
  if (cased === lit.language) return t;
  return new CasedLiteral(lit.value, cased, lit.datatype) as unknown as T;
}

/** The quad with its object's language tag in BCP 47 case (only objects carry literals). */
export function casedQuad(q: Quad): Quad {
  const o = casedTerm(q.object);
  if (o === q.object) return q;
  // DataFactory.quad keeps the terms it is given (only DataFactory.literal lower-cases).
  return DataFactory.quad(q.subject, q.predicate, o as Quad['object'], q.graph);
}

/** JSON-LD with every "@language" value in BCP 47 case: jsonld.js lower-cases them while it compacts. */
export function casedJsonLd<T>(doc: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === '@language' && typeof x === 'string' ? bcp47(x) : walk(x);
      return out;
    }
    return v;
  };
  return walk(doc) as T;
}
