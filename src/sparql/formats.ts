// Which formats each query form can answer in, by media type in the server's order of preference, and how a cut result says so.
import { negotiate } from '../http/negotiate.ts';
import { RDF_MEDIA_TYPES, type RdfFormat } from '../rdf/serialize.ts';
import type { QueryForm } from './parse.ts';
import { RESULT_MEDIA_TYPES, type ResultFormat } from './results.ts';

export type Format = ResultFormat | RdfFormat;

/** Media types for SELECT and ASK results; the first is the default. Aliases follow the registered types. */
const TABULAR: ReadonlyMap<string, ResultFormat> = new Map([
  [RESULT_MEDIA_TYPES.json, 'json'],
  [RESULT_MEDIA_TYPES.xml, 'xml'],
  [RESULT_MEDIA_TYPES.csv, 'csv'],
  [RESULT_MEDIA_TYPES.tsv, 'tsv'],
  ['application/json', 'json'],
  ['application/xml', 'xml'],
  ['text/xml', 'xml'],
]);

/** Media types for CONSTRUCT and DESCRIBE results; Turtle is the default. */
const GRAPH: ReadonlyMap<string, RdfFormat> = new Map([
  [RDF_MEDIA_TYPES.turtle, 'turtle'],
  [RDF_MEDIA_TYPES.ntriples, 'ntriples'],
  [RDF_MEDIA_TYPES.jsonld, 'jsonld'],
  [RDF_MEDIA_TYPES.rdfxml, 'rdfxml'],
  ['application/json', 'jsonld'],
  ['text/plain', 'ntriples'],
]);

export const isGraphForm = (form: QueryForm): boolean => form === 'construct' || form === 'describe';

/** The media types a query form can be answered in, default first. */
export const offersFor = (form: QueryForm): string[] => [...(isGraphForm(form) ? GRAPH : TABULAR).keys()];

export interface Chosen {
  format: Format;
  /** The Content-Type of the response: the media type the client asked for, with its charset. */
  contentType: string;
}

/** The format `accept` prefers for `form`; undefined when it accepts none of them (406). */
export function chooseFormat(form: QueryForm, accept: string | null | undefined): Chosen | undefined {
  const offers = isGraphForm(form) ? GRAPH : TABULAR;
  const mediaType = negotiate(accept, [...offers.keys()]);
  const format = mediaType && offers.get(mediaType);
  return format ? { format, contentType: `${mediaType}; charset=utf-8` } : undefined;
}

/**
 * Marks a result that stopped at `limit` rows inside the body where the format has room: a top-level
 * `truncated` member in SPARQL JSON, a `<link>` in SPARQL XML's head. The response header says it for every format.
 */
export function markTruncated(format: Format, body: string, limit: number, docs: string): string {
  if (format === 'json' && body.endsWith('}')) {
    return `${body.slice(0, -1)},"truncated":true,"limit":${limit}}`;
  }
  if (format === 'xml') {
    // The schema puts <link> after the <variable> elements.
    const link = `<link href="${docs.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}"/>`;
    // This project's writer indents; Oxigraph's (src/sparql/engine-results.ts) writes the head on one line.
    if (body.includes('  </head>')) return body.replace('  </head>', `    ${link}\n  </head>`);
    if (body.includes('</head>')) return body.replace('</head>', `${link}</head>`);
    return body.replace('<head/>', `<head>${link}</head>`);
  }
  return body;
}
