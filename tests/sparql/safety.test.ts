// The public endpoint's bounds: query length, body size, result rows, execution time, concurrency, and no fetch it did not choose.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { get, listen, post, recordingListener, type SparqlApp, settled, sleep, sparqlApp } from './helpers.ts';

/** A cross product of the graph with itself three times: about 2.7e10 rows to count, hours of work. */
const RUNAWAY = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }';
const LABELS = 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?l WHERE { ?s rdfs:label ?l }';

describe('An endpoint with small limits', () => {
  let s: SparqlApp;
  beforeAll(async () => {
    s = await sparqlApp({ limits: { queryLength: 200, bodyBytes: 300, resultRows: 5 } });
  });

  it('should refuse a GET query longer than the limit with 414', async () => {
    const res = await get(s.app, `ASK {} # ${'x'.repeat(200)}`);
    expect(res.status).toBe(414);
    expect(await res.text()).toMatch(/longer than 200 characters/);
  });

  it('should refuse a POSTed query longer than the limit with 413', async () => {
    const res = await post(s.app, `ASK {} # ${'x'.repeat(250)}`);
    expect(res.status).toBe(413);
  });

  it('should refuse a body larger than the limit with 413, by its Content-Length', async () => {
    const res = await s.app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '5000' },
      body: `query=${'x'.repeat(4990)}`,
    });
    expect(res.status).toBe(413);
  });

  it('should refuse a streamed body larger than the limit with 413, whatever it declares', async () => {
    const chunk = new TextEncoder().encode(`query=${'x'.repeat(200)}`);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(chunk);
        c.enqueue(chunk);
        c.close();
      },
    });
    const res = await s.app.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('should cut a long result at the row limit and say so in a header and in the JSON', async () => {
    const res = await get(s.app, LABELS);
    expect(res.status).toBe(200);
    expect(res.headers.get('results-truncated')).toBe('true');
    expect(res.headers.get('results-limit')).toBe('5');
    const json = (await res.json()) as { results: { bindings: unknown[] }; truncated: boolean; limit: number };
    expect(json.results.bindings).toHaveLength(5);
    expect(json.truncated).toBe(true);
    expect(json.limit).toBe(5);
  });

  it('should say so in a SPARQL XML link and for CSV in the header alone', async () => {
    const xml = await get(s.app, LABELS, { accept: 'application/sparql-results+xml' });
    expect(await xml.text()).toMatch(/<link href="[^"]*sparql#limits"\/>\s*<\/head>/);
    const csv = await get(s.app, LABELS, { accept: 'text/csv' });
    expect(csv.headers.get('results-truncated')).toBe('true');
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(6);
  });

  it('should cut a long CONSTRUCT result too', async () => {
    const res = await get(s.app, 'CONSTRUCT WHERE { ?s ?p ?o }', { accept: 'application/n-triples' });
    expect(res.headers.get('results-truncated')).toBe('true');
    expect((await res.text()).trim().split('\n')).toHaveLength(5);
  });

  it('should not mark a result that fits', async () => {
    const res = await get(s.app, 'SELECT ?x WHERE { VALUES ?x { 1 2 3 } }');
    expect(res.headers.get('results-truncated')).toBeNull();
    expect(await res.json()).not.toHaveProperty('truncated');
  });
});

// A limit long enough that the other query is answered within it however loaded the machine: the order of the two
// answers is what the first test holds.
describe('An endpoint with a 10 s execution limit, on a real socket', () => {
  let s: SparqlApp;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    s = await sparqlApp({ limits: { timeoutMs: 10_000 } });
    server = await listen(s.app);
    await settled(s.pool);
  });
  afterAll(async () => server.close());

  it('should stop a query that would run for hours at its limit, with a clear error, answering another meanwhile', async () => {
    const ended = s.pool.stats().ended;
    let slowDone = false;
    const slow = fetch(`${server.url}/sparql?query=${encodeURIComponent(RUNAWAY)}`).then(async (r) => {
      const answer = { status: r.status, text: await r.text() };
      slowDone = true;
      return answer;
    });
    while (s.pool.stats().busy === 0) await sleep(10);
    const other = await fetch(`${server.url}/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`);
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ head: {}, boolean: true });
    // Answered while the runaway query still ran: it waited for no one.
    expect(slowDone).toBe(false);

    const answer = await slow;
    expect(answer.status).toBe(503);
    expect(answer.text).toMatch(/exceeded the execution time limit of 10000 ms and was stopped/);
    // The query's thread was ended: that, not the answer, is what stops the engine.
    expect(s.pool.stats().ended).toBeGreaterThan(ended);
  });

  it('should leave no engine computing after the stop: the process goes idle', async () => {
    await settled(s.pool);
    const before = process.cpuUsage();
    await sleep(1000);
    const used = process.cpuUsage(before);
    // A runaway engine would use a whole core (about 1000 ms in this second).
    expect((used.user + used.system) / 1000).toBeLessThan(300);
  });

  it('should answer normally after the stop', async () => {
    const res = await fetch(`${server.url}/sparql?query=${encodeURIComponent('SELECT ?x WHERE { VALUES ?x { 1 } }')}`);
    expect(res.status).toBe(200);
  });
});

