// Property-based fuzzing of content negotiation: arbitrary Accept and Accept-Language (and ?format, ?lang) on every negotiating route. A representation that is offered, a 303, a 404 or a 406; the same answer twice; never a 5xx.
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { fullApp, within } from './support.ts';

const ORIGIN = 'http://127.0.0.1:8080';
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** FUZZ_SCALE multiplies every run count (FUZZ_SCALE=20 for a long hunt). */
const runs = (n: number) => ({
  numRuns: Math.round(n * Number(process.env.FUZZ_SCALE ?? 1)),
  ...(seed === undefined ? {} : { seed }),
});

let app: Hono;
let logged: MockInstance<typeof console.error>;
const statuses = new Map<number, number>();

beforeAll(async () => {
  ({ app } = await fullApp({ publicBase: `${ORIGIN}/` }));
  logged = vi.spyOn(console, 'error');
});
afterAll(() => {
  logged.mockRestore();
  console.log(`negotiation fuzz statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`);
});

const PATHS = [
  '/',
  '/index.zh-Hans.html',
  '/id/person/peng-zhen',
  '/id/office/secretary-general',
  '/id/person/nobody',
  '/doc/person/peng-zhen',
  '/doc/tenure/secretary-general/3',
  '/doc/person/nobody',
  '/ontology',
  '/dataset',
  '/.well-known/void',
  '/sparql',
  `/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`,
  `/sparql?query=${encodeURIComponent('SELECT ?s WHERE { ?s a ?t } LIMIT 3')}`,
  `/sparql?query=${encodeURIComponent('CONSTRUCT WHERE { <id/person/peng-zhen> ?p ?o }')}`,
  '/api/holders',
  '/api/incumbent',
];

/** Every media type a 200 may carry. */
const OFFERED =
  /^(text\/html|text\/turtle|application\/n-triples|application\/ld\+json|application\/rdf\+xml|application\/sparql-results\+(json|xml)|text\/csv|text\/tab-separated-values|application\/json|text\/plain)\b/;

/** A header value a client can send: Latin-1 without control characters but tab. */
const headerText = fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, ''));

const qvalue = fc.oneof(
  fc.constantFrom('1', '0', '0.5', '0.001', '1.000', '1.0001', '-1', '2', 'abc', '', 'NaN', '1e3', '0x1', '.5'),
  fc.double({ min: 0, max: 1, noNaN: true }).map((d) => d.toFixed(3)),
);
const mediaRange = fc
  .tuple(
    fc.constantFrom('text', 'application', 'image', '*', 'TEXT', 'x-unknown', ''),
    fc.constantFrom(
      'html',
      'turtle',
      'ld+json',
      'n-triples',
      'rdf+xml',
      'sparql-results+json',
      'csv',
      'json',
      '*',
      'xhtml+xml',
      'HTML',
      'png',
      '',
    ),
    fc.array(
      fc.oneof(
        qvalue.map((q) => `q=${q}`),
        fc.constantFrom('charset=utf-8', 'level=1', 'profile="x"', 'q', '='),
      ),
      {
        maxLength: 2,
      },
    ),
  )
  .map(([t, s, params]) => [`${t}/${s}`, ...params].join(';'));
const accept = fc.oneof(
  fc.array(mediaRange, { maxLength: 6 }).map((rs) => rs.join(', ')),
  headerText,
  fc.constantFrom(
    '*/*',
    '*',
    '',
    ',,,',
    'text/html;q=0, */*;q=0',
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
  ),
);
const languageRange = fc
  .tuple(
    fc.constantFrom(
      'en',
      'en-GB',
      'zh',
      'zh-Hans',
      'zh-CN',
      'zh-Hant-TW',
      'fr',
      '*',
      'x-klingon',
      'EN',
      'i-default',
      '',
    ),
    fc.option(qvalue, { nil: undefined }),
  )
  .map(([l, q]) => (q === undefined ? l : `${l};q=${q}`));
const acceptLanguage = fc.oneof(
  fc.array(languageRange, { maxLength: 5 }).map((ls) => ls.join(',')),
  headerText,
);
const queryParams = fc.constantFrom(
  '',
  '?format=ttl',
  '?format=jsonld&lang=zh-Hans',
  '?lang=fr',
  '?format=x',
  '?lang=',
);

async function negotiate(path: string, headers: Record<string, string>) {
  const res = await within(
    Promise.resolve(app.request(path, { headers })),
    10_000,
    `${path} ${JSON.stringify(headers)}`,
  );
  const body = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    location: res.headers.get('location'),
    vary: res.headers.get('vary') ?? '',
    body,
  };
}

describe('Content negotiation, asked with arbitrary Accept and Accept-Language', () => {
  it('should answer an offered format, a 303, a 404 or a 406, and the same answer twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        queryParams,
        fc.option(accept, { nil: undefined }),
        fc.option(acceptLanguage, { nil: undefined }),
        async (path, params, a, l) => {
          const url =
            path.includes('?') || path.startsWith('/sparql') || path.startsWith('/api') ? path : `${path}${params}`;
          const headers: Record<string, string> = {};
          if (a !== undefined) headers.accept = a;
          if (l !== undefined) headers['accept-language'] = l;
          const first = await negotiate(url, headers);
          statuses.set(first.status, (statuses.get(first.status) ?? 0) + 1);
          expect([200, 303, 400, 404, 406], `${url} ${JSON.stringify(headers)}: ${first.body.slice(0, 200)}`).toContain(
            first.status,
          );
          // A ?format the site does not know is the client's mistake, told as such.
          if (first.status === 400) expect(`${url} ${first.body}`).toMatch(/format=x .*unknown format "x"/);
          if (first.status === 200) expect(first.type).toMatch(OFFERED);
          if (first.status === 303) expect(first.location?.startsWith(`${ORIGIN}/doc/`)).toBe(true);
          if (first.status === 406) expect(first.body).toMatch(/offered: /);
          if (!url.includes('?')) expect(first.vary || 'none', url).not.toBe('none');
          const again = await negotiate(url, headers);
          expect({ ...again, body: again.body.length }).toEqual({ ...first, body: first.body.length });
          expect(logged).not.toHaveBeenCalled();
        },
      ),
      runs(300),
    );
  });

  it('should read a header of thousands of ranges, and only its first 64', async () => {
    const huge = Array.from({ length: 5_000 }, (_, i) => `application/x-${i};q=0.${i % 10}`).join(', ');
    const langs = Array.from({ length: 5_000 }, (_, i) => `x-${i};q=0.5`).join(',');
    for (const [path, type] of [
      ['/doc/person/peng-zhen', 'text/turtle'],
      ['/sparql?query=ASK%7B%7D', 'application/sparql-results+xml'],
      ['/api/holders', 'text/csv'],
      ['/id/person/peng-zhen', 'text/turtle'],
    ] as const) {
      const res = await negotiate(path, { accept: `${type};q=0.1, ${huge}`, 'accept-language': langs });
      expect([200, 303], path).toContain(res.status);
      // What comes after the 64th range is not read at all.
      const late = await negotiate(path, { accept: `${huge}, ${type}` });
      expect(late.status, path).toBe(406);
    }
  });
});
