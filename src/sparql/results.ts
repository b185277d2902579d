// Writes SPARQL results: JSON, XML, CSV and TSV (the W3C result formats).
import type * as RDF from '@rdfjs/types';
import { bcp47 } from '../rdf/lang.ts';
import type { Row } from '../store/comunica.ts';

export type ResultFormat = 'json' | 'xml' | 'csv' | 'tsv';

export const RESULT_MEDIA_TYPES: Record<ResultFormat, string> = {
  json: 'application/sparql-results+json',
  xml: 'application/sparql-results+xml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
};

type JsonTerm =
  | { type: 'uri'; value: string }
  | { type: 'bnode'; value: string }
  | { type: 'literal'; value: string; 'xml:lang'?: string; datatype?: string };

function jsonTerm(t: RDF.Term): JsonTerm {
  if (t.termType === 'NamedNode') return { type: 'uri', value: t.value };
  if (t.termType === 'BlankNode') return { type: 'bnode', value: t.value };
  const lit = t as RDF.Literal;
  if (lit.language) return { type: 'literal', value: lit.value, 'xml:lang': bcp47(lit.language) };
  if (lit.datatype && lit.datatype.value !== 'http://www.w3.org/2001/XMLSchema#string') {
    return { type: 'literal', value: lit.value, datatype: lit.datatype.value };
  }
  return { type: 'literal', value: lit.value };
}

export function bindingsToJson(variables: readonly string[], rows: readonly Row[]): string {
  const bindings = rows.map((row) => {
    const b: Record<string, JsonTerm> = {};
    for (const v of variables) {
      const t = row[v];
      if (t) b[v] = jsonTerm(t);
    }
    return b;
  });
  return JSON.stringify({ head: { vars: variables }, results: { bindings } });
}

export const booleanToJson = (value: boolean): string => JSON.stringify({ head: {}, boolean: value });

const xmlEscape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

function xmlTerm(t: RDF.Term): string {
  if (t.termType === 'NamedNode') return `<uri>${xmlEscape(t.value)}</uri>`;
  if (t.termType === 'BlankNode') return `<bnode>${xmlEscape(t.value)}</bnode>`;
  const j = jsonTerm(t) as Extract<JsonTerm, { type: 'literal' }>;
  const attr = j['xml:lang']
    ? ` xml:lang="${xmlEscape(j['xml:lang'])}"`
    : j.datatype
      ? ` datatype="${xmlEscape(j.datatype)}"`
      : '';
  return `<literal${attr}>${xmlEscape(t.value)}</literal>`;
}

const XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n';

export function bindingsToXml(variables: readonly string[], rows: readonly Row[]): string {
  const head = variables.map((v) => `    <variable name="${xmlEscape(v)}"/>`).join('\n');
  const results = rows
    .map((row) => {
      const cells = variables
        .filter((v) => row[v])
        .map((v) => `      <binding name="${xmlEscape(v)}">${xmlTerm(row[v] as RDF.Term)}</binding>`)
        .join('\n');
      return `    <result>\n${cells}\n    </result>`;
    })
    .join('\n');
  return `${XML_HEAD}  <head>\n${head}\n  </head>\n  <results>\n${results}\n  </results>\n</sparql>\n`;
}

export const booleanToXml = (value: boolean): string =>
  `${XML_HEAD}  <head/>\n  <boolean>${value}</boolean>\n</sparql>\n`;

/** SPARQL 1.1 CSV: plain values, RFC 4180 quoting, CRLF line ends. */
export function bindingsToCsv(variables: readonly string[], rows: readonly Row[]): string {
  const cell = (t: RDF.Term | undefined): string => {
    if (!t) return '';
    const s = t.termType === 'BlankNode' ? `_:${t.value}` : t.value;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [variables.join(','), ...rows.map((r) => variables.map((v) => cell(r[v])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** An RDF term in Turtle/N-Triples syntax, as TSV results need. */
export function termToNt(t: RDF.Term): string {
  if (t.termType === 'NamedNode') return `<${t.value}>`;
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  if (t.termType !== 'Literal') return t.value;
  const lit = t as RDF.Literal;
  const body = `"${lit.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
  if (lit.language) return `${body}@${bcp47(lit.language)}`;
  if (lit.datatype.value === 'http://www.w3.org/2001/XMLSchema#string') return body;
  return `${body}^^<${lit.datatype.value}>`;
}

export function bindingsToTsv(variables: readonly string[], rows: readonly Row[]): string {
  const lines = [
    variables.map((v) => `?${v}`).join('\t'),
    ...rows.map((r) => variables.map((v) => (r[v] ? termToNt(r[v] as RDF.Term) : '')).join('\t')),
  ];
  return `${lines.join('\n')}\n`;
}

export function serializeBindings(format: ResultFormat, variables: readonly string[], rows: readonly Row[]): string {
  switch (format) {
    case 'json':
      return bindingsToJson(variables, rows);
    case 'xml':
      return bindingsToXml(variables, rows);
    case 'csv':
      return bindingsToCsv(variables, rows);
    case 'tsv':
      return bindingsToTsv(variables, rows);
  }
}

export function serializeBoolean(format: ResultFormat, value: boolean): string {
  switch (format) {
    case 'json':
      return booleanToJson(value);
    case 'xml':
      return booleanToXml(value);
    case 'csv':
      return `_askResult\r\n${value}\r\n`;
    case 'tsv':
      return `?_askResult\n${value}\n`;
  }
}
