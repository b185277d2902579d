// Dates at their precision: xsd:date is a day, xsd:gYearMonth a month, xsd:gYear a year; never padded to a day.
import type { Term } from 'n3';
import { MONTHS } from '../rdf/dates.ts';
import { NS } from '../rdf/ns.ts';
import type { Lang } from './formats.ts';

export type Precision = 'day' | 'month' | 'year';

export interface DateValue {
  /** The lexical form as the data gives it: 1954-09-27, 1965-01, 1988. */
  lexical: string;
  precision: Precision;
  y: number;
  m?: number;
  d?: number;
}

const PRECISION_BY_TYPE: Record<string, Precision> = {
  [`${NS.xsd}date`]: 'day',
  [`${NS.xsd}gYearMonth`]: 'month',
  [`${NS.xsd}gYear`]: 'year',
};

/** Reads a date literal of any of the three precisions; undefined for anything else. */
export function parseDate(t: Term | undefined): DateValue | undefined {
  if (t?.termType !== 'Literal') return undefined;
  const precision = PRECISION_BY_TYPE[t.datatype.value];
  if (!precision) return undefined;
  const m = /^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(t.value);
  if (!m?.[1]) return undefined;
  return {
    lexical: t.value,
    precision,
    y: Number(m[1]),
    ...(m[2] ? { m: Number(m[2]) } : {}),
    ...(m[3] ? { d: Number(m[3]) } : {}),
  };
}

const DAY_MS = 86_400_000;

/** Milliseconds of the first and of the last day a date can denote (UTC midnight). */
export function spanOf(v: DateValue): { first: number; last: number } {
  const first = Date.UTC(v.y, (v.m ?? 1) - 1, v.d ?? 1);
  let last: number;
  if (v.precision === 'day') last = first;
  else if (v.precision === 'month') last = Date.UTC(v.y, v.m ?? 1, 1) - DAY_MS;
  else last = Date.UTC(v.y + 1, 0, 1) - DAY_MS;
  return { first, last };
}

/** A date as a reader writes it, at exactly its precision: "27 September 1954", "1965年1月", "1988". */
export function formatDate(v: DateValue, lang: Lang): string {
  if (lang === 'zh-Hans') {
    if (v.precision === 'year') return `${v.y}年`;
    if (v.precision === 'month') return `${v.y}年${v.m}月`;
    return `${v.y}年${v.m}月${v.d}日`;
  }
  if (v.precision === 'year') return String(v.y);
  const month = MONTHS[(v.m ?? 1) - 1] ?? '';
  if (v.precision === 'month') return `${month} ${v.y}`;
  return `${v.d} ${month} ${v.y}`;
}

/** Formats a day given in milliseconds (bounds of a window are always days). */
export function formatDay(ms: number, lang: Lang): string {
  const d = new Date(ms);
  return formatDate(
    {
      lexical: d.toISOString().slice(0, 10),
      precision: 'day',
      y: d.getUTCFullYear(),
      m: d.getUTCMonth() + 1,
      d: d.getUTCDate(),
    },
    lang,
  );
}

/** The ISO form of a day in milliseconds. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
