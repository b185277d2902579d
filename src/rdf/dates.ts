// The calendar check: every xsd:date, xsd:gYearMonth and xsd:gYear literal of the inputs is a real day, month or year in the dataset's range.
import type { Quad } from 'n3';
import type { Violation } from './graph.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** The validation source that names this check in reports and in the fixtures' `# expect:` lines. */
export const DATES_CHECK = 'check:calendar-dates';

/**
 * Years a value of this dataset may carry. The earliest fact is a holder's birth in the 1900s and the office
 * dates from 1954; nothing is about the nineteenth century or the next one. Outside this a value is a typo (a
 * lost digit, a fifth digit, a sign), not a fact. Checked by year alone, so a future end date stays possible.
 */
export const DATE_RANGE = { earliest: 1850, latest: 2100 } as const;

/** The months' English names, for messages and pages. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** The lexical forms accepted, one per precision: four-digit years, no sign and no time zone (the reference gives none). */
const FORMS: Record<string, { re: RegExp; shape: string }> = {
  [`${XSD}date`]: { re: /^(\d{4})-(\d{2})-(\d{2})$/, shape: 'YYYY-MM-DD' },
  [`${XSD}gYearMonth`]: { re: /^(\d{4})-(\d{2})$/, shape: 'YYYY-MM' },
  [`${XSD}gYear`]: { re: /^(\d{4})$/, shape: 'YYYY' },
};

/** Why `lexical` is not a value of `datatype` this dataset can hold, or undefined when it is one (or not a date type). */
export function calendarProblem(lexical: string, datatype: string): string | undefined {
  const form = FORMS[datatype];
  if (!form) return undefined;
  const type = `xsd:${datatype.slice(XSD.length)}`;
  const m = form.re.exec(lexical);
  if (!m) {
    if (/(Z|[+-]\d{2}:\d{2})$/.test(lexical) && form.re.test(lexical.replace(/(Z|[+-]\d{2}:\d{2})$/, ''))) {
      return `${type} "${lexical}" carries a time zone; the sources give none, so the dataset's dates have none`;
    }
    if (/^-/.test(lexical)) return `${type} "${lexical}" has a negative year`;
    if (/^\d{5,}/.test(lexical)) return `${type} "${lexical}" has a year of more than four digits`;
    return `${type} "${lexical}" is not of the form ${form.shape}`;
  }
  const year = Number(m[1]);
  if (year < DATE_RANGE.earliest || year > DATE_RANGE.latest) {
    return `${type} "${lexical}": the year ${m[1]} is outside the dataset's range ${DATE_RANGE.earliest}-${DATE_RANGE.latest}`;
  }
  if (m[2] === undefined) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return `${type} "${lexical}": there is no month ${m[2]}`;
  if (m[3] === undefined) return undefined;
  const day = Number(m[3]);
  const last = daysIn(year, month);
  if (day < 1 || day > last) {
    return `${type} "${lexical}": ${MONTHS[month - 1]} ${year} has days 01-${last}, not ${m[3]}`;
  }
  return undefined;
}

/** A violation for every date literal of `quads` (read from `file`) that is no real day, month or year. */
export function checkDates(quads: Iterable<Quad>, file: string): Violation[] {
  const out: Violation[] = [];
  for (const q of quads) {
    if (q.object.termType !== 'Literal') continue;
    const problem = calendarProblem(q.object.value, q.object.datatype.value);
    if (problem === undefined) continue;
    out.push({
      source: DATES_CHECK,
      severity: 'violation',
      focus: q.subject.value,
      path: q.predicate.value,
      value: q.object.value,
      file,
      message: `${file}: ${problem}`,
    });
  }
  return out;
}
