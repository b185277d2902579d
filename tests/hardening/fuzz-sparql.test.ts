// Property-based fuzzing of /sparql: generated queries, mutated example queries, arbitrary parameters, bodies and methods. Always a 2xx or 4xx (or the documented 503 of the time limit), never a 500, a crash or a hang.
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { loadStoredQueries } from '../../src/sparql/stored.ts';
import { fullApp, within } from './support.ts';

const TIMEOUT_MS = 3_000;
/** FUZZ_SEED replays a failing run (fast-check prints the seed and path of every failure). */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** FUZZ_SCALE multiplies every run count (FUZZ_SCALE=20 for a long hunt). */
const runs = (n: number) => ({
  numRuns: Math.round(n * Number(process.env.FUZZ_SCALE ?? 1)),
  ...(seed === undefined ? {} : { seed }),
});

let app: Hono;
let graph: Graph;
let logged: MockInstance<typeof console.error>;
const statuses = new Map<number, number>();

beforeAll(async () => {
  ({ app, graph } = await fullApp({ limits: { timeoutMs: TIMEOUT_MS } }));
  logged = vi.spyOn(console, 'error');
});
afterAll(() => {
  logged.mockRestore();
  console.log(`/sparql fuzz statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`);
});

/** Sends the request, and holds the answer to the property: no 5xx but the time limit's, no hang, no log. */
async function check(path: string, init: RequestInit = {}): Promise<void> {
  const res = await within(
    Promise.resolve(app.request(path, init)),
    // A hang, not a slow answer: a loaded machine answers late.
    TIMEOUT_MS + 30_000,
    `${init.method ?? 'GET'} ${path.slice(0, 200)}`,
  );
  const body = init.method === 'HEAD' ? '' : await res.text();
  if (process.env.FUZZ_DEBUG) console.log(res.status, path.slice(0, 400), body.slice(0, 200));
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const limit = res.status === 503 && /exceeded the execution time limit/.test(body);
  if (!(res.status >= 200 && res.status < 500) && !limit) {
    throw new Error(`${res.status} for ${init.method ?? 'GET'} ${path.slice(0, 300)}: ${body.slice(0, 300)}`);
  }
  expect(logged).not.toHaveBeenCalled();
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const get = (query: string, accept?: string) =>
  // A lone surrogate cannot be percent-encoded (URIError in the client, before any request): send U+FFFD.
  check(
    `/sparql?query=${encodeURIComponent(query.replace(LONE_SURROGATE, '\uFFFD'))}`,
    accept ? { headers: { accept } } : {},
  );
const post = (query: string) =>
  check('/sparql', { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: query });

// ---------------------------------------------------------------- generated queries

const PREFIXES = `PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX npcsc: <ontology#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
`;

const iri = fc.constantFrom(
  '<id/person/peng-zhen>',
  '<id/office/secretary-general>',
  '<id/tenure/secretary-general/3>',
  '<id/org/npcsc>',
  'rdfs:label',
  'npcsc:holder',
  'npcsc:office',
  'npcsc:startDate',
  'schema:name',
  'a',
  '<http://example.org/nothing>',
  '<urn:x:y>',
  '<>',
  '<#frag>',
  '<file:///etc/passwd>',
  '<http://[::1]/x>',
  '<ontology#Tenure>',
);
/** Text of any kind, written as a SPARQL string literal (JSON's escapes are SPARQL's, mostly: the rest is a 400). */
const text = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s));
const literal = fc.oneof(
  text,
  fc.tuple(text, fc.constantFrom('en', 'zh-Hans', 'x-weird-tag', 'EN')).map(([t, l]) => `${t}@${l}`),
  fc
    .tuple(text, fc.constantFrom('xsd:integer', 'xsd:date', 'xsd:dateTime', 'xsd:gYear', 'xsd:double'))
    .map(([t, d]) => `${t}^^${d}`),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential()),
  fc.constantFrom('true', 'false', '"1954-09-27"^^xsd:date', '"-0"^^xsd:decimal', '"99999999999999999999999"'),
);
const variable = fc.constantFrom('?s', '?p', '?o', '?x', '?label', '?n');
/** An IRI where a subject or object goes (`a` only stands for rdf:type as a predicate). */
const noun = iri.filter((i) => i !== 'a');

