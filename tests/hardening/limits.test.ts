// Walks README.md's "Limits and guarantees" table row by row: each limit a client can reach is crossed here, by GET and by POST, with the table's own numbers, status and message; each other row names the test that holds it; every default is the code's.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Config, DEFAULT_LIMITS, makeConfig, PROJECT_ROOT, WIKIDATA_QUERY_SERVICE } from '../../src/config.ts';
import { DOCUMENT_CACHE_BYTES } from '../../src/publish/publisher.ts';
import { ResponseCache } from '../../src/publish/respond.ts';
import { RECONCILE_LIMITS } from '../../src/reconcile/service.ts';
import { SEARCH_LIMITS } from '../../src/search/search.ts';
import { type Listener, listen, SOCKET_LIMITS } from '../../src/server.ts';
import { AnswerCache } from '../../src/sparql/cache.ts';
import {
  clientShare,
  MAX_START_FAILURES,
  memoryMessage,
  OXIGRAPH_THREADS,
  QueryPool,
  RECYCLE_GROWTH_BYTES,
} from '../../src/sparql/pool.ts';
import { FORM, SPARQL_QUERY } from '../../src/sparql/protocol.ts';
import { fullApp, type RawResponse, rawGet, rawRequest, sleep } from './support.ts';

// ---------------------------------------------------------------------------------------------------------------
// The table, read when the test runs: the README cannot promise one thing while this file tests another.

interface Row {
  limit: string;
  default: string;
  where: string;
  past: string;
}

function readLimitsTable(): Map<string, Row> {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Limits and guarantees\n');
  if (start < 0) throw new Error('README.md has no "## Limits and guarantees" section');
  const end = readme.indexOf('\n## ', start + 1);
  const lines = readme
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('|'));
  const [head, rule, ...body] = lines;
  if (head?.replace(/\s+/g, ' ') !== '| limit | default | where | past it |' || !rule?.startsWith('|---')) {
    throw new Error(`README.md's limits table no longer has the columns limit | default | where | past it: ${head}`);
  }
  const rows = new Map<string, Row>();
  for (const line of body) {
    // No cell holds a pipe, so the columns are what lies between " | ".
    const cells = line
      .replace(/^\|\s*/, '')
      .replace(/\s*\|$/, '')
      .split(/\s+\|\s+/);
    const [limit, dflt, where, past] = cells;
    if (cells.length !== 4 || !limit || !dflt || !where || !past) throw new Error(`not a row of four cells: ${line}`);
    rows.set(limit, { limit, default: dflt, where, past });
  }
  return rows;
}

const TABLE = readLimitsTable();

function row(limit: string): Row {
  const r = TABLE.get(limit);
  if (!r) throw new Error(`README.md's limits table has no row "${limit}"`);
  return r;
}

const UNIT: Record<string, number> = { KiB: 1024, MiB: 1024 * 1024, ms: 1, s: 1000 };

/** The numbers of a cell in order, sizes in bytes and times in ms: "64 KiB" is 65,536, "10 s" 10,000. */
function quantities(cell: string): number[] {
  return [...cell.matchAll(/(\d{1,3}(?:,\d{3})+|\d+)(?:\s*(KiB|MiB|ms|s)\b)?/g)].map(
    ([, n = '', unit]) => Number(n.replace(/,/g, '')) * (unit === undefined ? 1 : (UNIT[unit] ?? 1)),
  );
}

/** The limit a row's "default" column states: its first number. */
function limitOf(limit: string): number {
  const [n] = quantities(row(limit).default);
  if (n === undefined) throw new Error(`the "${limit}" row states no number`);
  return n;
}

/** The status a row's "past it" column states first (or the one `before` introduces, as in "refused (400)"). */
function statusOf(limit: string, before = ''): number {
  const m = new RegExp(`${before}\\b([1-5]\\d\\d)\\b`).exec(row(limit).past);
  if (!m) throw new Error(`the "${limit}" row states no status after "${before}"`);
  return Number(m[1]);
}

