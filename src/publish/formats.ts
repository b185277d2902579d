// Which representations a document has, and how a request picks one: Accept, ?format=, a file suffix, ?lang=.
import { badRequest } from '../http/errors.ts';
import { negotiateLanguage, parseAccept, qualityOf } from '../http/negotiate.ts';
import {
  QUAD_EXTENSIONS,
  QUAD_MEDIA_TYPES,
  type QuadFormat,
  RDF_EXTENSIONS,
  RDF_MEDIA_TYPES,
  type RdfFormat,
} from '../rdf/serialize.ts';

export type DocumentRdfFormat = RdfFormat | QuadFormat;
export type Format = 'html' | DocumentRdfFormat;
export const LANGS = ['en', 'zh-Hans'] as const;
export type Lang = (typeof LANGS)[number];

/** Every RDF form of a document; the dataset syntaxes last, so that they never win a tie over a graph syntax. */
export const RDF_FORMATS: readonly DocumentRdfFormat[] = ['turtle', 'jsonld', 'ntriples', 'rdfxml', 'nquads', 'trig'];
export const FORMATS: readonly Format[] = ['html', ...RDF_FORMATS];

export const MEDIA_TYPES: Record<Format, string> = { html: 'text/html', ...RDF_MEDIA_TYPES, ...QUAD_MEDIA_TYPES };
export const CONTENT_TYPES: Record<Format, string> = {
  html: 'text/html; charset=utf-8',
  turtle: 'text/turtle; charset=utf-8',
  ntriples: 'application/n-triples; charset=utf-8',
  jsonld: 'application/ld+json; charset=utf-8',
  rdfxml: 'application/rdf+xml; charset=utf-8',
  nquads: 'application/n-quads; charset=utf-8',
  trig: 'application/trig; charset=utf-8',
};
export const FORMAT_NAMES: Record<Format, string> = {
  html: 'HTML',
  turtle: 'Turtle',
  ntriples: 'N-Triples',
  jsonld: 'JSON-LD',
  rdfxml: 'RDF/XML',
  nquads: 'N-Quads',
  trig: 'TriG',
};

/**
 * Media types that also name a format (application/json for JSON-LD, text/n3 for Turtle, a subset of N3,
 * application/xhtml+xml for HTML, text/plain for N-Triples: its type before application/n-triples, which rdflib's
 * `nt` still sends). An alias counts only when the client names it: `*\/*` never revives a format whose own type
 * it refused with q=0, and `text/*` never picks N-Triples.
 */
export const ALIASES: readonly [string, Format][] = [
  ['application/xhtml+xml', 'html'],
  ['application/json', 'jsonld'],
  ['text/n3', 'turtle'],
  ['text/plain', 'ntriples'],
];

/** The offered media types, as a 406 lists them. */
export const OFFERED: readonly string[] = FORMATS.map((f) => MEDIA_TYPES[f]);

/**
 * The format Accept prefers, or undefined (406). Formats are offered in the server's order of preference
 * (HTML first; `rdfFirst` puts Turtle first, for /.well-known/void), which breaks ties and answers a missing
 * Accept header.
 */
export function negotiateFormat(accept: string | null | undefined, rdfFirst = false): Format | undefined {
  const order: readonly Format[] = rdfFirst ? [...RDF_FORMATS, 'html'] : FORMATS;
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return order[0];
  let best: Format | undefined;
  let bestQ = 0;
  for (const f of order) {
    let q = qualityOf(ranges, MEDIA_TYPES[f]);
    const named = ranges.some((r) => `${r.type}/${r.subtype}` === MEDIA_TYPES[f]);
    if (!named) {
      for (const [alias, target] of ALIASES) {
        const r = ranges.find((x) => target === f && `${x.type}/${x.subtype}` === alias);
        if (r) q = Math.max(q, r.q);
      }
    }
    if (q > bestQ) {
      best = f;
      bestQ = q;
    }
  }
  return best;
}

const FORMAT_PARAM: Record<string, Format> = {
  html: 'html',
  ttl: 'turtle',
  turtle: 'turtle',
  nt: 'ntriples',
  ntriples: 'ntriples',
  'n-triples': 'ntriples',
  jsonld: 'jsonld',
  'json-ld': 'jsonld',
  json: 'jsonld',
  rdf: 'rdfxml',
  rdfxml: 'rdfxml',
  'rdf+xml': 'rdfxml',
  xml: 'rdfxml',
  nq: 'nquads',
  nquads: 'nquads',
  'n-quads': 'nquads',
  trig: 'trig',
};

/** ?format= (a file extension or a format name); an unknown value is a 400 that lists the known ones. */
export function formatParam(value: string | undefined): Format | undefined {
  if (value === undefined || value === '') return undefined;
  const f = FORMAT_PARAM[value.toLowerCase()];
  if (!f) throw badRequest(`unknown format "${value}"; use one of ${Object.keys(FORMAT_PARAM).join(', ')}`);
  return f;
}

/** ?lang= accepts en, zh-Hans and the usual spellings of simplified Chinese; anything else is ignored. */
export function langParam(value: string | undefined): Lang | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v === 'zh-hans' || v === 'zh-cn' || v === 'zh-sg' || v.startsWith('zh-hans-')) return 'zh-Hans';
  return undefined;
}

export function negotiateLang(acceptLanguage: string | null | undefined): Lang {
  return negotiateLanguage(acceptLanguage, LANGS);
}

/** File suffix of a representation: `.ttl`, `.html` (English), `.zh-Hans.html`. */
export function suffixOf(format: Format, lang: Lang = 'en'): string {
  if (format === 'html') return lang === 'en' ? '.html' : `.${lang}.html`;
  return `.${format === 'nquads' || format === 'trig' ? QUAD_EXTENSIONS[format] : RDF_EXTENSIONS[format]}`;
}

const SUFFIX_TABLE: readonly [string, Format, Lang | undefined][] = [
  ['.zh-Hans.html', 'html', 'zh-Hans'],
  ['.en.html', 'html', 'en'],
  ['.html', 'html', 'en'],
  ['.ttl', 'turtle', undefined],
  ['.nt', 'ntriples', undefined],
  ['.jsonld', 'jsonld', undefined],
  ['.rdf', 'rdfxml', undefined],
  ['.nq', 'nquads', undefined],
  ['.trig', 'trig', undefined],
];

/** Splits `doc/person/x.zh-Hans.html` into the document path and what the suffix fixes. */
export function splitSuffix(path: string): { stem: string; format?: Format; lang?: Lang } {
  for (const [suffix, format, lang] of SUFFIX_TABLE) {
    if (path.endsWith(suffix) && path.length > suffix.length) {
      return { stem: path.slice(0, -suffix.length), format, ...(lang ? { lang } : {}) };
    }
  }
  return { stem: path };
}

/** Every file suffix a document answers to. */
export const SUFFIXES: readonly string[] = SUFFIX_TABLE.map(([suffix]) => suffix);
