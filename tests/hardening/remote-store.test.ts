// The remote store (--store sparql) failing under the server: a store that errs or is down is a 502, one that is too slow a 504, each with a message that says so; the pages go on; and queries work again the moment it is back.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { DataFactory, Writer } from 'n3';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { serializeBindings, serializeBoolean } from '../../src/sparql/results.ts';
import { runQuery } from '../../src/store/comunica.ts';
import { prepareStore } from '../../src/store/open.ts';
import { realGraph } from '../support/graph.ts';
import { fullApp, sleep } from './support.ts';

/** Far past what a query of this graph takes on a loaded machine; only the "slow" store goes past it, on purpose. */
const TIMEOUT_MS = 6_000;

type Mode = 'up' | 'error' | 'slow';

/**
 * A stand-in for the remote store on 127.0.0.1: answers the SPARQL 1.1 Protocol by running the query over the
 * real graph in this process. It can err (500), be slow (answers after the server's time limit), or be down
 * (stopped, then started again on the same port).
 */
class FakeStore {
  mode: Mode = 'up';
  requests = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly graph: Graph) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/sparql`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    if (this.mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Virtuoso 42000 Error SR483: stack exhausted');
      return;
    }
    if (this.mode === 'slow') await sleep(TIMEOUT_MS * 3);
    if (res.destroyed) return;
    // The loader's marker lives in the meta graph: this store holds the Graph already.
    if ((form.get('default-graph-uri') ?? '').endsWith('#meta')) {
      const marker = [{ hash: DataFactory.literal(this.graph.hash) }];
      res
        .writeHead(200, { 'content-type': 'application/sparql-results+json' })
        .end(serializeBindings('json', ['hash'], marker));
      return;
    }
    // The store's named graph is this stand-in's only graph: its FROM means the store itself.
    const query = (form.get('query') ?? '').replace(/FROM <[^>]*>/, '');
    // The content check beside every query counts the graph: answered at once, not by Comunica.
    const counted = query.replace(/\s+/g, '') === 'SELECT(COUNT(*)AS?n)WHERE{?s?p?o.}';
    const r = counted
      ? {
          type: 'bindings' as const,
          variables: ['n'],
          rows: [
            {
              n: DataFactory.literal(
                String(this.graph.store.size),
                DataFactory.namedNode('http://www.w3.org/2001/XMLSchema#integer'),
              ),
            },
          ],
          truncated: false,
        }
      : await runQuery(this.graph.store, query, { timeoutMs: 5_000, extensions: false });
    if (r.type === 'boolean') {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' }).end(serializeBoolean('json', r.value));
    } else if (r.type === 'bindings') {
      res
        .writeHead(200, { 'content-type': 'application/sparql-results+json' })
        .end(serializeBindings('json', r.variables, r.rows));
    } else {
      res
        .writeHead(200, { 'content-type': 'application/n-triples' })
        .end(new Writer({ format: 'N-Triples' }).quadsToString(r.quads));
    }
  }
}

let store: FakeStore;
let app: Hono;
let logged: MockInstance<typeof console.error>;
let warned: MockInstance<typeof console.warn>;
let n = 0;

/** A query no one asked before, so that the answer cache cannot stand in for the store. */
const fresh = () =>
  app.request(
    `/sparql?query=${encodeURIComponent(`SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t FILTER (?t != <urn:remote:${++n}>) }`)}`,
    { headers: { accept: 'application/sparql-results+json' } },
  );

beforeAll(async () => {
  const graph = await realGraph();
  store = new FakeStore(graph);
  await store.start();
  // The stand-in's own engine started, so that its first answer is not late.
  await runQuery(graph.store, 'ASK { ?s ?p ?o }', { timeoutMs: 30_000, extensions: false });
  ({ app } = await fullApp(
    {
      store: { kind: 'sparql', endpoint: store.endpoint, graph: `${graph.base}graph` },
      limits: { timeoutMs: TIMEOUT_MS },
    },
    graph,
  ));
  logged = vi.spyOn(console, 'error');
  warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(async () => {
  logged.mockRestore();
  warned.mockRestore();
  await store.stop();
});

describe('The server over a remote store', () => {
  it('should answer queries and stored queries from it while it is up', async () => {
    const before = store.requests;
    const res = await fresh();
    expect(res.status).toBe(200);
    const count = (await res.json()) as { results: { bindings: { n: { value: string } }[] } };
    expect(Number(count.results.bindings[0]?.n.value)).toBeGreaterThan(100);
    expect((await app.request('/api/holders')).status).toBe(200);
    expect(store.requests).toBeGreaterThan(before);
  });

  it('should answer 502 saying the store failed while the store answers errors', async () => {
    store.mode = 'error';
    const res = await fresh();
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/^the SPARQL store answered 500 Internal Server Error: Virtuoso 42000 Error/);
  });

  it('should answer 502 saying the store cannot be reached while it is down, and keep serving pages', async () => {
    store.mode = 'up';
    await store.stop();
    const res = await fresh();
    expect(res.status).toBe(502);
    const body = await res.text();
    expect(body).toMatch(/^the SPARQL store cannot be reached: .*ECONNREFUSED/);
    expect(body, "the store address is the operator's, not the public's").not.toMatch(/127\.0\.0\.1|:\d{4,5}\b/);
    // What does not need the store does not notice.
    expect((await app.request('/doc/person/peng-zhen.ttl')).status).toBe(200);
    expect((await app.request('/sparql', { headers: { accept: 'text/html' } })).status).toBe(200);
  });

  it(`should answer 504 once ${TIMEOUT_MS} ms have passed while the store is too slow`, async () => {
    await store.start();
    store.mode = 'slow';
    const started = performance.now();
    const res = await fresh();
    const ms = performance.now() - started;
    expect(res.status).toBe(504);
    expect(await res.text()).toMatch(new RegExp(`^the SPARQL store did not answer within ${TIMEOUT_MS} ms`));
    // Not before the limit; how soon after it depends on the machine's load (the bench's to measure).
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('should answer again as soon as the store is back, with nothing to restart', async () => {
    store.mode = 'up';
    const res = await fresh();
    expect(res.status).toBe(200);
    expect((await app.request('/api/incumbent')).status).toBe(200);
  });

  it('should refuse a query it will not send (400 naming why) without a single request to the store', async () => {
    store.mode = 'up';
    const refused = [
      'SELECT * WHERE { ?s ?p ?o FILTER (<bif:exec>("SPARQL CLEAR GRAPH <urn:x>")) }',
      'PREFIX sql: <sql:> SELECT (sql:version() AS ?v) WHERE {}',
      'SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }',
      'SELECT * WHERE { ?s ?p ?o FILTER (isTRIPLE(?o)) }',
    ];
    for (const query of refused) {
      const before = store.requests;
      const res = await app.request(`/sparql?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'application/sparql-results+json' },
      });
      expect(res.status, query).toBe(400);
      expect(await res.text(), query).toMatch(/bif:exec|sql:version|SERVICE|isTRIPLE/);
      // Not even the content check beside it: nothing about a refused query reaches the store.
      expect(store.requests - before, query).toBe(0);
    }
  });

  it('should have logged no error (a failing store is not a fault of the server), and told the operator twice', () => {
    expect(logged).not.toHaveBeenCalled();
    // Once when it started failing, with where and why; once when it answered again; nothing for each failure.
    expect(warned.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/SPARQL store is failing: the SPARQL store answered 500 .*\(http:\/\/127\.0\.0\.1:\d+\)$/s),
      'npcsc-kg: the SPARQL store answers again',
    ]);
  });
});

describe('npcsc-kg serve, starting over a remote store that is down', () => {
  const closed = { kind: 'sparql' as const, endpoint: '', graph: 'https://w3id.org/npcsc/graph' };
  beforeAll(async () => {
    // A port that was just open and is closed now: connecting is refused (not a port fetch bars by number).
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    closed.endpoint = `http://127.0.0.1:${(s.address() as AddressInfo).port}/sparql`;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('should say the store cannot be reached, not that it does not hold the graph', async () => {
    await expect(prepareStore(await realGraph(), closed)).rejects.toThrow(
      /127\.0\.0\.1:\d+ cannot be reached: .*ECONNREFUSED/,
    );
  });

  it('should name the store and the cause when it cannot load it', async () => {
    await expect(prepareStore(await realGraph(), { ...closed, update: closed.endpoint })).rejects.toThrow(
      /127\.0\.0\.1:\d+.*(ECONNREFUSED|cannot be reached)/,
    );
  });
});