/** The message a row's "past it" column quotes (`… N …`), with the limit for N. */
function said(limit: string, n: number): string {
  const quoted = [...row(limit).past.matchAll(/`([^`]*)`/g)].map((m) => m[1] ?? '').find((q) => /\bN\b/.test(q));
  if (quoted === undefined) throw new Error(`the "${limit}" row quotes no message with N in it`);
  return quoted.replace(/\bN\b/, String(n));
}

// ---------------------------------------------------------------------------------------------------------------
// Which row is tested where.

/** Rows whose limits this file crosses itself, each in a describe below. */
const HERE = [
  'query length',
  'request body',
  'result rows / triples',
  'graphs in one protocol dataset',
  'request headers (size)',
  'idle keep-alive',
  'idle query threads',
  'start-up',
  'SERVICE targets',
  'FROM, FROM NAMED, IRIs in queries, JSON-LD contexts',
  'reconciliation batch',
  'reconciliation query text, properties, candidates',
  'reconciliation request body',
  'data extension',
  'search query',
];

/**
 * Rows another test holds, and the titles there that hold them (checked below to be still in that file). Each costs
 * what this file cannot spend at the README's default: seconds of a loaded machine (a 16 MiB answer takes about 4 s
 * of the 10 s query limit on two cores; a 10 s query; a 10 s or 60 s slow client), a 512 MiB heap, eight query
 * threads kept busy, a process to signal, a store to take down, or the Wikidata tool (no HTTP limit of the server).
 * Those tests meet the limit at a small value of their own or in a server process; this file checks that the
 * README's default is the code's (see "The table's defaults" below).
 */
const ELSEWHERE: Record<string, { file: string; holds: string[] }> = {
  // Cut and signalled at a 4,000-byte cap in every format, over the memory and the Oxigraph store. Not held
  // anywhere: the remote store's and the stored queries' byte cap.
  'answer size': {
    file: 'tests/hardening/memory.test.ts',
    holds: ['An answer larger than the byte cap, over the $kind store', 'should be cut to fit and say so'],
  },
  // At 192 MiB: the 503 says memoryMessage(192); the runner is replaced; another client is answered meanwhile.
  'memory of one query': {
    file: 'tests/hardening/memory.test.ts',
    holds: ['should get a 503 naming the limit, its thread replaced, while another client is answered'],
  },
  // At 1 s: the 503 with the reason, the engine stopped, the next query answered.
  'query execution time': {
    file: 'tests/sparql/safety.test.ts',
    holds: [
      'should stop a query that would run for hours at its limit, with a clear error, answering another meanwhile',
    ],
  },
  'queries running at once': {
    file: 'tests/hardening/overload.test.ts',
    holds: ['should answer its limit, turn the rest away with 503 and Retry-After, and log nothing'],
  },
  'query slots one client holds': {
    file: 'tests/hardening/fair-slots.test.ts',
    holds: [
      "should answer another client's small uncached queries at least 9 times in 10, and tell the flooder its share",
    ],
  },
  'SPARQL answer cache': {
    file: 'tests/sparql/parse.test.ts',
    holds: [
      'should drop the least recently used entry first when full',
      'should stay within its bytes, each answer counted for its key, text, headers and ETag',
      'should count text outside Latin-1 at two bytes a character, as V8 holds it',
      'should keep a query of 20,000 characters under its hash, counted for what is kept',
    ],
  },
  'rendered documents': {
    file: 'tests/publish/memory.test.ts',
    holds: ['should stay within a small budget while every document is rendered, the least recently used going first'],
  },
  'prepared document responses': {
    file: 'tests/publish/memory.test.ts',
    holds: [
      'should let the oldest go past its entry limit, keeping the newest',
      'should let the oldest go past its byte limit, and never keep one entry over an eighth of it',
    ],
  },
  "a query thread's memory": {
    file: 'tests/sparql/threads.test.ts',
    holds: ['is replaced after that query, a minimum thread included, and its replacement answers'],
  },
  'query threads that fail to start': {
    file: 'tests/sparql/threads.test.ts',
    holds: ['starts a bounded number of them, logs the reason, and answers 503 without a loop'],
  },
  // At the default 10 s, against `npcsc-kg serve` (and at 600 ms in tests/hardening/sockets.test.ts).
  'request headers (time)': {
    file: 'tests/hardening/process.test.ts',
    holds: ['should cut a client that sends half a request line after'],
  },
  // At 1.5 s: the 408, then the socket closed.
  'whole request': {
    file: 'tests/hardening/sockets.test.ts',
    holds: ['should be cut at the request timeout'],
  },
  'shutdown (SIGTERM, SIGINT)': {
    file: 'tests/hardening/process.test.ts',
    holds: ['should finish the requests in flight on SIGTERM, refuse new connections and exit 0'],
  },
  'remote store (`--store sparql`)': {
    file: 'tests/hardening/remote-store.test.ts',
    holds: [
      'should answer 502 saying the store failed while the store answers errors',
      'should answer 502 saying the store cannot be reached while it is down, and keep serving pages',
      'should answer again as soon as the store is back, with nothing to restart',
    ],
  },
  'Wikidata tool': {
    file: 'tests/wikidata/client.test.ts',
    holds: [
      'keeps its requests apart by the pace it is given',
      'waits and retries after a maxlag error and a 429, as Retry-After says',
      'gives up when the server stays busy',
      'turns a slow answer into a NetworkError after its timeout',
    ],
  },
};

describe("README.md's limits table", () => {
  it('should have every row crossed in this file or held by a test named for it, and no row twice', () => {
    const covered = [...HERE, ...Object.keys(ELSEWHERE)];
    expect(new Set(covered).size).toBe(covered.length);
    expect([...TABLE.keys()].sort()).toEqual(covered.sort());
  });

  it.each(Object.entries(ELSEWHERE))(
    'should find the tests that hold "%s" still in their file',
    (_, { file, holds }) => {
      const source = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      for (const title of holds) expect(source, `${file} no longer holds "${title}"`).toContain(title);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------
// The server: the whole app on the README's defaults, behind the server's own listener.

const JSON_RESULTS = 'application/sparql-results+json';
let app: Hono;
let config: Config;
let listener: Listener;
let port: number;
/** What a GET and a POST were answered before the app was given to the listener (the start-up row). */
let beforeStart: { get: RawResponse; post: RawResponse };
/** A keep-alive connection asked twice, then left idle: what it received once the server closed it. */
let keptAlive: Promise<string>;

/** Two requests on one connection, then nothing: resolves with everything received once the server closes it. */
function askTwiceThenIdle(): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
  });
  socket.on('error', () => {});
  const ask = `GET /sparql?query=${encodeURIComponent('ASK {}')} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: ${JSON_RESULTS}\r\n\r\n`;
  socket.write(ask + ask);
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

const rawPost = (body: string, headers = '') =>
  rawRequest(
    port,
    `POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: ${SPARQL_QUERY}\r\nAccept: ${JSON_RESULTS}\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    60_000,
  );