const FUNCTIONS1 = [
  'STR',
  'LANG',
  'UCASE',
  'LCASE',
  'STRLEN',
  'ABS',
  'CEIL',
  'ROUND',
  'isIRI',
  'isLiteral',
  'isBlank',
  'isNumeric',
  'DATATYPE',
  'ENCODE_FOR_URI',
  'MD5',
  'SHA256',
  'YEAR',
  'MONTH',
  'xsd:integer',
  'xsd:dateTime',
  'xsd:double',
  'IRI',
  'BNODE',
  'BOUND',
];
const FUNCTIONS2 = [
  'LANGMATCHES',
  'CONTAINS',
  'STRSTARTS',
  'STRBEFORE',
  'SUBSTR',
  'STRDT',
  'STRLANG',
  'sameTerm',
  'COALESCE',
  'CONCAT',
  'REGEX',
];
const OPERATORS = ['=', '!=', '<', '>=', '+', '-', '*', '/', '&&', '||'];

const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variable,
    literal,
    noun,
    fc.tuple(fc.constantFrom(...FUNCTIONS1), tie('expression')).map(([f, a]) => `${f}(${a})`),
    fc
      .tuple(fc.constantFrom(...FUNCTIONS2), tie('expression'), tie('expression'))
      .map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc
      .tuple(tie('expression'), fc.constantFrom(...OPERATORS), tie('expression'))
      .map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(tie('expression'), tie('expression'), tie('expression')).map(([a, b, c]) => `IF(${a}, ${b}, ${c})`),
    fc
      .tuple(variable, fc.string({ maxLength: 12 }), fc.constantFrom('', 'i', 'x', 's', 'q', 'zz'))
      .map(([v, p, f]) => `REGEX(STR(${v}), ${JSON.stringify(p)}, "${f}")`),
    fc.tuple(variable, iri).map(([v, p]) => `EXISTS { ${v} ${p} ?e }`),
  ),
}));

/**
 * A group of at most three triple patterns joined on their subject (so that no pattern makes a cross product:
 * the point is what the endpoint does with odd queries, not how long a join takes), with filters, optionals,
 * unions, binds, values and paths.
 */
