// Which representations a document has, and how a request picks one: Accept, ?format=, a file suffix, ?lang=.
import { badRequest } from '../http/errors.ts';
import { negotiate, negotiateLanguage } from '../http/negotiate.ts';
import { RDF_EXTENSIONS, RDF_MEDIA_TYPES, type RdfFormat } from '../rdf/serialize.ts';

export type Format = 'html' | RdfFormat;
export const LANGS = ['en', 'zh-Hans'] as const;
export type Lang = (typeof LANGS)[number];

export const RDF_FORMATS: readonly RdfFormat[] = ['turtle', 'jsonld', 'ntriples', 'rdfxml'];
export const FORMATS: readonly Format[] = ['html', ...RDF_FORMATS];

export const MEDIA_TYPES: Record<Format, string> = { html: 'text/html', ...RDF_MEDIA_TYPES };
export const CONTENT_TYPES: Record<Format, string> = {
  html: 'text/html; charset=utf-8',
  turtle: 'text/turtle; charset=utf-8',
  ntriples: 'application/n-triples; charset=utf-8',
  jsonld: 'application/ld+json; charset=utf-8',
  rdfxml: 'application/rdf+xml; charset=utf-8',
};
export const FORMAT_NAMES: Record<Format, string> = {
  html: 'HTML',
  turtle: 'Turtle',
  ntriples: 'N-Triples',
  jsonld: 'JSON-LD',
  rdfxml: 'RDF/XML',
};

/**
 * Media types offered, in the server's order of preference (ties and a missing Accept go to the first).
 * Aliases: application/json gets JSON-LD, text/n3 gets Turtle (a subset of N3), application/xhtml+xml HTML.
 */
const OFFERS: readonly [string, Format][] = [
  ['text/html', 'html'],
  ['application/xhtml+xml', 'html'],
  ['text/turtle', 'turtle'],
  ['application/ld+json', 'jsonld'],
  ['application/n-triples', 'ntriples'],
  ['application/rdf+xml', 'rdfxml'],
  ['application/json', 'jsonld'],
  ['text/n3', 'turtle'],
];
const OFFER_TYPES = OFFERS.map(([t]) => t);
const RDF_FIRST_TYPES = [...OFFER_TYPES.slice(2), ...OFFER_TYPES.slice(0, 2)];
const BY_TYPE = new Map(OFFERS);

/** The offered media types, as a 406 lists them. */
export const OFFERED: readonly string[] = FORMATS.map((f) => MEDIA_TYPES[f]);

/** The format Accept prefers, or undefined (406). `rdfFirst` makes Turtle the default (for /.well-known/void). */
export function negotiateFormat(accept: string | null | undefined, rdfFirst = false): Format | undefined {
  const type = negotiate(accept, rdfFirst ? RDF_FIRST_TYPES : OFFER_TYPES);
  return type ? BY_TYPE.get(type) : undefined;
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
  return `.${RDF_EXTENSIONS[format]}`;
}

const SUFFIXES: readonly [string, Format, Lang | undefined][] = [
  ['.zh-Hans.html', 'html', 'zh-Hans'],
  ['.en.html', 'html', 'en'],
  ['.html', 'html', 'en'],
  ['.ttl', 'turtle', undefined],
  ['.nt', 'ntriples', undefined],
  ['.jsonld', 'jsonld', undefined],
  ['.rdf', 'rdfxml', undefined],
];

/** Splits `doc/person/x.zh-Hans.html` into the document path and what the suffix fixes. */
export function splitSuffix(path: string): { stem: string; format?: Format; lang?: Lang } {
  for (const [suffix, format, lang] of SUFFIXES) {
    if (path.endsWith(suffix) && path.length > suffix.length) {
      return { stem: path.slice(0, -suffix.length), format, ...(lang ? { lang } : {}) };
    }
  }
  return { stem: path };
}
