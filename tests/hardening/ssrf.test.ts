// Server-side request forgery: FROM, FROM NAMED, SERVICE, dataset parameters and API parameters naming loopback, private, cloud-metadata and file: addresses make no request. Non-loopback addresses are only ever written into queries; a tripwire on the socket layer stops any connection to them before it leaves.
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { guardedFetch, isAllowed, OutboundRefused } from '../../src/outbound.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { runQuery } from '../../src/store/comunica.ts';
import { type RecordingListener as Listener, recordingListener as listener } from '../sparql/helpers.ts';
import { realGraph } from '../support/graph.ts';
import { fullApp } from './support.ts';

/** Addresses no request may go to; only loopback ones may ever be tried (they reach the recording listener). */
const remote = (port: number) => [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://100.100.100.200/latest/meta-data/',
  'http://10.0.0.1/admin',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://[fe80::1]/',
  'https://query.wikidata.org.evil.example/sparql',
  'file:///etc/passwd',
  'file:///proc/self/environ',
  'gopher://127.0.0.1:6379/_INFO',
  'ftp://127.0.0.1/',
  `http://0.0.0.0:${port}/`,
];
const loopback = (port: number) => [
  `http://127.0.0.1:${port}/sparql`,
  `http://localhost:${port}/sparql`,
  `http://127.1:${port}/x`,
  `http://2130706433:${port}/x`,
  `http://0x7f000001:${port}/x`,
  `http://017700000001:${port}/x`,
  `http://[::ffff:127.0.0.1]:${port}/x`,
  `http://user:pass@127.0.0.1:${port}/x`,
  `https://query.wikidata.org@127.0.0.1:${port}/sparql`,
  `http://127.0.0.1:${port}#@query.wikidata.org/sparql`,
];

/** Every way a query can name an address. */
const shapes = (t: string) => [
  `SELECT * FROM <${t}> WHERE { ?s ?p ?o } LIMIT 1`,
  `SELECT * FROM NAMED <${t}> WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1`,
  `SELECT * WHERE { GRAPH <${t}> { ?s ?p ?o } } LIMIT 1`,
  `SELECT * WHERE { SERVICE <${t}> { ?s ?p ?o } }`,
  `SELECT * WHERE { SERVICE SILENT <${t}> { ?s ?p ?o } }`,
  `SELECT * WHERE { VALUES ?e { <${t}> } SERVICE SILENT ?e { ?s ?p ?o } }`,
  `DESCRIBE <${t}>`,
  `CONSTRUCT { ?s ?p ?o } FROM <${t}> WHERE { ?s ?p ?o } LIMIT 1`,
  `SELECT * WHERE { <${t}> ?p ?o }`,
  `ASK { BIND (IRI("${t}") AS ?x) ?x ?p ?o }`,
];

// ---------------------------------------------------------------- the tripwire

/** Connections this test process tried to open anywhere but the loopback listeners. */
const tripped: string[] = [];
/** Connections it let through (to loopback): how the test knows fetch really goes through it. */
let allowedThrough = 0;
const originalConnect = net.Socket.prototype.connect;
const LOOPBACK = /^(127\.0\.0\.1|::1|localhost)$/;

beforeAll(() => {
  // Every TCP connection of this thread (fetch, undici, http) goes through here; one elsewhere is stopped before
  // any packet leaves and recorded, and the test fails on it.
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as unknown;
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string;
    const host =
      typeof options === 'object' && options
        ? (options.path ?? options.host ?? 'localhost')
        : String(args[1] ?? 'localhost');
    if (!LOOPBACK.test(host)) {
      tripped.push(host);
      throw new Error(`test tripwire: refused a connection to ${host}`);
    }
    allowedThrough++;
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
});
afterAll(() => {
  net.Socket.prototype.connect = originalConnect;
});

describe('The tripwire', () => {
  it('should see the connections fetch opens (shown with one to a loopback listener)', async () => {
    const probe = await listener();
    const before = allowedThrough;
    await (await fetch(`${probe.url}/probe`)).text();
    expect(allowedThrough).toBeGreaterThan(before);
    expect(probe.requests).toEqual(['GET /probe']);
    await probe.close();
  });
});

// ---------------------------------------------------------------- the guard itself

