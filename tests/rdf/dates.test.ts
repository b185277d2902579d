// The calendar check on lexical forms: real days, months and years of the dataset's range pass, nothing else does.
import { describe, expect, it } from 'vitest';
import { calendarProblem } from '../../src/rdf/dates.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

describe('A date literal', () => {
  it.each([
    ['1954-09-27', 'date'],
    ['1956-02-29', 'date'],
    ['2000-02-29', 'date'],
    ['1965-01-31', 'date'],
    ['1965-01', 'gYearMonth'],
    ['1965-12', 'gYearMonth'],
    ['1902', 'gYear'],
  ])('%s (xsd:%s) is a real value', (lexical, type) => {
    expect(calendarProblem(lexical, `${XSD}${type}`)).toBeUndefined();
  });

  it.each([
    ['1902-13-45', 'date', /no month 13/],
    ['1990-02-30', 'date', /February 1990 has days 01-28, not 30/],
    ['1900-02-29', 'date', /February 1900 has days 01-28/],
    ['1954-09-31', 'date', /September 1954 has days 01-30, not 31/],
    ['1954-09-00', 'date', /not 00/],
    ['1903-00', 'gYearMonth', /no month 00/],
    ['1954-09-27Z', 'date', /time zone/],
    ['1954-09-27+08:00', 'date', /time zone/],
    ['1954-09+08:00', 'gYearMonth', /time zone/],
    ['-1903', 'gYear', /negative year/],
    ['19030', 'gYear', /more than four digits/],
    ['1066', 'gYear', /outside the dataset's range/],
    ['1954-9-27', 'date', /not of the form YYYY-MM-DD/],
    ['1954-09-27T00:00:00', 'date', /not of the form/],
  ])('%s (xsd:%s) is refused with its reason', (lexical, type, reason) => {
    expect(calendarProblem(lexical, `${XSD}${type}`)).toMatch(reason);
  });

  it('of another datatype is not this check’s business', () => {
    expect(calendarProblem('2026-12-02T10:00:00Z', `${XSD}dateTime`)).toBeUndefined();
    expect(calendarProblem('1902-13-45', `${XSD}string`)).toBeUndefined();
  });
});
