// Query threads answer from the verified graph only: a build cache file truncated or deleted after start changes no answer, a thread that cannot load is a bounded, logged 503, and a grown thread is replaced.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadGraph } from '../../src/build/cache.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { sparqlRoutes } from '../../src/sparql/endpoint.ts';
import type { Job, WorkerInit } from '../../src/sparql/job.ts';
import { MAX_START_FAILURES, poolFor, QueryError, QueryPool } from '../../src/sparql/pool.ts';
import { testConfig } from '../support/graph.ts';
import { get } from './helpers.ts';

const RUNAWAY = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }';
const COUNT = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }';
const HOLDERS = 'SELECT ?t ?h WHERE { ?t <https://w3id.org/npcsc/ontology#holder> ?h } ORDER BY ?t';

const root = mkdtempSync(path.join(tmpdir(), 'npcsc-threads-'));
for (const dir of ['ontology', 'data', 'queries'])
  cpSync(path.join(PROJECT_ROOT, dir), path.join(root, dir), { recursive: true });
// A limit the runaway queries reach, and the others, however loaded the machine, do not.
const config = testConfig({ root, limits: { timeoutMs: 10_000, concurrency: 2 } });
let graph: Graph;
const pools: QueryPool[] = [];

beforeAll(async () => {
  await loadGraph(config); // builds and writes this root's own cache entry
  graph = await loadGraph(config); // read from it, as `npcsc-kg serve` does on its next start
  expect(graph.ntFile).toBeDefined();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

const job = (query: string): Job => ({
  query,
  baseIRI: graph.base,
  format: 'json',
  extensions: false,
  allowlist: [],
  maxResults: 10_000,
  timeoutMs: 5_000,
  limitsDocs: 'x',
  maxBytes: 16 << 20,
});
/** A pool of two runners over the verified dump, on the default store; closed after the file. */
function memoryPool(): QueryPool {
  const pool = new QueryPool(
    {
      nquads: '',
      dump: graph.dump,
      store: { kind: 'memory' },
      prefixes: graph.prefixes,
      context: graph.context,
      base: graph.base,
    },
    2,
  );
  pools.push(pool);
  return pool;
}
const rows = async (app: ReturnType<typeof createApp>, query: string) => {
  const r = await get(app, query, { 'cache-control': 'no-cache' });
  expect(r.status, await r.clone().text()).toBe(200);
  return ((await r.json()) as { results: { bindings: unknown[] } }).results.bindings;
};

describe('A server started from the build cache', () => {
  it('answers in full after the cache file is truncated and then deleted, from threads started after either', async () => {
    const app = createApp(graph, config, [sparqlRoutes]);
    const pool = poolFor(graph, config.limits.concurrency, config.store);
    pools.push(pool);
    await pool.ready();
    const count = await rows(app, COUNT);
    const holders = await rows(app, HOLDERS);
    expect(holders.length).toBeGreaterThanOrEqual(14);

    const ntFile = graph.ntFile as string;
    truncateSync(ntFile, Math.floor(statSync(ntFile).size / 2));
    // A client's runaway query ends its thread at the time limit; the threads started after it load the data anew.
    expect((await get(app, RUNAWAY, { 'cache-control': 'no-cache' })).status).toBe(503);
    const startedBefore = pool.stats().started;
    expect(await rows(app, COUNT)).toEqual(count);
    expect(await rows(app, HOLDERS)).toEqual(holders);

    rmSync(ntFile);
    expect((await get(app, RUNAWAY, { 'cache-control': 'no-cache' })).status).toBe(503);
    // A pool of its own: every one of its threads starts after the file is gone.
    const fresh = poolFor(graph, 1, config.store);
    pools.push(fresh);
    await fresh.ready();
    expect((await fresh.run(job(COUNT))).body).toBe((await pool.run(job(COUNT))).body);
    expect(await rows(app, HOLDERS)).toEqual(holders);
    expect(pool.stats().started).toBeGreaterThan(startedBefore);
    expect(pool.stats().startFailures).toBe(0);
  });
});

describe('A pool whose threads cannot load the graph', () => {
  it('starts a bounded number of them, logs the reason, and answers 503 without a loop', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const dump = graph.dump as NonNullable<Graph['dump']>;
    // The same descriptor under another hash: what a thread finds when the bytes are not the ones verified.
    const broken: Graph = { ...graph, dump: { fd: dump.fd, hash: 'f'.repeat(64) } };
    const app = createApp(broken, config, [sparqlRoutes]);
    const pool = poolFor(broken, config.limits.concurrency, config.store);
    pools.push(pool);

    const first = await get(app, COUNT);
    expect(first.status).toBe(503);
    expect(await first.text()).toMatch(/query threads cannot load the graph/);
    expect(first.headers.get('retry-after')).toBe('60');
    // Held now: no further start, and an answer at once.
    const { started } = pool.stats();
    expect(started).toBe(MAX_START_FAILURES);
    for (let i = 0; i < 5; i++) expect((await get(app, COUNT, { 'cache-control': 'no-cache' })).status).toBe(503);
    await expect(pool.run(job(COUNT))).rejects.toThrow(QueryError);
    expect(pool.stats()).toMatchObject({ started, starting: 0, idle: 0, busy: 0 });
    const lines = logged.mock.calls.map((c) => String(c[0]));
    expect(lines.filter((l) => l.includes("the graph's dump changed after it was verified")).length).toBe(
      MAX_START_FAILURES,
    );
    expect(lines.some((l) => /no further thread is started/.test(l))).toBe(true);
    // The client's answer does not carry the operator's reason.
    expect(await (await get(app, COUNT)).text()).not.toMatch(/sha256|dump/);
  });
});

describe('An Oxigraph thread that a large query made grow', () => {
  it('is replaced after that query, a minimum thread included, and its replacement answers', async () => {
    const init: WorkerInit = {
      nquads: '',
      dump: graph.dump,
      store: { kind: 'oxigraph' },
      prefixes: graph.prefixes,
      context: graph.context,
      base: graph.base,
    };
    // One thread, so the one that grew is a minimum thread; growth past 64 MiB counts.
    const pool = new QueryPool(init, 1, undefined, { recycleGrowthBytes: 64 << 20 });
    pools.push(pool);
    await pool.ready();
    const small = await pool.run(job('ASK { ?s ?p ?o }'));
    expect(small.body).toContain('true');
    expect(pool.stats()).toMatchObject({ recycled: 0, started: 1 });
    // A string doubled 23 times (64 MiB, and every copy on the way): WASM memory grows by hundreds of megabytes
    // and a WASM memory never shrinks.
    let binds = 'BIND("abcdefgh" AS ?x0)';
    for (let i = 1; i <= 23; i++) binds += ` BIND(CONCAT(?x${i - 1}, ?x${i - 1}) AS ?x${i})`;
    const big = await pool.run({ ...job(`SELECT (STRLEN(?x23) AS ?n) WHERE { ${binds} }`), timeoutMs: 60_000 });
    expect(big.body).toContain('"67108864"');
    expect(pool.stats()).toMatchObject({ recycled: 1, started: 2, ended: 1 });
    expect((await pool.run(job(COUNT))).body).toMatch(/"value":"\d{4}"/);
  });
});

/** The query runners (child processes) of this test process, by pid, as /proc lists them. */
function runnerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmd.includes('worker-entry.js')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('A runner that ends while it runs a query', () => {
  it('is replaced, and the query runs again on another runner and is answered in full', async () => {
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const pool = memoryPool();
    await pool.ready();
    const expected = (await pool.run(job(COUNT))).body;
    // Long enough to be killed in the middle (a second or more): every typed subject against every other, counted.
    const slow = 'SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c . ?t a ?d }';
    const answer = pool.run({ ...job(slow), timeoutMs: 120_000 });
    while (pool.stats().busy === 0) await new Promise((r) => setTimeout(r, 5));
    const before = pool.stats().ended;
    for (const pid of runnerPids()) process.kill(pid, 'SIGKILL');
    const done = await answer;
    expect(done.body).toMatch(/"value":"\d+"/);
    expect(pool.stats().ended).toBeGreaterThan(before);
    expect(warned.mock.calls.some((c) => /running it again/.test(String(c[0])))).toBe(true);
    // The pool is whole again.
    expect((await pool.run(job(COUNT))).body).toBe(expected);
  }, 180_000);
});

describe('A pool at rest, then a long query', () => {
  it('keeps one runner at rest, and starts a spare beside a long query, which answers the next query meanwhile', async () => {
    const pool = memoryPool();
    await pool.ready();
    // One runner (some 80 MB resident) is what an idle server holds; none is starting.
    expect(pool.stats()).toMatchObject({ idle: 1, starting: 0, busy: 0, started: 1 });
    const long = pool.run(job(RUNAWAY)).catch((e: unknown) => e);
    while (pool.stats().started < 2) await new Promise((r) => setTimeout(r, 10));
    const next = await pool.run(job(COUNT));
    expect(next.body).toMatch(/"value":"\d+"/);
    // The long query still had its runner when the next was answered.
    expect(pool.stats().busy).toBe(1);
    expect(await long).toBeInstanceOf(QueryError);
  }, 60_000);
});

describe('The spare runner', () => {
  it('is started by a query still running after 200 ms, not by one that finished before its runner took another', async () => {
    // The pool's timers are faked (the runners and their messages stay real), so "after 200 ms" is exact.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pool = memoryPool();
    try {
      await pool.ready();
      await pool.run(job(COUNT)); // answered: its timer is due at 200
      vi.advanceTimersByTime(150);
      const long = pool.run(job(RUNAWAY)).catch((e: unknown) => e); // on the same runner, its timer due at 350
      while (pool.stats().busy === 0) await new Promise((r) => setImmediate(r));
      vi.advanceTimersByTime(60); // the first query's timer fires while the long one runs
      expect(pool.stats().started).toBe(1);
      vi.advanceTimersByTime(200); // the long query's own
      expect(pool.stats().started).toBe(2);
      vi.advanceTimersByTime(10_000); // past the long query's time limit: it is stopped
      expect(await long).toBeInstanceOf(QueryError);
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});

// Comunica's own failure: it answers the error, then fails a second iterator of the same query. Oxigraph (the
// default store) has no such second failure: it leaves ?b unbound, as SPARQL does an expression's error in a BIND.
describe('A query whose engine fails after its answer was sent, on --store comunica', () => {
  it('(a BIND over a REGEX that does not compile) leaves its runner serving the next queries', async () => {
    const logged = vi.spyOn(console, 'error');
    const warned = vi.spyOn(console, 'warn');
    const comunica = { ...config, store: { kind: 'comunica' as const } };
    const app = createApp(graph, comunica, [sparqlRoutes]);
    const pool = poolFor(graph, comunica.limits.concurrency, comunica.store);
    pools.push(pool);
    await pool.ready();
    const { ended } = pool.stats();
    const bad = 'SELECT ?s WHERE { ?s ?p ?o BIND(REGEX(STR(?s), "3f/kU\\\\kgUV", "") AS ?b) }';
    for (let i = 0; i < 5; i++) {
      const r = await get(app, bad, { 'cache-control': 'no-cache' });
      expect(r.status).toBe(400);
      expect(await r.text()).toMatch(/Invalid regular expression/);
      expect(await rows(app, HOLDERS)).not.toHaveLength(0);
    }
    expect(pool.stats().ended).toBe(ended);
    expect(logged).not.toHaveBeenCalled();
    expect(warned).not.toHaveBeenCalled();
  }, 120_000);
});
