// Many slow queries at once: the endpoint runs its limit, tells the excess to come back (503 + Retry-After), never crashes, and recovers.
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { poolFor, type QueryPool } from '../../src/sparql/pool.ts';
import { fullApp, sleep } from './support.ts';

const CONCURRENCY = 2;
let app: Hono;
let pool: QueryPool;

/** A query of a second or so (a 164,025-row join counted), made distinct by `i` so that no two share a run. */
const slow = (i: number) => `SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?d a ?f FILTER (?f != <urn:overload:${i}>) }`;

beforeAll(async () => {
  // A time limit far past the slow queries' length, however loaded the machine: the two admitted ones are answered.
  const full = await fullApp({ limits: { concurrency: CONCURRENCY, timeoutMs: 120_000 } });
  app = full.app;
  pool = poolFor(full.graph, CONCURRENCY);
  // Every thread started, so that the test measures queries, not thread start-up.
  await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      app.request(`/sparql?query=${encodeURIComponent(`ASK { ?s ?p ${i} }`)}`),
    ),
  );
  while (pool.stats().starting > 0) await sleep(50);
});

describe(`An endpoint allowed ${CONCURRENCY} queries at once, sent 40 slow ones together`, () => {
  it('should answer its limit, turn the rest away with 503 and Retry-After, and log nothing', async () => {
    const logged = vi.spyOn(console, 'error');
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const via = i % 2 ? 'GET' : 'POST';
        const res =
          via === 'GET'
            ? await app.request(`/sparql?query=${encodeURIComponent(slow(i))}`)
            : await app.request('/sparql', {
                method: 'POST',
                headers: { 'content-type': 'application/sparql-query' },
                body: slow(i),
              });
        return { status: res.status, retry: res.headers.get('retry-after'), body: await res.text() };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 503);
    expect(ok.length + busy.length, JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 503))).toBe(
      40,
    );
    expect(ok.length).toBeGreaterThanOrEqual(CONCURRENCY);
    expect(busy.length).toBeGreaterThan(20);
    for (const b of busy) {
      expect(b.retry).toBe('1');
      expect(b.body).toMatch(new RegExp(`running its limit of ${CONCURRENCY} queries; try again shortly`));
    }
    for (const o of ok) expect(JSON.parse(o.body).results.bindings[0].n.value).toMatch(/^\d+$/);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
    expect(pool.stats().starting + pool.stats().idle + pool.stats().busy).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('should answer at once again when the storm is over, on the runners it had', async () => {
    while (pool.stats().slotsInUse > 0) await sleep(50);
    // No runner was lost or left busy by the storm: the next query needs no start and no wait.
    const { started } = pool.stats();
    expect(pool.stats()).toMatchObject({ busy: 0, starting: 0 });
    const res = await app.request(`/sparql?query=${encodeURIComponent('SELECT ?x WHERE { VALUES ?x { 1 2 } }')}`);
    expect(res.status).toBe(200);
    expect(pool.stats().started).toBe(started);
    const api = await app.request('/api/holders');
    expect(api.status).toBe(200);
  });
});
