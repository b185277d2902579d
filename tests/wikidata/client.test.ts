// The Wikidata client against the stand-in: identity, allowlist, pacing, Retry-After and maxlag, timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_AGENT } from '../../src/outbound.ts';
import { NetworkError, retryAfterMs, WikidataClient } from '../../src/wikidata/client.ts';
import { type StandIn, startStandIn } from './standin.ts';

let wd: StandIn;
beforeAll(async () => {
  wd = await startStandIn();
});
afterAll(() => wd.close());

const client = (s: StandIn, extra: Partial<ConstructorParameters<typeof WikidataClient>[0]> = {}) =>
  new WikidataClient({ api: s.api, sparql: s.sparql, paceMs: 0, ...extra });

describe('The Wikidata client', () => {
  it('builds API URLs with wikibase-sdk, sends maxlag, and identifies itself', async () => {
    const hits = await client(wd).search('Peng Zhen', 'en');
    expect(hits.map((h) => h.id)).toEqual(['Q900000002', 'Q900000007']);
    const last = wd.requests.at(-1);
    expect(last?.params.get('action')).toBe('wbsearchentities');
    expect(last?.params.get('maxlag')).toBe('5');
    expect(last?.userAgent).toBe(USER_AGENT);
  });

  it('may fetch exactly its two endpoints and nothing else', async () => {
    const c = client(wd);
    expect(c.allowlist).toEqual([wd.api, wd.sparql]);
    const seen: string[] = [];
    const spy = client(wd, {
      fetchImpl: async (input) => {
        seen.push(String(input));
        return new Response('{}');
      },
    });
    await expect(spy.entities(['Q900000001'])).resolves.toBeInstanceOf(Map);
    expect(seen.every((u) => u.startsWith(wd.api))).toBe(true);
    const elsewhere = new WikidataClient({ api: wd.api, sparql: 'http://127.0.0.1:1/sparql', paceMs: 0 });
    expect(elsewhere.allowlist).not.toContain(wd.sparql);
    expect(() => new WikidataClient({ api: 'http://127.0.0.1:1/', sparql: wd.sparql })).toThrow(/api\.php/);
  });

  it('keeps its requests apart by the pace it is given', async () => {
    const c = client(wd, { paceMs: 120 });
    const from = wd.requests.length;
    await c.search('Liu Qi', 'en');
    await c.search('刘奇', 'zh');
    await c.entities(['Q900000003']);
    const times = wd.requests.slice(from).map((r) => r.at);
    expect(times).toHaveLength(3);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(110);
  });

  it('waits and retries after a maxlag error and a 429, as Retry-After says', async () => {
    const busy = await startStandIn({ busy: ['maxlag', 429] });
    try {
      const c = client(busy);
      const entities = await c.entities(['Q900000002']);
      expect(entities.get('Q900000002')?.labels?.en?.value).toBe('Peng Zhen');
      expect(c.requests).toBe(3);
    } finally {
      await busy.close();
    }
  });

  it('gives up when the server stays busy', async () => {
    const busy = await startStandIn({ busy: ['maxlag', 'maxlag', 'maxlag'] });
    try {
      await expect(client(busy, { maxRetries: 2 }).search('Peng Zhen', 'en')).rejects.toThrow(
        /busy \(maxlag\) after 3/,
      );
    } finally {
      await busy.close();
    }
  });

  it('turns a slow answer into a NetworkError after its timeout', async () => {
    // The stand-in would answer only after the test's own time limit: an answer at all means the timeout failed.
    const slow = await startStandIn({ delayMs: 120_000 });
    try {
      const err = await client(slow, { timeoutMs: 150 })
        .sparql('SELECT * WHERE { ?s ?p ?o } LIMIT 1')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toMatch(/within 150 ms/);
    } finally {
      await slow.close();
    }
  });

  it('turns a dropped connection into a NetworkError', async () => {
    const broken = await startStandIn({ failAfter: 0 });
    try {
      await expect(client(broken).search('Peng Zhen', 'en')).rejects.toBeInstanceOf(NetworkError);
    } finally {
      await broken.close();
    }
  });

  it('asks the Query Service and reads SPARQL JSON results', async () => {
    const json = await client(wd).sparql(
      'PREFIX wdt: <http://www.wikidata.org/prop/direct/> PREFIX wd: <http://www.wikidata.org/entity/> ' +
        'SELECT ?item WHERE { ?item wdt:P39 wd:Q900000001 } ORDER BY ?item',
    );
    expect(json.results.bindings.map((b) => b.item?.value)).toEqual([
      'http://www.wikidata.org/entity/Q900000002',
      'http://www.wikidata.org/entity/Q900000005',
      'http://www.wikidata.org/entity/Q900000006',
    ]);
    expect(wd.requests.at(-1)?.userAgent).toBe(USER_AGENT);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('3', 5000)).toBe(3000);
    expect(retryAfterMs(null, 5000)).toBe(5000);
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString(), 0)).toBeGreaterThan(50_000);
  });
});