const group = fc
  .tuple(
    fc.array(
      fc.tuple(fc.option(noun, { nil: undefined }), fc.oneof(iri, variable), fc.oneof(variable, literal, noun)),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    fc.array(
      fc.oneof(
        expression.map((e) => `FILTER (${e})`),
        fc.tuple(expression, variable).map(([e, v]) => `BIND (${e} AS ${v.replace('?', '?b_')})`),
        fc.tuple(iri, variable).map(([p, v]) => `OPTIONAL { ?s ${p} ${v} }`),
        fc.tuple(iri, iri).map(([p, q]) => `{ ?s ${p} ?u } UNION { ?s ${q} ?u }`),
        fc.tuple(iri, iri).map(([p, q]) => `MINUS { ?s ${p} ${q} }`),
        fc
          .array(fc.oneof(literal, noun, fc.constant('UNDEF')), { maxLength: 4 })
          .map((vs) => `VALUES ?v { ${vs.join(' ')} }`),
        fc.constantFrom(
          '<id/person/peng-zhen> (^npcsc:holder/npcsc:office)* ?w .',
          '<id/office/secretary-general> (npcsc:office|^npcsc:office)+ ?w .',
          '?s !(rdfs:label|a) ?w .',
          '<id/person/peng-zhen> rdfs:label?/schema:name* ?w .',
        ),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([patterns, extras]) => {
    const lines = patterns.map(([s, p, o]) => `${s ?? '?s'} ${p} ${o} .`);
    return `{ ${[...lines, ...extras].join('\n  ')} }`;
  });

const modifiers = fc
  .tuple(
    fc.option(fc.constantFrom('ORDER BY ?s', 'ORDER BY DESC(?o)', 'ORDER BY (STRLEN(STR(?o)))'), { nil: '' }),
    fc.option(
      fc.oneof(fc.nat(50), fc.constantFrom(0, 2147483648, 99999999999999)).map((n) => `LIMIT ${n}`),
      {
        nil: '',
      },
    ),
    fc.option(
      fc.oneof(fc.nat(20), fc.constant(99999999999999)).map((n) => `OFFSET ${n}`),
      { nil: '' },
    ),
  )
  .map((m) => m.join(' '));

const generated = fc
  .tuple(
    fc.constantFrom(
      'SELECT *',
      'SELECT DISTINCT ?s ?o',
      'SELECT REDUCED ?o',
      'SELECT (COUNT(*) AS ?c)',
      'ASK',
      'CONSTRUCT { ?s ?p ?o }',
      'CONSTRUCT',
      'DESCRIBE ?s',
      'DESCRIBE <id/person/peng-zhen>',
      'SELECT ?s (GROUP_CONCAT(STR(?o); SEPARATOR="|") AS ?g) (SAMPLE(?o) AS ?one)',
      'SELECT (MAX(?o) AS ?m) (SUM(?o) AS ?t)',
    ),
    group,
    modifiers,
    // Mostly with the prefixes declared: without them nearly every query is a 400 for an unknown prefix.
    fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  )
  .map(([head, where, mods, prefixed]) => {
    const grouped = head.includes('GROUP_CONCAT') ? ' GROUP BY ?s' : '';
    // CONSTRUCT WHERE takes only a basic graph pattern; whatever else the generator made is a 400, also fine.
    const body = head === 'CONSTRUCT' ? `WHERE ${where}` : `WHERE ${where}${grouped}`;
    return `${prefixed ? PREFIXES : ''}${head} ${body} ${mods}`;
  });

// ---------------------------------------------------------------- mutated queries

let seeds: string[] = [];
const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '.',
  ';',
  ',',
  '?',
  '$',
  '<',
  '>',
  '"',
  "'",
  '"""',
  '#',
  '\\',
  '^^',
  '@',
  '*',
  '|',
  'SELECT',
  'WHERE',
  'FILTER',
  'OPTIONAL',
  'UNION',
  'GRAPH',
  'SERVICE',
  'SILENT',
  'VALUES',
  'BIND',
  'AS',
  'FROM',
  'NAMED',
  'INSERT',
  'DELETE',
  'DATA',
  'LOAD',
  'CLEAR',
  'DROP ALL',
  'ORDER BY',
  'LIMIT',
  'OFFSET',
  'GROUP BY',
  'HAVING',
  'REGEX',
  'NOT EXISTS',
  'MINUS',
  'a',
  '\u0000',
  '\uFFFD',
  '\u202E',
  '𝔘',
  '\uD800',
  '\n',
  '\t',
  '%00',
  '1e999999',
  '-0',
  'UNDEF',
  '<http://127.0.0.1:9/>',
  '<file:///etc/passwd>',
];

type Mutation = { at: number; kind: 'delete' | 'insert' | 'duplicate' | 'swap'; size: number; token: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  kind: fc.constantFrom('delete', 'insert', 'duplicate', 'swap'),
  size: fc.integer({ min: 1, max: 30 }),
  token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 5 })),
});