beforeAll(async () => {
  listener = await listen(0, '127.0.0.1');
  port = listener.port;
  beforeStart = {
    get: await rawGet(port, `/sparql?query=${encodeURIComponent('ASK {}')}`, { accept: JSON_RESULTS }, 60_000),
    post: await rawPost('ASK {}'),
  };
  // The default allowlist (testConfig empties it): the SERVICE row is about the default. No query here names it.
  const full = await fullApp({ serviceAllowlist: makeConfig().serviceAllowlist });
  app = full.app;
  config = full.config;
  listener.use(app);
  // Opened now: its idle time runs while the tests below do.
  keptAlive = askTwiceThenIdle();
});
afterAll(async () => {
  await listener.close();
});

type Way = 'GET' | 'POST (form)' | 'POST (query)';
/** The protocol's three ways to send a query (SPARQL 1.1 Protocol §2.1): a limit on reading it is met by each. */
const WAYS: Way[] = ['GET', 'POST (form)', 'POST (query)'];
/** A limit on the answer is applied after the request is read, the same for every way in: one POST suffices. */
const GET_AND_POST: Way[] = ['GET', 'POST (query)'];

/** A query to /sparql by `way`, run afresh (no-cache), with the dataset's `params` where the way puts them. */
async function sparql(
  way: Way,
  query: string,
  { params = [], accept = JSON_RESULTS }: { params?: [string, string][]; accept?: string } = {},
): Promise<Response> {
  const headers = { accept, 'cache-control': 'no-cache' };
  const all = new URLSearchParams([['query', query], ...params]);
  if (way === 'GET') return app.request(`/sparql?${all}`, { headers });
  if (way === 'POST (form)') {
    return app.request('/sparql', { method: 'POST', headers: { ...headers, 'content-type': FORM }, body: `${all}` });
  }
  const search = params.length > 0 ? `?${new URLSearchParams(params)}` : '';
  return app.request(`/sparql${search}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': SPARQL_QUERY },
    body: query,
  });
}

/** An ASK of exactly `length` characters, padded in a comment with `ch`. */
const ask = (length: number, ch = 'x'): string => `ASK {} #${ch.repeat(length - 8)}`;

/** `VALUES ?v { 0 1 … n-1 }`: rows made to measure, whatever the graph holds (4,093 triples, fewer than a cap). */
const values = (v: string, n: number): string => `VALUES ?${v} { ${Array.from({ length: n }, (_, i) => i).join(' ')} }`;

type Bindings = { results: { bindings: unknown[] }; truncated?: boolean; limit?: number };

// ---------------------------------------------------------------------------------------------------------------
// The defaults: the table's numbers are the code's.

describe("The table's defaults", () => {
  const MiB = 1024 * 1024;
  // Private bounds, read for this check alone: the caches take them as constructor defaults, not as constants.
  const bounds = (cache: object) => {
    const { maxEntries, maxBytes } = cache as unknown as { maxEntries: number; maxBytes: number };
    return [maxEntries, maxBytes];
  };
  /** A row, and the numbers of its "default" column (picked by index) that the code states. */
  const cases: [string, number[], number[]][] = [
    ['query length', [0], [DEFAULT_LIMITS.queryLength]],
    ['request body', [0], [DEFAULT_LIMITS.bodyBytes]],
    ['result rows / triples', [0], [DEFAULT_LIMITS.resultRows]],
    ['answer size', [0], [DEFAULT_LIMITS.resultBytes]],
    ['memory of one query', [0], [DEFAULT_LIMITS.threadMemoryMb * MiB]],
    ['query execution time', [0], [DEFAULT_LIMITS.timeoutMs]],
    ['queries running at once', [0, 1], [DEFAULT_LIMITS.concurrency, OXIGRAPH_THREADS]],
    ['query slots one client holds', [0, 1], [clientShare(DEFAULT_LIMITS.concurrency), DEFAULT_LIMITS.concurrency]],
    ['SPARQL answer cache', [0, 1], bounds(new AnswerCache())],
    ['rendered documents', [0], [DOCUMENT_CACHE_BYTES]],
    ['prepared document responses', [0, 1], bounds(new ResponseCache())],
    ["a query thread's memory", [0], [RECYCLE_GROWTH_BYTES]],
    ['query threads that fail to start', [0], [MAX_START_FAILURES]],
    ['request headers (size)', [0], [SOCKET_LIMITS.headerBytes]],
    ['request headers (time)', [0], [SOCKET_LIMITS.headersTimeoutMs]],
    ['whole request', [0], [SOCKET_LIMITS.requestTimeoutMs]],
    ['idle keep-alive', [0], [SOCKET_LIMITS.keepAliveTimeoutMs]],
    // "…no connection has come for 100 ms (2 s at most); in-flight requests get 20 s": the third is the grace.
    ['shutdown (SIGTERM, SIGINT)', [2], [SOCKET_LIMITS.shutdownGraceMs]],
    ['reconciliation batch', [0], [RECONCILE_LIMITS.batch]],
    [
      'reconciliation query text, properties, candidates',
      [0, 1, 2],
      [RECONCILE_LIMITS.queryChars, RECONCILE_LIMITS.properties, RECONCILE_LIMITS.limit],
    ],
    ['reconciliation request body', [0], [RECONCILE_LIMITS.bodyBytes]],
    ['data extension', [0, 1], [RECONCILE_LIMITS.extendIds, RECONCILE_LIMITS.properties]],
    ['search query', [0, 1, 2], [SEARCH_LIMITS.queryChars, SEARCH_LIMITS.results, SEARCH_LIMITS.near]],
  ];

  it.each(cases)('should state for "%s" what the code holds', (limit, picked, code) => {
    const stated = quantities(row(limit).default);
    expect(picked.map((i) => stated[i])).toEqual(code);
  });

  it('should be what this file’s server runs on, its listener included', () => {
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    const server = listener.server as unknown as Record<string, number>;
    expect(server.maxHeaderSize).toBe(limitOf('request headers (size)'));
    expect(server.headersTimeout).toBe(limitOf('request headers (time)'));
    expect(server.requestTimeout).toBe(limitOf('whole request'));
    expect(server.keepAliveTimeout).toBe(limitOf('idle keep-alive'));
  });

  it('should quote the memory limit’s 503 as the query runner words it', () => {
    const mb = limitOf('memory of one query') / MiB;
    expect(statusOf('memory of one query')).toBe(503);
    expect(said('memory of one query', mb)).toBe(memoryMessage(mb));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The rows a client meets over HTTP.

describe("A query of the README's length", () => {
  const n = limitOf('query length');
  const [, onGet, onPost] = /(\d{3}) \(GET\) or (\d{3}) \(POST\)/.exec(row('query length').past) ?? [];

  it.each(WAYS)(
    'should be refused one character past it by %s, with the status and message of the table',
    async (way) => {
      const res = await sparql(way, ask(n + 1));
      expect(res.status).toBe(Number(way === 'GET' ? onGet : onPost));
      expect(await res.text()).toBe(`${said('query length', n)}\n`);
    },
  );

  it.each(WAYS)('should be answered at exactly its length by %s', async (way) => {
    const res = await sparql(way, ask(n));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ head: {}, boolean: true });
  });

  it('should be answered by GET on a real socket at exactly its length in Chinese, 9 bytes a character in the URL', async () => {
    const target = `/sparql?query=${encodeURIComponent(ask(n, '中'))}`;
    // Far past Node's default of 16 KiB for a head: the listener's own limit leaves room for it.
    expect(target.length).toBeGreaterThan(8 * n);
    const res = await rawGet(port, target, { accept: JSON_RESULTS }, 60_000);
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"head":{},"boolean":true}');
  });

  it('should be refused by GET on a real socket one Chinese character past it with the route’s 414, not a 431', async () => {
    const res = await rawGet(port, `/sparql?query=${encodeURIComponent(ask(n + 1, '中'))}`, {}, 60_000);
    expect(res.status).toBe(Number(onGet));
    expect(res.body).toBe(`${said('query length', n)}\n`);
  });

  it('should be answered as application/sparql-query on a real socket at exactly its length in Chinese', async () => {
    const query = ask(n, '中');
    // 3 bytes a character: within the request body's limit.
    expect(Buffer.byteLength(query)).toBeLessThanOrEqual(limitOf('request body'));
    const res = await rawPost(query);
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"head":{},"boolean":true}');
  });

  it('should be answered as a form at exactly its length in Chinese, its percent-encoding within the body', async () => {
    const query = ask(n, '中');
    expect(Buffer.byteLength(new URLSearchParams({ query }).toString())).toBeLessThanOrEqual(limitOf('request body'));
    const res = await sparql('POST (form)', query);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"head":{},"boolean":true}');
  });
});

// POST only: a GET has no body in the protocol (its query is in the URL, held by the query length and head rows).
describe("A request body of the README's size", () => {
  const n = limitOf('request body');
  /** A form of exactly `bytes` bytes: a query, and an unknown parameter that the endpoint ignores to fill it. */
  const form = (bytes: number): string => {
    const head = `query=${encodeURIComponent('ASK {}')}&pad=`;
    return head + 'x'.repeat(bytes - head.length);
  };
  const declared = (type: string, body: string) =>
    app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), accept: JSON_RESULTS },
      body,
    });
  /** The body as a stream with no Content-Length: the limit is met while reading, in 1 KiB pieces. */
  const streamed = (type: string, body: string) => {
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 1024) c.enqueue(bytes.subarray(i, i + 1024));
        c.close();
      },
    });
    return app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': type, accept: JSON_RESULTS },
      body: stream,
      duplex: 'half',
    } as RequestInit);
  };
  const sends = { declared, streamed };

  it.each([
    ['declared', FORM],
    ['declared', SPARQL_QUERY],
    ['streamed', FORM],
    ['streamed', SPARQL_QUERY],
  ] as const)(
    'should be refused one byte past it, %s, as %s, with the status and message of the table',
    async (how, type) => {
      const body = type === FORM ? form(n + 1) : ask(n + 1);
      const res = await sends[how](type, body);
      expect(res.status).toBe(statusOf('request body'));
      expect(await res.text()).toBe(`${said('request body', n)}\n`);
    },
  );

  // A query fits the body only as a form: as itself, n bytes would be more characters than the query length allows.
  it.each(['declared', 'streamed'] as const)('should be answered at exactly its size, %s, as a form', async (how) => {
    const res = await sends[how](FORM, form(n));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ head: {}, boolean: true });
  });
});