describe('An endpoint whose query runner dies mid-query, twice', () => {
  let s: SparqlApp;
  beforeAll(async () => {
    s = await sparqlApp({ limits: { timeoutMs: 5000 } });
    await settled(s.pool);
  });

  it('should run the query once more, then answer a masked 500 and go on answering the next', async () => {
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const slow = get(s.app, RUNAWAY);
    // A crash inside the engine ends its runner the same way: reach into the pool and end the busy one, twice (the
    // query runs again on another runner after the first loss).
    const threads = (s.pool as unknown as { threads: Set<{ state: string; worker: { terminate(): Promise<void> } }> })
      .threads;
    for (let loss = 0; loss < 2; loss++) {
      let busy = [...threads].find((t) => t.state === 'busy');
      for (; !busy; busy = [...threads].find((t) => t.state === 'busy')) await sleep(10);
      await busy.worker.terminate();
    }
    const res = await slow;
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('internal server error\n');
    expect(warned.mock.calls.filter((c) => /running it again/.test(String(c[0])))).toHaveLength(1);
    warned.mockRestore();
    expect((await get(s.app, 'SELECT ?x WHERE { VALUES ?x { 42 } }')).status).toBe(200);
  });
});

describe('An endpoint limited to one query at a time', () => {
  let s: SparqlApp;
  beforeAll(async () => {
    s = await sparqlApp({ limits: { concurrency: 1, timeoutMs: 3000 } });
  });

  it('should turn away a second query with 503 and Retry-After while the first runs', async () => {
    const slow = get(s.app, RUNAWAY);
    await sleep(100);
    const second = await get(s.app, 'ASK {}');
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.text()).toMatch(/limit of 1 queries/);
    expect((await slow).status).toBe(503);
  });

  it('should take queries again once the first is done', async () => {
    await settled(s.pool);
    expect((await get(s.app, 'ASK {}')).status).toBe(200);
  });
});

describe('The endpoint, asked to reach a local listener', () => {
  let s: SparqlApp;
  let target: Awaited<ReturnType<typeof recordingListener>>;
  beforeAll(async () => {
    target = await recordingListener();
    s = await sparqlApp();
  });
  afterAll(async () => target.close());

  it('should never fetch FROM, FROM NAMED, dataset parameters or IRIs in a query', async () => {
    const u = target.url;
    const queries = [
      `SELECT * FROM <${u}/x> WHERE { ?s ?p ?o }`,
      `SELECT * FROM NAMED <${u}/y> WHERE { GRAPH ?g { ?s ?p ?o } }`,
      `DESCRIBE <${u}/thing>`,
      `SELECT * WHERE { <${u}/a> ?p ?o }`,
      `SELECT ?x WHERE { BIND (IRI("${u}/b") AS ?x) ?x ?p ?o }`,
      `CONSTRUCT { ?s ?p ?o } FROM <${u}/c> WHERE { ?s ?p ?o }`,
    ];
    for (const q of queries) {
      const res = await get(s.app, q);
      expect(res.status, q).toBe(200);
    }
    const dataset = await s.app.request(
      `/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}&default-graph-uri=${encodeURIComponent(`${u}/d`)}&named-graph-uri=${encodeURIComponent(`${u}/e`)}`,
    );
    expect(await dataset.json()).toEqual({ head: {}, boolean: false });
    expect(target.requests).toEqual([]);
  });

  it('should refuse a SERVICE off the allowlist with 400, and make no request', async () => {
    const res = await get(s.app, `SELECT * WHERE { SERVICE <${target.url}/sparql> { ?s ?p ?o } }`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/SERVICE <http:\/\/127\.0\.0\.1:\d+\/sparql> is not allowed/);
    const variable = await get(s.app, 'SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }');
    expect(variable.status).toBe(400);
    expect(target.requests).toEqual([]);
  });

  it('should let a SERVICE SILENT off the allowlist fail quietly inside the guard, still without a request', async () => {
    const res = await get(s.app, `SELECT * WHERE { SERVICE SILENT <${target.url}/sparql> { ?s ?p ?o } }`);
    expect(res.status).toBe(200);
    expect(target.requests).toEqual([]);
  });

  it('should refuse LOAD, as every update, and make no request', async () => {
    const res = await post(s.app, `LOAD <${target.url}/data.ttl>`);
    expect(res.status).toBe(403);
    expect(target.requests).toEqual([]);
  });

  it('should reach a SERVICE that the allowlist names, through the guarded fetch', async () => {
    const allowed = await sparqlApp({ serviceAllowlist: [`${target.url}/sparql`] });
    const res = await get(allowed.app, `SELECT ?x WHERE { SERVICE <${target.url}/sparql> { ?s ?p ?x } }`);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { results: { bindings: { x: { value: string } }[] } };
    expect(json.results.bindings.map((b) => b.x.value)).toEqual(['remote']);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(target.requests.length).toBeGreaterThan(0);
  });
});
