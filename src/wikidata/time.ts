// Dates between our precision-typed literals (xsd:date, xsd:gYearMonth, xsd:gYear) and Wikidata time values.
import type * as RDF from '@rdfjs/types';
import { NS } from '../rdf/ns.ts';

/** Wikidata's precision codes: 11 day, 10 month, 9 year (coarser ones are not used by our data). */
export type Precision = 9 | 10 | 11;

/** A date at a precision: month and day are present exactly as far as the precision reaches. */
export interface WdDate {
  year: number;
  month?: number;
  day?: number;
  precision: Precision;
}

const PRECISION_OF: Record<string, Precision> = {
  [`${NS.xsd}date`]: 11,
  [`${NS.xsd}gYearMonth`]: 10,
  [`${NS.xsd}gYear`]: 9,
};

/** Our literal as a WdDate, or undefined when it is not one of the three date datatypes. */
export function fromLiteral(term: RDF.Term | undefined): WdDate | undefined {
  if (term?.termType !== 'Literal') return undefined;
  const precision = PRECISION_OF[(term as RDF.Literal).datatype.value];
  const m = /^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(term.value);
  if (!precision || !m?.[1]) return undefined;
  return cut({ year: Number(m[1]), month: Number(m[2] ?? 0), day: Number(m[3] ?? 0), precision });
}

/** A Wikidata time value (`+1954-09-27T00:00:00Z`, precision) as a WdDate; coarser than a year is undefined. */
export function fromWikidata(time: string, precision: number): WdDate | undefined {
  const m = /^([+-]\d+)-(\d{2})-(\d{2})T/.exec(time);
  if (!m?.[1] || precision < 9) return undefined;
  const p = Math.min(precision, 11) as Precision;
  return cut({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), precision: p });
}

function cut(d: { year: number; month: number; day: number; precision: Precision }): WdDate {
  if (d.precision === 9) return { year: d.year, precision: 9 };
  if (d.precision === 10) return { year: d.year, month: d.month, precision: 10 };
  return { year: d.year, month: d.month, day: d.day, precision: 11 };
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
const sign = (y: number): string => (y < 0 ? '-' : '+');

/** ISO text at the date's own precision: 1954-09-27, 1965-01, 1988. */
export function toIso(d: WdDate): string {
  const y = `${d.year < 0 ? '-' : ''}${pad(d.year, 4)}`;
  if (d.precision === 9) return y;
  if (d.precision === 10) return `${y}-${pad(d.month ?? 1)}`;
  return `${y}-${pad(d.month ?? 1)}-${pad(d.day ?? 1)}`;
}

/** QuickStatements v1 time: `+1954-09-27T00:00:00Z/11`, `+1965-01-00T00:00:00Z/10`, `+1988-00-00T00:00:00Z/9`. */
export function toQuickStatements(d: WdDate): string {
  return `${sign(d.year)}${pad(d.year, 4)}-${pad(d.month ?? 0)}-${pad(d.day ?? 0)}T00:00:00Z/${d.precision}`;
}

/**
 * The simple value Wikidata's RDF gives a time (an xsd:dateTime, padded to the first of the month or year);
 * the precision travels beside it in the full value node, so no information is invented.
 */
export function toXsdDateTime(d: WdDate): string {
  const y = `${d.year < 0 ? '-' : ''}${pad(d.year, 4)}`;
  return `${y}-${pad(d.month ?? 1)}-${pad(d.day ?? 1)}T00:00:00Z`;
}

/** The two dates cut to the coarser of their precisions. */
export function atCommonPrecision(a: WdDate, b: WdDate): [WdDate, WdDate] {
  const p = Math.min(a.precision, b.precision) as Precision;
  const c = (d: WdDate) => cut({ year: d.year, month: d.month ?? 0, day: d.day ?? 0, precision: p });
  return [c(a), c(b)];
}

/** Equal as far as both know: 1965-01 and 1965-01-03 agree; 1965-01 and 1965-02 do not. */
export function agrees(a: WdDate, b: WdDate): boolean {
  const [x, y] = atCommonPrecision(a, b);
  return toIso(x) === toIso(y);
}