describe("An answer of the README's rows", () => {
  const n = limitOf('result rows / triples');
  const hundreds = n / 100;
  /** Rows in hundreds: a cross product of two VALUES. */
  const select = (h: number) => `SELECT ?a ?b WHERE { ${values('a', h)} ${values('b', 100)} }`;
  /** As many triples, each on a fresh blank node (so no two are the same triple). */
  const construct = (h: number) => `CONSTRUCT { _:c <urn:x:a> ?a } WHERE { ${values('a', h)} ${values('b', 100)} }`;

  it('should be a number of hundreds, which the queries below are made of', () => {
    expect(Number.isInteger(hundreds)).toBe(true);
  });

  it.each(GET_AND_POST)(
    'should be cut one hundred rows past it by %s, saying so in the header and the JSON',
    async (way) => {
      const res = await sparql(way, select(hundreds + 1));
      expect(res.status).toBe(200);
      expect(res.headers.get('results-truncated')).toBe('true');
      expect(res.headers.get('results-limit')).toBe(String(n));
      const json = (await res.json()) as Bindings;
      expect(json.results.bindings).toHaveLength(n);
      expect(json.truncated).toBe(true);
      expect(json.limit).toBe(n);
    },
  );

  it.each(GET_AND_POST)('should be cut in SPARQL XML by %s, saying so in a <link> of its head', async (way) => {
    const res = await sparql(way, select(hundreds + 1), { accept: 'application/sparql-results+xml' });
    expect(res.headers.get('results-truncated')).toBe('true');
    const xml = await res.text();
    expect(xml).toMatch(/<link href="[^"]*sparql#limits"\/>\s*<\/head>/);
    expect(xml.split('<result>').length - 1).toBe(n);
  });

  it.each(GET_AND_POST)('should be cut in CSV by %s, saying so in the header', async (way) => {
    const res = await sparql(way, select(hundreds + 1), { accept: 'text/csv' });
    expect(res.headers.get('results-truncated')).toBe('true');
    expect((await res.text()).trimEnd().split('\r\n')).toHaveLength(n + 1);
  });

  it.each(GET_AND_POST)('should be cut in triples too by %s', async (way) => {
    const res = await sparql(way, construct(hundreds + 1), { accept: 'application/n-triples' });
    expect(res.headers.get('results-truncated')).toBe('true');
    expect((await res.text()).trimEnd().split('\n')).toHaveLength(n);
  });

  it.each(GET_AND_POST)('should be whole and unmarked at exactly its rows by %s', async (way) => {
    const res = await sparql(way, select(hundreds));
    expect(res.headers.get('results-truncated')).toBeNull();
    const json = (await res.json()) as Bindings;
    expect(json.results.bindings).toHaveLength(n);
    expect(json).not.toHaveProperty('truncated');
  });

  it.each(GET_AND_POST)('should be whole and unmarked at exactly its triples by %s', async (way) => {
    const res = await sparql(way, construct(hundreds), { accept: 'application/n-triples' });
    expect(res.headers.get('results-truncated')).toBeNull();
    expect((await res.text()).trimEnd().split('\n')).toHaveLength(n);
  });
});

