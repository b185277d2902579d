// Dates between our precision-typed literals and Wikidata's time values, at the precision each side knows.
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { NS } from '../../src/rdf/ns.ts';
import { agrees, fromLiteral, fromWikidata, toIso, toXsdDateTime } from '../../src/wikidata/time.ts';

const lit = (v: string, t: string) => DataFactory.literal(v, DataFactory.namedNode(`${NS.xsd}${t}`));

describe('A date of ours', () => {
  it('keeps its precision: day 11, month 10, year 9', () => {
    expect(fromLiteral(lit('1954-09-27', 'date'))).toEqual({ year: 1954, month: 9, day: 27, precision: 11 });
    expect(fromLiteral(lit('1965-01', 'gYearMonth'))).toEqual({ year: 1965, month: 1, precision: 10 });
    expect(fromLiteral(lit('1988', 'gYear'))).toEqual({ year: 1988, precision: 9 });
    expect(fromLiteral(lit('1988', 'string'))).toBeUndefined();
  });

  it('is written in Wikidata RDF as a dateTime padded to the first, its precision kept beside it', () => {
    expect(toXsdDateTime({ year: 1965, month: 1, precision: 10 })).toBe('1965-01-01T00:00:00Z');
    expect(toIso({ year: 1965, month: 1, precision: 10 })).toBe('1965-01');
  });
});

describe('A Wikidata time', () => {
  it('is cut to its precision', () => {
    expect(fromWikidata('+1957-09-00T00:00:00Z', 10)).toEqual({ year: 1957, month: 9, precision: 10 });
    expect(fromWikidata('+1902-10-12T00:00:00Z', 11)).toEqual({ year: 1902, month: 10, day: 12, precision: 11 });
    expect(fromWikidata('+1900-00-00T00:00:00Z', 7)).toBeUndefined();
  });

  it('agrees with ours as far as both know, and only so far', () => {
    const month = { year: 1965, month: 1, precision: 10 } as const;
    expect(agrees(month, { year: 1965, month: 1, day: 3, precision: 11 })).toBe(true);
    expect(agrees(month, { year: 1965, precision: 9 })).toBe(true);
    expect(agrees(month, { year: 1965, month: 2, day: 1, precision: 11 })).toBe(false);
  });
});
