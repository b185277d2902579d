// Memory per query: a query that outgrows its thread's heap loses that thread (503) while the process and other clients go on, and answers are capped in bytes as well as rows, for every engine.
import { describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../src/config.ts';
import { memoryMessage, poolFor } from '../../src/sparql/pool.ts';
import { doubling, fullApp } from './support.ts';

/** A megabyte string, made flat (UCASE) once for every triple of the graph: the heap grows row by row. */
const MEGABYTES_PER_ROW = doubling(20, '(UCASE(?x20) AS ?u)', '?s ?p ?o .');
const post = (query: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/sparql-query', 'cache-control': 'no-cache' },
  body: query,
});

describe('A query that takes more memory than its thread may have', () => {
  it('should get a 503 naming the limit, its thread replaced, while another client is answered', async () => {
    const memory = 192;
    // A time limit far past the memory one: Oxigraph (the default store) grows as fast as it computes, which on a
    // loaded machine may take longer than the default 10 s to reach the limit; the pool reads its RSS meanwhile.
    const { app, graph, config } = await fullApp({
      limits: { threadMemoryMb: memory, concurrency: 2, timeoutMs: 100_000 },
    });
    const pool = poolFor(graph, config.limits.concurrency, config.store, memory);
    // Both threads up first: the other client must not wait for one to start.
    await Promise.all([1, 2].map(() => app.request('/sparql', post('ASK { ?s ?p ?o }'))));
    const before = pool.stats();
    const bomb = Promise.resolve(app.request('/sparql', post(MEGABYTES_PER_ROW))).then(async (r) => {
      return { status: r.status, text: await r.text() };
    });
    const other = Promise.resolve(app.request('/sparql', post('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'))).then(
      async (r) => {
        return r.status;
      },
    );
    const [b, o] = await Promise.all([bomb, other]);
    expect(b.status).toBe(503);
    expect(b.text).toContain(memoryMessage(memory));
    expect(o).toBe(200);
    expect(pool.stats().ended).toBeGreaterThan(before.ended);
    // The thread it lost is replaced: the endpoint answers as before.
    const after = await app.request('/sparql', post('ASK { ?s ?p ?o }'));
    expect(after.status).toBe(200);
  }, 180_000);
});

// The string-doubling query twenty times in a row, the server's process and RSS measured: tests/faults/faults.test.ts
// (a server of its own; here the RSS would be the test worker's).

const STORES: StoreConfig[] = [{ kind: 'memory' }, { kind: 'oxigraph' }, { kind: 'comunica' }];

describe.each(STORES)('An answer larger than the byte cap, over the $kind store', (store) => {
  const cap = 4_000;
  const cases: [string, string, string][] = [
    ['SELECT * WHERE { ?s ?p ?o }', 'application/sparql-results+json', 'json'],
    ['SELECT * WHERE { ?s ?p ?o }', 'application/sparql-results+xml', 'xml'],
    ['SELECT * WHERE { ?s ?p ?o }', 'text/csv', 'csv'],
    ['SELECT * WHERE { ?s ?p ?o }', 'text/tab-separated-values', 'tsv'],
    ['CONSTRUCT WHERE { ?s ?p ?o }', 'text/turtle', 'turtle'],
    ['CONSTRUCT WHERE { ?s ?p ?o }', 'application/n-triples', 'ntriples'],
    ['CONSTRUCT WHERE { ?s ?p ?o }', 'application/ld+json', 'jsonld'],
  ];
  it.each(cases)(
    'should be cut to fit and say so (%s as %s)',
    async (query, accept) => {
      const { app } = await fullApp({ limits: { resultBytes: cap }, store });
      const res = await app.request(`/sparql?query=${encodeURIComponent(query)}`, { headers: { accept } });
      expect(res.status).toBe(200);
      expect(res.headers.get('results-truncated')).toBe('true');
      expect(res.headers.get('results-limit-bytes')).toBe(String(cap));
      const body = await res.text();
      // The marker the row cap adds (JSON's "truncated", XML's <link>) may come on top of the cap.
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(cap + 200);
      expect(Buffer.byteLength(body)).toBeGreaterThan(cap / 4);
      if (accept.includes('json') && query.startsWith('SELECT')) expect(JSON.parse(body).truncated).toBe(true);
    },
    60_000,
  );
});
