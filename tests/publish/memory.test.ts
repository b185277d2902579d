// What the server keeps in memory stays within its budgets: a crawler walking every page of a large graph, or a
// client sending endless header variations, cannot grow it, and what was let go is rendered again alike.
import { describe, expect, it } from 'vitest';
import { Publisher, type Representation } from '../../src/publish/publisher.ts';
import { type Prepared, ResponseCache } from '../../src/publish/respond.ts';
import { realGraph, testConfig } from '../support/graph.ts';

const prepared = (bytes: number): Prepared => ({
  status: 200,
  etag: '"x"',
  body: new Uint8Array(bytes),
  headers: {},
  notModified: {},
});

describe('The prepared-response cache', () => {
  it('should let the oldest go past its entry limit, keeping the newest', () => {
    const cache = new ResponseCache(3, 1_000_000);
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set(k, prepared(10));
    expect(cache.size).toBe(3);
    expect(['a', 'b'].map((k) => cache.get(k))).toEqual([undefined, undefined]);
    expect(['c', 'd', 'e'].every((k) => cache.get(k))).toBe(true);
  });

  it('should let the oldest go past its byte limit, and never keep one body over an eighth of it', () => {
    const cache = new ResponseCache(1_000, 8_000);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, prepared(900));
    // 8,000 bytes hold 8 bodies of 900: the first two went.
    expect(cache.size).toBe(8);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k9')).toBeDefined();
    cache.set('big', prepared(1_001));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(8);
  });

  it('should count a replaced entry once', () => {
    const cache = new ResponseCache(1_000, 8_000);
    for (let i = 0; i < 20; i++) cache.set('same', prepared(900));
    for (let i = 0; i < 7; i++) cache.set(`k${i}`, prepared(900));
    expect(cache.size).toBe(8);
  });
});

describe('The rendered-document cache', () => {
  const render = async (pub: Publisher, key: string): Promise<Representation> => pub.document(key, 'turtle', 'en');

  it('should keep every document rendered when they fit, and answer again with the very same bytes', async () => {
    const graph = await realGraph();
    const pub = new Publisher(graph, testConfig());
    const keys = pub.documentKeys();
    const first = await Promise.all(keys.map((k) => render(pub, k)));
    expect(pub.documentCacheUse().entries).toBe(keys.length);
    expect(pub.documentCacheUse().bytes).toBe(first.reduce((n, r) => n + r.body.byteLength, 0));
    expect(await render(pub, keys[0] as string)).toBe(first[0]);
  });

  it('should stay within a small budget while every document is rendered, the least recently used going first', async () => {
    const graph = await realGraph();
    const budget = 256 * 1024;
    const pub = new Publisher(graph, testConfig(), { documentCacheBytes: budget });
    const keys = pub.documentKeys();
    const first = new Map<string, Representation>();
    for (const k of keys) {
      first.set(k, await render(pub, k));
      expect(pub.documentCacheUse().bytes).toBeLessThanOrEqual(budget);
    }
    const total = [...first.values()].reduce((n, r) => n + r.body.byteLength, 0);
    expect(total, 'the dataset must be larger than the budget for this test to mean anything').toBeGreaterThan(budget);
    // The first document was let go: rendered again, it is a new object with the same bytes and ETag.
    const again = await render(pub, keys[0] as string);
    expect(again).not.toBe(first.get(keys[0] as string));
    expect(Buffer.from(again.body).equals(Buffer.from((first.get(keys[0] as string) as Representation).body))).toBe(
      true,
    );
    expect(again.etag).toBe(first.get(keys[0] as string)?.etag);
    // The last one rendered (of a size it keeps: at most an eighth of the budget) is still kept.
    const last = keys.findLast((k) => (first.get(k)?.body.byteLength ?? budget) <= budget / 8) as string;
    expect(await render(pub, last)).toBe(first.get(last));
  });

  it('should keep nothing with a budget of 0 (the static export)', async () => {
    const graph = await realGraph();
    const pub = new Publisher(graph, testConfig(), { documentCacheBytes: 0 });
    for (const k of pub.documentKeys().slice(0, 10)) await render(pub, k);
    expect(pub.documentCacheUse()).toEqual({ entries: 0, bytes: 0 });
  });
});
