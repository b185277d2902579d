// The answers Oxigraph writes itself, as the endpoint sends them: language tags in BCP 47 case, cut at the row and byte caps into a document that still parses.
import { Store } from 'oxigraph';
import { describe, expect, it } from 'vitest';
import { takeWritten } from '../../src/sparql/engine-results.ts';
import { RESULT_MEDIA_TYPES, type ResultFormat } from '../../src/sparql/results.ts';

// Values that look like the places a writer puts a language tag, or a row's end, in each format.
const TRICKY = [
  '"xml:lang":"zh-hans"',
  '<literal xml:lang="zh-hans">',
  'x"@zh-hans\ty',
  'a,b\r\nc "quoted"',
  '},{"s":',
  '</result><result>',
  '秘书长',
];
const store = new Store();
store.load(
  [
    ...TRICKY.map((v, i) => `<http://ex/${i}> <http://ex/v> ${JSON.stringify(v)} .`),
    '<http://ex/t> <http://ex/v> "秘书长"@zh-Hans .',
    '<http://ex/u> <http://ex/v> "Secretary-General"@en-gb .',
  ].join('\n'),
  { format: 'application/n-triples' },
);
const QUERY = 'SELECT ?s ?v WHERE { ?s <http://ex/v> ?v } ORDER BY ?s';
const written = (format: ResultFormat) =>
  store.query(QUERY, { results_format: RESULT_MEDIA_TYPES[format] }) as unknown as string;
const ALL = TRICKY.length + 2;
const FORMATS: ResultFormat[] = ['json', 'xml', 'csv', 'tsv'];

/** The values of ?v in a body, by format (a small reader of each, independent of the code under test). */
function values(format: ResultFormat, body: string): string[] {
  switch (format) {
    case 'json':
      return (JSON.parse(body) as { results: { bindings: { v: { value: string } }[] } }).results.bindings.map(
        (b) => b.v.value,
      );
    case 'xml': {
      expect(body.endsWith('</results></sparql>')).toBe(true);
      const fromXml = (s: string) =>
        s.replace(
          /&(lt|gt|amp|quot|apos);/g,
          (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? '',
        );
      return [...body.matchAll(/<binding name="v"><literal[^>]*>([^<]*)<\/literal>/g)].map((m) => fromXml(m[1] ?? ''));
    }
    case 'csv': {
      const rows: string[][] = [];
      let row: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (quoted && c === '"' && body[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (c === '"') quoted = !quoted;
        else if (!quoted && c === ',') {
          row.push(cell);
          cell = '';
        } else if (!quoted && c === '\r' && body[i + 1] === '\n') {
          row.push(cell);
          rows.push(row);
          row = [];
          cell = '';
          i++;
        } else cell += c;
      }
      expect(cell).toBe('');
      return rows.slice(1).map((r) => r[1] ?? '');
    }
    case 'tsv':
      expect(body.endsWith('\n')).toBe(true);
      return body
        .split('\n')
        .slice(1, -1)
        .map((line) => JSON.parse((line.split('\t')[1] ?? '').replace(/@[A-Za-z-]+$/, '')) as string);
  }
}

describe('An answer Oxigraph wrote', () => {
  it('is sent whole when within both caps, with its language tags in BCP 47 case and every value unchanged', () => {
    for (const format of FORMATS) {
      const taken = takeWritten(format, written(format), 100, 1 << 20);
      expect(taken?.truncated).toBe(false);
      expect(taken?.count).toBe(ALL);
      const body = taken?.body ?? '';
      expect(values(format, body).sort()).toEqual([...TRICKY, '秘书长', 'Secretary-General'].sort());
      if (format !== 'csv') {
        expect(body).toContain('zh-Hans');
        expect(body).toContain('en-GB');
        expect(body).not.toContain('zh-hans"@');
      }
    }
    // A value that only looks like a tag keeps its case.
    expect(takeWritten('json', written('json'), 100, 1 << 20)?.body).toContain('\\"xml:lang\\":\\"zh-hans\\"');
  });

  it('is cut at the row cap into a document of that many rows that still parses', () => {
    for (const format of FORMATS) {
      const taken = takeWritten(format, written(format), 3, 1 << 20);
      expect(taken).toMatchObject({ count: 3, truncated: true });
      expect(taken?.cutBy).toBeUndefined();
      expect(values(format, taken?.body ?? '')).toHaveLength(3);
    }
  });

  it('is cut at the byte cap (UTF-8) after the last row that fits, and says so', () => {
    for (const format of FORMATS) {
      const whole = Buffer.byteLength(takeWritten(format, written(format), 100, 1 << 20)?.body ?? '');
      const maxBytes = whole - 40;
      const taken = takeWritten(format, written(format), 100, maxBytes);
      expect(taken?.cutBy).toBe('bytes');
      expect(taken?.truncated).toBe(true);
      expect(Buffer.byteLength(taken?.body ?? '')).toBeLessThanOrEqual(maxBytes);
      expect(taken?.count).toBeLessThan(ALL);
      expect(values(format, taken?.body ?? '')).toHaveLength(taken?.count ?? -1);
    }
  });

  it('keeps no row at all when even one is past the byte cap, and is still a document', () => {
    const taken = takeWritten('json', written('json'), 100, 60);
    expect(taken?.count).toBe(0);
    expect(JSON.parse(taken?.body ?? '')).toEqual({ head: { vars: ['s', 'v'] }, results: { bindings: [] } });
  });

  it('is refused (the caller writes the answer itself) when it is not laid out as a SELECT answer', () => {
    expect(takeWritten('json', '{"head":{},"boolean":true}', 10, 1000)).toBeUndefined();
    expect(takeWritten('xml', '<sparql><boolean>true</boolean></sparql>', 10, 1000)).toBeUndefined();
    expect(takeWritten('csv', 'true', 10, 1000)).toBeUndefined();
  });
});
