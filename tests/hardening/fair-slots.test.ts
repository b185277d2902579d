// One client flooding /sparql with cartesian products holds at most its share of the query slots: another client's small uncached queries keep being answered (clients told apart by address, here forwarded by a trusted proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientShare, poolFor, stoppedMessage } from '../../src/sparql/pool.ts';
import { listen, sparqlApp } from '../sparql/helpers.ts';
import { sleep } from './support.ts';

const CONCURRENCY = 4;
const FLOODERS = 8;
const TIMEOUT_MS = 8_000;
let url: string;
let close: () => Promise<void>;

/**
 * A cartesian product of some ten billion rows, made distinct by `i` so that no two share a run: on any engine it
 * holds its slot until the time limit, so the flooder is always at its share while its other connections ask (a
 * product of a few hundred thousand rows, which Oxigraph counts in milliseconds, left that to the machine's speed).
 */
const cartesian = (i: number) =>
  `SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?g . ?h a ?f FILTER (?f != <urn:flood:${i}>) }`;

/** A query from `client` (its address as the proxy forwards it), never answered from a cache. */
const ask = async (client: string, query: string) => {
  const res = await fetch(`${url}/sparql?query=${encodeURIComponent(query)}`, {
    headers: { 'x-forwarded-for': client, accept: 'application/sparql-results+json', 'cache-control': 'no-cache' },
  });
  return { status: res.status, body: await res.text() };
};

beforeAll(async () => {
  // The test's own connections come from 127.0.0.1, the proxy this server trusts.
  const s = await sparqlApp({
    limits: { concurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS },
    trustedProxies: ['127.0.0.1'],
  });
  const pool = poolFor(s.graph, CONCURRENCY);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      s.app.request(`/sparql?query=${encodeURIComponent(`ASK { ?s ?p ${i} }`)}`),
    ),
  );
  while (pool.stats().starting > 0) await sleep(50);
  ({ url, close } = await listen(s.app));
}, 60_000);
afterAll(async () => {
  await close?.();
});

describe(`An endpoint of ${CONCURRENCY} query slots, one client flooding it over ${FLOODERS} connections`, () => {
  it("should answer another client's small uncached queries at least 9 times in 10, and tell the flooder its share", async () => {
    let flooding = true;
    const flood: { status: number; body: string }[] = [];
    let n = 0;
    const flooders = Array.from({ length: FLOODERS }, async () => {
      while (flooding) flood.push(await ask('203.0.113.7', cartesian(n++)));
    });
    // The flood is under way before the other client asks.
    while (flood.length === 0 && n < FLOODERS * 2) await sleep(20);
    await sleep(300);
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await ask('198.51.100.2', `SELECT ?x WHERE { VALUES ?x { ${i} } ?s ?p ?o } LIMIT 1`);
      answers.push(r.status);
    }
    flooding = false;
    await Promise.all(flooders);
    expect(answers.filter((s) => s === 200).length, JSON.stringify(answers)).toBeGreaterThanOrEqual(9);
    // The flooder held slots too, up to its share, and was told to wait beyond it. A flood query that ran in a
    // slot ends in a 200 or, on a slow or loaded machine, at the time limit (503 naming it): both were served.
    const served = flood.filter(
      (r) => r.status === 200 || (r.status === 503 && r.body.includes(stoppedMessage(TIMEOUT_MS))),
    );
    const turnedAway = flood.filter((r) => r.status === 503 && /try again shortly/.test(r.body));
    const summary = JSON.stringify({ flood: flood.length, served: served.length, turnedAway: turnedAway.length });
    expect(served.length, summary).toBeGreaterThan(0);
    expect(turnedAway.length, summary).toBeGreaterThan(0);
    expect(served.length + turnedAway.length, summary).toBe(flood.length);
    expect(clientShare(CONCURRENCY)).toBe(2);
  }, 120_000);
});
