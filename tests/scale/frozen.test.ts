// The read-only store the Graph is loaded into from the build cache answers every read as the n3 Store it replaces.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataFactory, type Quad, type Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraph } from '../../src/build/cache.ts';
import { buildGraph } from '../../src/build/pipeline.ts';
import { makeConfig } from '../../src/config.ts';
import { FrozenStore } from '../../src/rdf/frozen.ts';
import { loadQueryDir } from '../../src/rdf/queries.ts';
import { toNTriples } from '../../src/rdf/serialize.ts';
import { bindParams } from '../../src/sparql/params.ts';
import { runQuery } from '../../src/store/comunica.ts';
import { resultKeys } from './support.ts';

const key = (q: Quad) => `${q.subject.id ?? q.subject.value} ${q.predicate.value} ${q.object.id ?? q.object.value}`;
const keys = (qs: Quad[]) => qs.map(key).sort();
const dir = mkdtempSync(path.join(tmpdir(), 'npcsc-frozen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('A frozen store read from N-Triples', () => {
  let store: Store;
  let frozen: FrozenStore;
  beforeAll(async () => {
    store = (await buildGraph(makeConfig({ serviceAllowlist: [] }))).store;
    // Escapes on purpose: a line the fast path cannot split goes through the parser.
    store.addQuad(
      DataFactory.namedNode('https://example.org/x'),
      DataFactory.namedNode('https://example.org/p'),
      DataFactory.literal('a "quoted"\nline \\ with escapes', 'en'),
    );
    const file = path.join(dir, 'graph.nt');
    writeFileSync(file, await toNTriples(store.getQuads(null, null, null, null)));
    frozen = FrozenStore.fromFile(file);
  });

  it('should hold every triple, once', () => {
    expect(frozen.size).toBe(store.size);
    expect(keys(frozen.getQuads(null, null, null, null))).toEqual(keys(store.getQuads(null, null, null, null)));
  });

  it('should match every pattern of bound and free terms as the n3 Store does', () => {
    const all = store.getQuads(null, null, null, null);
    for (const q of all.filter((_, i) => i % 37 === 0)) {
      for (const [s, p, o] of [
        [q.subject, null, null],
        [null, q.predicate, null],
        [null, null, q.object],
        [q.subject, q.predicate, null],
        [null, q.predicate, q.object],
        [q.subject, null, q.object],
        [q.subject, q.predicate, q.object],
      ] as const) {
        expect(keys(frozen.getQuads(s, p, o, null))).toEqual(keys(store.getQuads(s, p, o, null)));
        expect(frozen.countQuads(s, p, o, null)).toBe(store.countQuads(s, p, o, null));
      }
      expect(frozen.has(q)).toBe(true);
      expect(frozen.getObjects(q.subject, q.predicate, null).length).toBe(
        store.getObjects(q.subject, q.predicate, null).length,
      );
      expect(frozen.getSubjects(q.predicate, q.object, null).length).toBe(
        store.getSubjects(q.predicate, q.object, null).length,
      );
    }
    // IRIs as strings, as the pages pass them; a term the store lacks matches nothing.
    const s = all[0]?.subject.value as string;
    expect(keys(frozen.getQuads(s, null, null, null))).toEqual(keys(store.getQuads(s, null, null, null)));
    expect(frozen.getQuads('https://example.org/absent', null, null, null)).toEqual([]);
    expect(frozen.getQuads(null, null, null, DataFactory.namedNode('https://example.org/g'))).toEqual([]);
  });

  it('should refuse every change', () => {
    expect(() => frozen.addQuad(store.getQuads(null, null, null, null)[0] as Quad)).toThrow(/immutable/);
  });

  it('should give Comunica the same answers to every example query', async () => {
    const base = makeConfig().base;
    for (const q of loadQueryDir(path.join(makeConfig().root, 'queries')).filter((x) => !/SERVICE/.test(x.text))) {
      const options = { baseIRI: base, bindings: bindParams(q, {}, base) };
      const [a, b] = [await runQuery(store, q.text, options), await runQuery(frozen, q.text, options)];
      expect(resultKeys(b), q.name).toEqual(resultKeys(a));
    }
  });
});

describe('The Graph loaded from the build cache', () => {
  it('should be a frozen store with its dump beside it', async () => {
    const graph = await loadGraph(makeConfig({ serviceAllowlist: [] }));
    const again = await loadGraph(makeConfig({ serviceAllowlist: [] }));
    expect(again.store).toBeInstanceOf(FrozenStore);
    expect(again.ntFile).toBeDefined();
    expect(again.hash).toBe(graph.hash);
    expect(again.store.size).toBe(graph.counts.total);
  });
});