describe("A protocol dataset of the README's graphs", () => {
  const n = limitOf('graphs in one protocol dataset');
  /** `count` graphs, default and named in turn, at an address never fetched (an unknown graph is empty). */
  const graphs = (count: number): [string, string][] =>
    Array.from({ length: count }, (_, i) => [
      i % 2 === 0 ? 'default-graph-uri' : 'named-graph-uri',
      `http://127.0.0.1:9/graph/${i}`,
    ]);

  it.each(WAYS)('should be refused one graph past it by %s, with the status and message of the table', async (way) => {
    const res = await sparql(way, 'ASK { ?s ?p ?o }', { params: graphs(n + 1) });
    expect(res.status).toBe(statusOf('graphs in one protocol dataset'));
    expect(await res.text()).toBe(`${said('graphs in one protocol dataset', n)}\n`);
  });

  it.each(WAYS)('should be queried at exactly its graphs by %s (all empty here)', async (way) => {
    const res = await sparql(way, 'ASK { ?s ?p ?o }', { params: graphs(n) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ head: {}, boolean: false });
  });
});

// On the server's own listener: Node's parser applies this limit, before any route.
describe("A request head of the README's size, on the server's own socket", () => {
  const n = limitOf('request headers (size)');
  // Node counts a head without its line ends and separators, so it refuses one a few dozen bytes past n: a
  // kilobyte past is past it by any count.
  const over = n + 1024;
  /** A head of exactly `size` bytes, request line to blank line, filled by a header the server ignores. */
  const head = (method: string, target: string, size: number, extra = ''): string => {
    const frame = (pad: string) =>
      `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: ${JSON_RESULTS}\r\n${extra}X-Pad: ${pad}\r\n\r\n`;
    return frame('a'.repeat(size - frame('').length));
  };
  const query = 'ASK {}';
  const postHead = (size: number) =>
    head('POST', '/sparql', size, `Content-Type: ${SPARQL_QUERY}\r\nContent-Length: ${query.length}\r\n`);

  it('should be refused past it by GET, the query in the URL, with the status and message of the table', async () => {
    const res = await rawGet(port, `/sparql?query=${'A'.repeat(over)}`, {}, 60_000);
    expect(res.status).toBe(statusOf('request headers (size)'));
    expect(res.body).toBe(`${said('request headers (size)', n)}\n`);
  });

  it('should be refused past it by POST, the size in a header, with the same status and message', async () => {
    const res = await rawRequest(port, postHead(over) + query, 60_000);
    expect(res.status).toBe(statusOf('request headers (size)'));
    expect(res.body).toBe(`${said('request headers (size)', n)}\n`);
  });

  it('should be answered at exactly its size by GET', async () => {
    const res = await rawRequest(port, head('GET', `/sparql?query=${encodeURIComponent(query)}`, n), 60_000);
    expect(res.status).toBe(200);
  });

  it('should be answered at exactly its size by POST', async () => {
    const request = postHead(n);
    expect(request.length).toBe(n);
    const res = await rawRequest(port, request + query, 60_000);
    expect(res.status).toBe(200);
  });

  it('should leave room for a query of the README’s length by GET, whatever its script, as the table says', () => {
    const [, chars = 0, bytes = 0] = quantities(row('request headers (size)').default);
    expect(chars).toBe(limitOf('query length'));
    expect(encodeURIComponent('中'.repeat(chars)).length).toBe(bytes);
    expect(bytes).toBeLessThan(n);
  });
});

