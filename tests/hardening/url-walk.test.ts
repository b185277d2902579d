// A walk of thousands of distinct 14 KB /id/ URLs leaves the document response cache within its bound by its own accounting: 404s are not kept, long keys are kept as hashes, every entry counted for key, headers and body.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ENTRY_OVERHEAD, headersBytes, MAX_KEY_CHARS } from '../../src/http/caching.ts';
import { ResponseCache } from '../../src/publish/respond.ts';
import { linkedDataRoutesWith } from '../../src/publish/routes.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { realGraph, testConfig } from '../support/graph.ts';

const URLS = 2_000;
/** The size of the URLs in issue 17's measurement: 3,000 of them left 129 MB where the cache reported 42 MB. */
const PAD = 14 * 1024;
const BOUND = 512 * 1024;

let graph: Graph;
beforeAll(async () => {
  graph = await realGraph();
});

/** An app whose document routes keep their responses in `cache` (a bound of BOUND bytes). */
const appWith = (cache: ResponseCache) =>
  createApp(graph, testConfig(), [linkedDataRoutesWith({ responseCache: cache })]);

describe(`${URLS} distinct ${PAD / 1024} KB /id/ URLs`, () => {
  it('should keep nothing for an unknown IRI: its 404 names the IRI, and is made again for each request', async () => {
    const cache = new ResponseCache(20_000, BOUND);
    const app = appWith(cache);
    for (let i = 0; i < URLS; i++) {
      const accept = ['text/html', 'text/turtle', 'application/ld+json', 'application/rdf+xml'][i % 4] as string;
      const res = await app.request(`/id/person/${i}-${'x'.repeat(PAD)}`, { headers: { accept } });
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    }
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    // Still answered correctly: the 404 names the IRI asked for.
    const again = await app.request(`/id/person/nobody-${'y'.repeat(PAD)}`, { headers: { accept: 'text/turtle' } });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain(`id/person/nobody-${'y'.repeat(PAD)}`);
  });

  it('should stay within its bound where each is answered and kept, each counted for key, headers and body', async () => {
    const cache = new ResponseCache(20_000, BOUND);
    const app = appWith(cache);
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < URLS; i++) {
      // A known identifier under a distinct 14 KB query string: a 303 kept per URL.
      const res = await app.request(`/id/person/peng-zhen?pad=${i}-${'x'.repeat(PAD)}`, {
        headers: { accept: 'text/turtle' },
      });
      expect(res.status).toBe(303);
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      // What the cache must count for it at least: the key as kept (its hash), the headers sent, no body.
      smallest = Math.min(smallest, headersBytes(headers) + 40 + ENTRY_OVERHEAD);
      expect(cache.bytes).toBeLessThanOrEqual(BOUND);
    }
    // Some were let go (2,000 did not fit), and what is kept is counted at no less than what it holds...
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(URLS);
    expect(cache.bytes).toBeGreaterThanOrEqual(cache.size * smallest);
    // ...while a key costs a bounded amount (at most MAX_KEY_CHARS), not the 14 KB of the URL.
    expect(cache.bytes / cache.size).toBeLessThan(2 * smallest + MAX_KEY_CHARS);
  });
});
