// The dumps: the whole graph as Turtle, N-Triples and JSON-LD, and one CSV row per tenure with dates at their precision.
import type { Quad, Term } from 'n3';
import type { Graph } from '../rdf/graph.ts';
import { NS } from '../rdf/ns.ts';
import { type RdfFormat, serialize } from '../rdf/serialize.ts';

export const DUMP_NAMES = ['dump.ttl', 'dump.nt', 'dump.jsonld', 'dump.csv'] as const;
export type DumpName = (typeof DUMP_NAMES)[number];

export const DUMP_TYPES: Record<DumpName, string> = {
  'dump.ttl': 'text/turtle; charset=utf-8',
  'dump.nt': 'application/n-triples; charset=utf-8',
  'dump.jsonld': 'application/ld+json; charset=utf-8',
  'dump.csv': 'text/csv; charset=utf-8; header=present',
};

const RDF_DUMPS: Record<Exclude<DumpName, 'dump.csv'>, RdfFormat> = {
  'dump.ttl': 'turtle',
  'dump.nt': 'ntriples',
  'dump.jsonld': 'jsonld',
};

export async function dumpBody(graph: Graph, name: DumpName): Promise<string> {
  if (name === 'dump.csv') return tenuresCsv(graph);
  const quads: Quad[] = graph.store.getQuads(null, null, null, null);
  return serialize(RDF_DUMPS[name], quads, { prefixes: graph.prefixes, context: graph.context, base: graph.base });
}

export const CSV_COLUMNS = [
  'tenure',
  'office',
  'office_en',
  'office_zh_hans',
  'ordinal',
  'holder',
  'holder_en',
  'holder_zh_hans',
  'start',
  'start_precision',
  'start_earliest',
  'start_latest',
  'end',
  'end_precision',
  'end_earliest',
  'end_latest',
  'npc_terms',
  'is_current',
  'sources',
] as const;

/** RFC 4180: quote a field when it holds a comma, a quote or a line break; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const PRECISION: Record<string, string> = {
  [`${NS.xsd}date`]: 'day',
  [`${NS.xsd}gYearMonth`]: 'month',
  [`${NS.xsd}gYear`]: 'year',
};

/** One row per tenure: names in both languages, dates exactly as precise as the sources (never padded). */
export function tenuresCsv(graph: Graph): string {
  const { store } = graph;
  const npcsc = `${graph.base}ontology#`;
  const one = (s: string, p: string): Term | undefined => store.getObjects(s, p, null)[0];
  const label = (s: string | undefined, lang: string): string => {
    if (!s) return '';
    const l = store
      .getObjects(s, `${NS.rdfs}label`, null)
      .find((t) => t.termType === 'Literal' && t.language.toLowerCase() === lang);
    return l?.value ?? '';
  };
  const tenures = store
    .getSubjects(`${NS.rdf}type`, `${npcsc}Tenure`, null)
    .map((t) => t.value)
    .sort((a, b) => {
      const oa = one(a, `${npcsc}office`)?.value ?? '';
      const ob = one(b, `${npcsc}office`)?.value ?? '';
      if (oa !== ob) return oa < ob ? 1 : -1; // secretary-general first, then chairperson
      return Number(one(a, `${npcsc}ordinal`)?.value) - Number(one(b, `${npcsc}ordinal`)?.value);
    });
  const rows = [CSV_COLUMNS.join(',')];
  for (const t of tenures) {
    const office = one(t, `${npcsc}office`)?.value;
    const holder = one(t, `${npcsc}holder`)?.value;
    const date = (p: string) => one(t, `${npcsc}${p}`);
    const start = date('startDate');
    const end = date('endDate');
    const terms = store
      .getObjects(t, `${npcsc}npcTerm`, null)
      .map((n) => Number(one(n.value, `${npcsc}termNumber`)?.value ?? Number.NaN))
      .sort((a, b) => a - b)
      .join(' ');
    const sources = store
      .getObjects(t, `${NS.dcterms}source`, null)
      .map((s) => s.value)
      .sort()
      .join(' ');
    const values: Record<(typeof CSV_COLUMNS)[number], string> = {
      tenure: t,
      office: office ?? '',
      office_en: label(office, 'en'),
      office_zh_hans: label(office, 'zh-hans'),
      ordinal: one(t, `${npcsc}ordinal`)?.value ?? '',
      holder: holder ?? '',
      holder_en: label(holder, 'en'),
      holder_zh_hans: label(holder, 'zh-hans'),
      start: start?.value ?? '',
      start_precision: start?.termType === 'Literal' ? (PRECISION[start.datatype.value] ?? '') : '',
      start_earliest: date('startEarliest')?.value ?? '',
      start_latest: date('startLatest')?.value ?? '',
      end: end?.value ?? '',
      end_precision: end?.termType === 'Literal' ? (PRECISION[end.datatype.value] ?? '') : '',
      end_earliest: date('endEarliest')?.value ?? '',
      end_latest: date('endLatest')?.value ?? '',
      npc_terms: terms,
      is_current: one(t, `${npcsc}isCurrent`)?.value ?? '',
      sources,
    };
    rows.push(CSV_COLUMNS.map((c) => csvField(values[c])).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}