describe('A keep-alive connection left idle', () => {
  it("should be kept after its answers, then closed by the server (at the README's timeout, the listener's own)", async () => {
    expect((listener.server as unknown as { keepAliveTimeout: number }).keepAliveTimeout).toBe(
      limitOf('idle keep-alive'),
    );
    // Both answered on the one connection, and the close awaited without a clock: it is the server's.
    const received = await keptAlive;
    expect(received.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  });
});

describe('A request before the graph is loaded', () => {
  it.each(['get', 'post'] as const)('should be answered by %s with the status and Retry-After of the table', (way) => {
    const res = beforeStart[way];
    expect(res.status).toBe(statusOf('start-up'));
    const retry = /`Retry-After: (\d+)`/.exec(row('start-up').past)?.[1];
    expect(res.head).toMatch(new RegExp(`^retry-after: ${retry}$`, 'im'));
  });
  // A graph that does not load or validate ends the process: tests/hardening/process.test.ts (exit 3 and 1).
});

describe('A SERVICE other than the README allows', () => {
  const off = 'http://127.0.0.1:9/sparql';

  it('should be every SERVICE but the Wikidata Query Service, by default', () => {
    expect(row('SERVICE targets').default).toMatch(/^the Wikidata Query Service only/);
    expect(config.serviceAllowlist).toEqual([WIKIDATA_QUERY_SERVICE]);
  });

  // That no request is made, and that a failing allowed one is a 502: tests/sparql/safety.test.ts and
  // tests/hardening/ssrf.test.ts, with a listener of their own to count requests.
  it.each(WAYS)('should be refused by %s with the status of the table', async (way) => {
    const res = await sparql(way, `SELECT * WHERE { SERVICE <${off}> { ?s ?p ?o } }`);
    expect(res.status).toBe(statusOf('SERVICE targets', 'refused \\('));
    expect(await res.text()).toContain(`SERVICE <${off}> is not allowed`);
  });

  it.each(WAYS)('should be one solution with no bindings by %s when SILENT, as the table says', async (way) => {
    expect(row('SERVICE targets').past).toMatch(/with SILENT, is one solution with no bindings/);
    const res = await sparql(way, `SELECT * WHERE { SERVICE SILENT <${off}> { ?s ?p ?o } }`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Bindings).results.bindings).toEqual([{}]);
  });
});