describe('The outbound guard', () => {
  it('should refuse every address off its allowlist without calling fetch', async () => {
    const spy = vi.fn(async () => new Response('x'));
    const guarded = guardedFetch({ allowlist: ['https://query.wikidata.org/sparql'], fetchImpl: spy });
    for (const url of [
      ...remote(9),
      ...loopback(9),
      'https://query.wikidata.org:8443/sparql',
      'http://query.wikidata.org/sparql',
      'https://query.wikidata.org/sparql/../../bigdata',
      'https://QUERY.wikidata.org.',
      'https://query.wikidata.org/SPARQL',
      'javascript:alert(1)',
      'data:,x',
      '//query.wikidata.org/sparql',
      'not a url',
    ]) {
      await expect(guarded(url), url).rejects.toBeInstanceOf(OutboundRefused);
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('should let the allowed endpoint through with redirects refused and a deadline', async () => {
    const spy = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response('x'));
    const guarded = guardedFetch({ allowlist: ['https://query.wikidata.org/sparql'], fetchImpl: spy, timeoutMs: 1234 });
    await guarded('https://query.wikidata.org/sparql?query=ASK%7B%7D');
    expect(spy).toHaveBeenCalledTimes(1);
    const init = spy.mock.calls[0]?.[1];
    expect(init?.redirect).toBe('error');
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(isAllowed('https://query.wikidata.org/sparql', [])).toBe(false);
  });
});

// ---------------------------------------------------------------- the engine, in this thread

describe('The query engine with an empty allowlist (as the public endpoint runs it)', () => {
  it('should have no way to read local files: the only dereferencing actors are HTTP’s', () => {
    const installed = readdirSync(path.join(PROJECT_ROOT, 'node_modules', '@comunica'));
    expect(installed.filter((a) => /^actor-dereference-/.test(a) && !/-(http|fallback|rdf-parse)$/.test(a))).toEqual(
      [],
    );
    expect(installed).toContain('actor-dereference-http');
  });

  let graph: Graph;
  let target: Listener;
  beforeAll(async () => {
    graph = await realGraph();
    target = await listener();
  });
  afterAll(async () => target.close());

  it('should fetch nothing for FROM, FROM NAMED, GRAPH, SERVICE, DESCRIBE or IRI() of any address', async () => {
    const fetched = vi.fn(async () => new Response('stubbed', { status: 500 }));
    vi.stubGlobal('fetch', fetched);
    try {
      for (const t of [...remote(target.port), ...loopback(target.port)]) {
        for (const q of shapes(t)) {
          let text = '';
          try {
            const r = await runQuery(graph.store, q, { timeoutMs: 5_000, extensions: false, allowlist: [] });
            text = JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
          } catch (e) {
            // A SERVICE off the allowlist is refused by the guard; Comunica itself refuses one with a variable, and
            // has no way to read a file:, gopher: or ftp: IRI (no actor for them is installed, see above).
            const engine =
              /SERVICE clauses with a variable target are not allowed|Could not dereference '(file|gopher|ftp):/;
            if (!engine.test(String(e))) expect(e, q).toBeInstanceOf(OutboundRefused);
          }
          expect(text, q).not.toMatch(/root:x:0:0|remote/);
        }
      }
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fetched).not.toHaveBeenCalled();
    expect(target.requests).toEqual([]);
    expect(tripped).toEqual([]);
  }, 60_000);
});

// ---------------------------------------------------------------- the endpoint, through its query threads

describe('The public endpoint and the web API', () => {
  let app: Hono;
  let target: Listener;
  beforeAll(async () => {
    target = await listener();
    ({ app } = await fullApp());
  });
  afterAll(async () => target.close());

  it('should make no request to a loopback address named in any part of a query', async () => {
    for (const t of loopback(target.port)) {
      for (const q of shapes(t)) {
        const res = await app.request(`/sparql?query=${encodeURIComponent(q)}`);
        expect(res.status, `${q}: ${await res.clone().text()}`).toBeLessThan(500);
        expect(await res.text()).not.toMatch(/remote/);
      }
      const dataset = await app.request(
        `/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}&default-graph-uri=${encodeURIComponent(t)}&named-graph-uri=${encodeURIComponent(t)}`,
      );
      expect(dataset.status).toBe(200);
      const api = await app.request(`/api/person-tenures?person=${encodeURIComponent(t)}`);
      expect([200, 400]).toContain(api.status);
    }
    expect(target.requests).toEqual([]);
  });

  it('should refuse a SERVICE to a private, metadata or file: address with 400 before running anything', async () => {
    for (const t of remote(target.port)) {
      const res = await app.request(
        `/sparql?query=${encodeURIComponent(`SELECT * WHERE { SERVICE <${t}> { ?s ?p ?o } }`)}`,
      );
      expect(res.status, t).toBe(400);
      expect(await res.text()).toMatch(/is not allowed; this endpoint reaches only: no endpoint/);
    }
    expect(tripped).toEqual([]);
  });
});

describe('An endpoint that allows the Wikidata Query Service (the default)', () => {
  it('should refuse a local address dressed as Wikidata by userinfo with a 400, before any request', async () => {
    const local = await listener();
    try {
      const { app } = await fullApp({ serviceAllowlist: ['https://query.wikidata.org/sparql'] });
      for (const t of [
        `https://127.0.0.1:${local.port}@query.wikidata.org/sparql`,
        `https://user@query.wikidata.org/sparql`,
        'https://query.wikidata.org/sparql?x=1',
        'https://query.wikidata.org/sparql#f',
      ]) {
        const q = `SELECT * WHERE { SERVICE <${t}> { ?s ?p ?o } }`;
        const res = await app.request(`/sparql?query=${encodeURIComponent(q)}`);
        expect(res.status, t).toBe(400);
      }
      expect(local.requests).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('An endpoint whose allowlist names one local SPARQL service', () => {
  let app: Hono;
  let allowed: Listener;
  let elsewhere: Listener;
  beforeAll(async () => {
    elsewhere = await listener();
    // The allowed service answers every request with a redirect to another address.
    allowed = await listener((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/sparql` }).end();
    });
    ({ app } = await fullApp({ serviceAllowlist: [`${allowed.url}/sparql`] }));
  });
  afterAll(async () => {
    await allowed.close();
    await elsewhere.close();
  });

  it('should not follow the allowed service’s redirect, and answer 502 saying the service failed', async () => {
    const logged = vi.spyOn(console, 'error');
    const res = await app.request(
      `/sparql?query=${encodeURIComponent(`SELECT * WHERE { SERVICE <${allowed.url}/sparql> { ?s ?p ?o } }`)}`,
    );
    expect(allowed.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toEqual([]);
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/^a SERVICE endpoint failed: fetch failed: unexpected redirect/);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it('should refuse the allowed endpoint with userinfo, a query string or a fragment, before any request', async () => {
    const before = allowed.requests.length + elsewhere.requests.length;
    const { port } = allowed;
    for (const t of [
      `http://127.0.0.1:${elsewhere.port}@127.0.0.1:${port}/sparql`,
      `http://user@127.0.0.1:${port}/sparql`,
      `http://user:pw@127.0.0.1:${port}/sparql`,
      `http://127.0.0.1:${port}/sparql?x=1`,
      `http://127.0.0.1:${port}/sparql?`,
      `http://127.0.0.1:${port}/sparql#f`,
    ]) {
      for (const silent of ['', 'SILENT ']) {
        const q = `SELECT * WHERE { SERVICE ${silent}<${t}> { ?s ?p ?o } }`;
        const res = await app.request(`/sparql?query=${encodeURIComponent(q)}`);
        expect(res.status, q).toBe(400);
        expect(await res.text(), q).toMatch(/^SERVICE <[^>]+> is not allowed; .*\((an endpoint IRI with|it is not)/);
      }
    }
    expect(allowed.requests.length + elsewhere.requests.length).toBe(before);
  });

  it('should refuse look-alikes of the allowed endpoint', async () => {
    const port = allowed.port;
    for (const t of [
      `http://localhost:${port}/sparql`,
      `http://127.0.0.1:${port}/SPARQL`,
      `http://127.0.0.1:${port}/sparql/../admin`,
      `http://127.0.0.1:${port}/sparql2`,
      `https://127.0.0.1:${port}/sparql`,
    ]) {
      const res = await app.request(
        `/sparql?query=${encodeURIComponent(`SELECT * WHERE { SERVICE <${t}> { ?s ?p ?o } }`)}`,
      );
      expect(res.status, t).toBe(400);
    }
  });
});