function mutate(text: string, ms: Mutation[]): string {
  let out = text;
  for (const m of ms) {
    const at = Math.floor(m.at * out.length);
    switch (m.kind) {
      case 'delete':
        out = out.slice(0, at) + out.slice(at + m.size);
        break;
      case 'insert':
        out = `${out.slice(0, at)} ${m.token} ${out.slice(at)}`;
        break;
      case 'duplicate':
        out = out.slice(0, at + m.size) + out.slice(at, at + m.size) + out.slice(at + m.size);
        break;
      case 'swap':
        out =
          out.slice(0, at) +
          out.slice(at + m.size, at + 2 * m.size) +
          out.slice(at, at + m.size) +
          out.slice(at + 2 * m.size);
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- the properties

describe('/sparql, sent generated queries', () => {
  it('should answer every one with a 2xx or a 4xx, by GET and by POST', async () => {
    await fc.assert(
      fc.asyncProperty(generated, fc.boolean(), async (query, byPost) => (byPost ? post(query) : get(query))),
      runs(100),
    );
  });
});

describe('/sparql, sent what this fuzzer once found', () => {
  it('should refuse a second BIND to the same variable with 400, not fail with a 500', async () => {
    const res = await app.request(
      `/sparql?query=${encodeURIComponent('SELECT * WHERE { BIND (1 AS ?x) BIND (2 AS ?x) }')}`,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/variable 'x' that has already been bound/);
  });
});

describe('/sparql, sent mutations of the example queries', () => {
  beforeAll(() => {
    seeds = loadStoredQueries(PROJECT_ROOT, graph.base).map((s) => s.file.text);
    expect(seeds.length).toBeGreaterThan(5);
  });

  it('should answer every mutant with a 2xx or a 4xx (a syntax error names where it is)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(undefined, 'text/csv', 'application/sparql-results+xml', 'text/turtle', 'application/ld+json'),
        async (n, ms, accept) => get(mutate(seeds[n % seeds.length] ?? '', ms), accept),
      ),
      runs(100),
    );
  });
});

describe('/sparql, sent arbitrary parameters', () => {
  const NAMES = [
    'query',
    'update',
    'default-graph-uri',
    'named-graph-uri',
    'using-graph-uri',
    'format',
    'output',
    'timeout',
    'callback',
    '',
    'query[]',
    'QUERY',
    '__proto__',
    'constructor',
  ];
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom('ASK {}', 'SELECT * WHERE { ?s ?p ?o } LIMIT 1', 'http://127.0.0.1:9/g', 'file:///etc/passwd'),
  );
  const rawTail = fc.constantFrom(
    '',
    '&query',
    '&query=',
    '&=',
    '&&&',
    '&%ZZ=1',
    '&query=%C0%AF',
    '&query=%ED%A0%80',
    '&query=%',
    '&query=%2',
    '&query=%00',
    '#frag',
    '&query=A%20B%zz',
  );

  it('should refuse or answer them, never fail', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), value), { maxLength: 5 }),
        rawTail,
        async (params, tail) => {
          const qs = new URLSearchParams(params).toString();
          await check(`/sparql?${qs}${tail}`);
        },
      ),
      runs(120),
    );
  });

  it('should refuse or answer any body of any content type sent by any method', async () => {
    const TYPES = [
      'application/sparql-query',
      'application/x-www-form-urlencoded',
      'application/sparql-update',
      'text/plain',
      'application/json',
      'multipart/form-data; boundary=x',
      '',
      'application/sparql-query; charset=latin1',
      'application/x-www-form-urlencoded; charset="utf-8"',
      'APPLICATION/SPARQL-QUERY',
      ';;;',
      'application/sparql-query;charset',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'GET'),
        fc.oneof(
          fc.constantFrom(...TYPES),
          fc.string({ maxLength: 30 }).filter((s) => !/[\r\n\0]/.test(s)),
        ),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          generated.map((q) => new TextEncoder().encode(q)),
          fc
            .tuple(generated, fc.constantFrom('query=', 'update=', 'query=&query='))
            .map(([q, k]) => new TextEncoder().encode(`${k}${encodeURIComponent(q)}`)),
        ),
        async (method, type, body) => {
          const headers: Record<string, string> = type ? { 'content-type': type } : {};
          await check('/sparql', { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
        },
      ),
      runs(120),
    );
  });
});