// That nothing is fetched: tests/sparql/safety.test.ts, with a listener of its own that counts requests.
describe('A graph a query names that the server does not hold', () => {
  it.each(GET_AND_POST)('should be an empty graph by %s, in FROM and in FROM NAMED', async (way) => {
    for (const query of [
      'SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }',
      'SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }',
    ]) {
      const res = await sparql(way, query);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Bindings).results.bindings).toEqual([]);
    }
  });
});

describe("Idle query threads, on the README's times", () => {
  it('should be kept for the first, retired by the second, never below the minimum', async () => {
    const [kept = 0, retired = 0, minimum = 0] = quantities(row('idle query threads').default);
    // The pool's clock, not the wall's: its reaper (an interval) and the idle times it reads (Date) are faked;
    // the runners, their messages and every timeout stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const pool = new QueryPool({ nquads: '', store: { kind: 'memory' }, prefixes: {}, context: {}, base: 'urn:x:' }, 3);
    try {
      const job = {
        query: 'ASK {}',
        baseIRI: 'urn:x:',
        format: 'json' as const,
        extensions: false,
        allowlist: [],
        maxResults: 1,
        maxBytes: 1024,
        timeoutMs: 60_000,
        limitsDocs: '',
      };
      // Three at once: three threads, more than the minimum.
      await Promise.all([1, 2, 3].map(() => pool.run(job)));
      while (pool.stats().starting > 0) await sleep(20);
      expect(pool.stats()).toMatchObject({ idle: 3, busy: 0 });
      vi.advanceTimersByTime(kept);
      expect(pool.stats().idle).toBe(3);
      vi.advanceTimersByTime(retired - kept);
      expect(pool.stats().idle).toBe(minimum);
      vi.advanceTimersByTime(10 * retired);
      expect(pool.stats().idle).toBe(minimum);
    } finally {
      vi.useRealTimers();
      await pool.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The reconciliation service and the search: GET and POST (a form, or JSON) where the service takes both.

type Answer = { status: number; body: { error?: string; result?: unknown[] } & Record<string, unknown> };

/** A reconciliation request with `params`: in the URL by GET, as a form by POST. */
async function reconcile(way: 'GET' | 'POST', params: Record<string, string>): Promise<Answer> {
  const p = new URLSearchParams(params);
  const res =
    way === 'GET'
      ? await app.request(`/reconcile?${p}`)
      : await app.request('/reconcile', { method: 'POST', headers: { 'content-type': FORM }, body: `${p}` });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const batchOf = (n: number, query: (i: number) => object = () => ({ query: 'Peng Zhen' })): string =>
  JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i}`, query(i)])));

describe("A reconciliation batch of the README's size", () => {
  const n = limitOf('reconciliation batch');

  it.each(['GET', 'POST'] as const)(
    'should be refused one query past it by %s, the answer naming the count',
    async (way) => {
      const { status, body } = await reconcile(way, { queries: batchOf(n + 1) });
      expect(status).toBe(statusOf('reconciliation batch'));
      expect(body.error).toMatch(new RegExp(`\\b${n + 1} queries\\b.*\\b${n}\\b`));
    },
  );

  it.each(['GET', 'POST'] as const)('should be answered whole at exactly its size by %s', async (way) => {
    const { status, body } = await reconcile(way, { queries: batchOf(n) });
    expect(status).toBe(200);
    expect(Object.keys(body)).toHaveLength(n);
  });
});

describe("A reconciliation query of the README's text, properties and candidates", () => {
  const [chars = 0, properties = 0, candidates = 0] = quantities(
    row('reconciliation query text, properties, candidates').default,
  );
  const status = statusOf('reconciliation query text, properties, candidates');
  const born = (count: number) => Array.from({ length: count }, () => ({ pid: 'birthYear', v: '1902' }));

  it.each(['GET', 'POST'] as const)(
    'should be refused one character past its text by %s, naming the query',
    async (way) => {
      const { status: s, body } = await reconcile(way, {
        queries: batchOf(1, () => ({ query: 'x'.repeat(chars + 1) })),
      });
      expect(s).toBe(status);
      expect(body.error).toMatch(new RegExp(`^q0: .*\\b${chars + 1}\\b.*\\b${chars}\\b`));
    },
  );

  it.each(['GET', 'POST'] as const)('should be refused one property past it by %s, naming the query', async (way) => {
    const batch = batchOf(1, () => ({ query: 'Peng Zhen', properties: born(properties + 1) }));
    const { status: s, body } = await reconcile(way, { queries: batch });
    expect(s).toBe(status);
    expect(body.error).toMatch(new RegExp(`^q0: ${properties + 1} properties.*\\b${properties}\\b`));
  });

  it.each(['GET', 'POST'] as const)('should be answered at exactly its text and properties by %s', async (way) => {
    const batch = batchOf(1, () => ({ query: `Peng Zhen${' '.repeat(chars - 9)}`, properties: born(properties) }));
    const { status: s, body } = await reconcile(way, { queries: batch });
    expect(s).toBe(200);
    expect(body).toHaveProperty('q0.result');
  });

  // The real graph never has that many candidates for one name: what this shows is that a larger limit is lowered,
  // not refused.
  it.each(['GET', 'POST'] as const)('should take a larger limit of candidates by %s, not refuse it', async (way) => {
    const { status: s, body } = await reconcile(way, {
      queries: batchOf(1, () => ({ query: 'Peng Zhen', limit: candidates * 10 })),
    });
    expect(s).toBe(200);
    expect((body.q0 as { result: unknown[] }).result.length).toBeLessThanOrEqual(candidates);
  });
});

// POST only: a GET has no body (its parameters are in the URL, held by the head's limit).
describe("A reconciliation request body of the README's size", () => {
  const n = limitOf('reconciliation request body');
  /** A JSON batch of exactly `bytes` bytes, filled with the whitespace JSON allows after a value. */
  const body = (bytes: number) => {
    const batch = batchOf(1);
    return batch + ' '.repeat(bytes - batch.length);
  };
  const post = (text: string) =>
    app.request('/reconcile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });

  it('should be refused one byte past it with the status of the table, the answer naming the limit', async () => {
    const res = await post(body(n + 1));
    expect(res.status).toBe(statusOf('reconciliation request body'));
    expect(((await res.json()) as { error: string }).error).toBe(`request body larger than ${n} bytes`);
  });

  it('should be answered at exactly its size', async () => {
    const res = await post(body(n));
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('q0.result');
  });
});

describe("A data extension of the README's identifiers and properties", () => {
  const [ids = 0, properties = 0] = quantities(row('data extension').default);
  const extend = (idCount: number, propertyCount: number) =>
    JSON.stringify({
      ids: Array.from({ length: idCount }, (_, i) => `person/p${i}`),
      properties: Array.from({ length: propertyCount }, () => ({ id: 'nameZh' })),
    });

  it.each(['GET', 'POST'] as const)('should be refused one identifier past it by %s', async (way) => {
    const { status, body } = await reconcile(way, { extend: extend(ids + 1, 1) });
    expect(status).toBe(statusOf('data extension'));
    expect(body.error).toBe(`${ids + 1} identifiers, more than ${ids}`);
  });

  it.each(['GET', 'POST'] as const)('should be refused one property past it by %s', async (way) => {
    const { status, body } = await reconcile(way, { extend: extend(1, properties + 1) });
    expect(status).toBe(statusOf('data extension'));
    expect(body.error).toMatch(new RegExp(`at most ${properties}\\b`));
  });

  it.each(['GET', 'POST'] as const)(
    'should be answered at exactly its identifiers and properties by %s',
    async (way) => {
      const { status, body } = await reconcile(way, { extend: extend(ids, properties) });
      expect(status).toBe(200);
      expect(Object.keys(body.rows as object)).toHaveLength(ids);
    },
  );
});

// GET only: the search is a form that GETs (a bookmarkable page); /search has no POST route.
describe("A search of the README's length", () => {
  const n = limitOf('search query');
  const search = (q: string) => app.request(`/search?format=json&q=${encodeURIComponent(q)}`);

  it('should be refused one character past it with the status of the table, naming both lengths', async () => {
    const res = await search('a'.repeat(n + 1));
    expect(res.status).toBe(statusOf('search query'));
    expect(await res.text()).toMatch(new RegExp(`\\b${n + 1} characters\\b.*\\b${n}\\b`));
  });

  it('should be answered at exactly its length', async () => {
    const res = await search(`peng${' '.repeat(n - 4)}`);
    expect(res.status).toBe(200);
  });
});
