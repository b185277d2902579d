// What the server keeps in memory stays within its budgets: a crawler walking every page of a large graph, or a
// client sending endless header variations, cannot grow it, and what was let go is rendered again alike.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD, headersBytes, MAX_KEY_CHARS } from '../../src/http/caching.ts';
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

  /** What one entry of `bytes` of body under a two-character key is counted for. */
  const costOf = (bytes: number): number => {
    const probe = new ResponseCache(1, 1_000_000);
    probe.set('k0', prepared(bytes));
    return probe.cost('k0') as number;
  };

  it('should let the oldest go past its byte limit, and never keep one entry over an eighth of it', () => {
    const one = costOf(900);
    const cache = new ResponseCache(1_000, one * 8);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, prepared(900));
    // The bound holds 8 such entries: the first two went.
    expect(cache.size).toBe(8);
    expect(cache.bytes).toBe(one * 8);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k9')).toBeDefined();
    cache.set('k!', prepared(901));
    expect(cache.get('k!')).toBeUndefined();
    expect(cache.size).toBe(8);
  });

  it('should count a replaced entry once', () => {
    const cache = new ResponseCache(1_000, costOf(900) * 8);
    for (let i = 0; i < 20; i++) cache.set('k7', prepared(900));
    for (let i = 0; i < 7; i++) cache.set(`k${i}`, prepared(900));
    expect(cache.size).toBe(8);
  });

  it('should count each entry for its key, ETag, both header objects and body, beyond the bookkeeping', () => {
    const cache = new ResponseCache();
    const headers = { 'content-type': 'text/turtle; charset=utf-8', vary: 'Accept', 'content-length': '100' };
    const p: Prepared = { ...prepared(100), headers, notModified: { vary: 'Accept' } };
    cache.set('/doc/x', p);
    const held = 100 + '"x"'.length + headersBytes(headers) + headersBytes(p.notModified);
    expect(cache.cost('/doc/x')).toBe(held + '/doc/x'.length + ENTRY_OVERHEAD);
    // A header counts at least its name and value.
    expect(headersBytes(headers)).toBeGreaterThan(Object.entries(headers).join('').length);
  });

  it('should keep a key of 14 KB as its hash, counted for what is kept, and still tell keys apart', () => {
    const cache = new ResponseCache();
    const long = (c: string) => `/id/${c.repeat(14_000)}\u0000\u0000text/html\u0000\u0000`;
    cache.set(long('a'), prepared(10));
    cache.set(long('b'), prepared(20));
    expect(cache.get(long('a'))?.body?.byteLength).toBe(10);
    expect(cache.get(long('b'))?.body?.byteLength).toBe(20);
    expect(cache.get(long('c'))).toBeUndefined();
    const cost = cache.cost(long('a')) as number;
    expect(cost).toBeGreaterThan(10 + ENTRY_OVERHEAD);
    expect(cost).toBeLessThan(10 + ENTRY_OVERHEAD + MAX_KEY_CHARS);
  });

  it('should not let a short key pose as the hash a long key is kept under', () => {
    const cache = new ResponseCache();
    const long = `/id/${'a'.repeat(1_000)}`;
    cache.set(long, prepared(10));
    const posing = `\u0000#${createHash('sha256').update(long).digest('base64url')}`;
    expect(cache.get(posing)).toBeUndefined();
    cache.set(posing, prepared(20));
    expect(cache.get(long)?.body?.byteLength).toBe(10);
    expect(cache.size).toBe(2);
  });
});

describe('The rendered-document cache', () => {
  const render = async (pub: Publisher, key: string): Promise<Representation> => pub.document(key, 'turtle', 'en');
  /** What a document is counted for: its body, type and ETag (Representation.bytes), its key and the bookkeeping. */
  const counted = (r: Representation, k: string) => r.bytes + `doc\u0000${k}\u0000turtle\u0000`.length + ENTRY_OVERHEAD;

  it('should keep every document rendered when they fit, and answer again with the very same bytes', async () => {
    const graph = await realGraph();
    const pub = new Publisher(graph, testConfig());
    const keys = pub.documentKeys();
    const first = await Promise.all(keys.map((k) => render(pub, k)));
    expect(pub.documentCacheUse().entries).toBe(keys.length);
    expect(pub.documentCacheUse().bytes).toBe(first.reduce((n, r, i) => n + counted(r, keys[i] as string), 0));
    expect(await render(pub, keys[0] as string)).toBe(first[0]);
  });

  it('should count a gzipped copy from when it is made', async () => {
    const graph = await realGraph();
    const pub = new Publisher(graph, testConfig());
    const key = pub.documentKeys().find((k) => k.startsWith('doc/person/')) as string;
    const rep = await render(pub, key);
    const before = pub.documentCacheUse().bytes;
    const gz = rep.gzipped();
    expect(gz, 'the document must be large enough to be gzipped').toBeDefined();
    expect(pub.documentCacheUse().bytes).toBe(before + (gz?.byteLength ?? 0));
    rep.gzipped();
    expect(pub.documentCacheUse().bytes).toBe(before + (gz?.byteLength ?? 0));
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
    const last = keys.findLast((k) => counted(first.get(k) as Representation, k) <= budget / 8) as string;
    expect(await render(pub, last)).toBe(first.get(last));
  });

  it('should keep nothing with a budget of 0 (the static export)', async () => {
    const graph = await realGraph();
    const pub = new Publisher(graph, testConfig(), { documentCacheBytes: 0 });
    for (const k of pub.documentKeys().slice(0, 10)) await render(pub, k);
    expect(pub.documentCacheUse()).toEqual({ entries: 0, bytes: 0 });
  });
});
