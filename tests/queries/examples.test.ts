// Every example query in queries/ against the answer a user of this dataset expects from the real data, on each embedded engine.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundRefused } from '../../src/outbound.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { loadQueryDir, type QueryFile } from '../../src/rdf/queries.ts';
import { bindParams } from '../../src/sparql/params.ts';
import type { Backend } from '../../src/store/backend.ts';
import { openBackend } from '../../src/store/open.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { type Ask, expectations } from './expectations.ts';

const config = testConfig();
const queries = loadQueryDir(path.join(config.root, 'queries'));
const byName = (name: string) => queries.find((x) => x.name === name) as QueryFile;
/** The embedded stores: the default (Oxigraph, Comunica for SERVICE), Oxigraph alone, Comunica alone. */
const STORES = ['memory', 'oxigraph', 'comunica'] as const;
let graph: Graph;
const backends = new Map<string, Backend>();
beforeAll(async () => {
  graph = await realGraph();
  for (const kind of STORES) backends.set(kind, openBackend(graph, { kind }));
});
afterAll(() => {
  for (const b of backends.values()) b.close?.();
});

describe('The example queries', () => {
  it('are at least ten, each with a title and a description', () => {
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const q of queries) {
      expect(q.title, q.file).not.toBe('');
      expect(q.description, q.file).not.toBe('');
    }
  });
});

describe.each(STORES)('The example queries on the %s store', (kind) => {
  const ask: Ask = async (name, params = {}) => {
    const q = byName(name);
    const backend = backends.get(kind) as Backend;
    const r = await backend.run(q.text, { baseIRI: graph.base, bindings: bindParams(q, params, graph.base) });
    if (r.type !== 'bindings') throw new Error(`${name} is not a SELECT`);
    return r.rows;
  };
  const federation = async () => {
    // Reaches the Wikidata Query Service through SERVICE, only for linked holders of the office: without them
    // it has nothing to ask; once they exist, the tests' empty allowlist must refuse the request.
    // Oxigraph runs no SERVICE at all: it refuses the query, which is what the endpoint then answers.
    const q = byName('wikidata-federation');
    // The query joins on the holders' items (the office has none): it calls SERVICE when a holder is linked.
    const linkedTo = (s: string) =>
      graph.store.getObjects(s, `${NS.owl}sameAs`, null).some((o) => o.value.startsWith(NS.wd));
    const linked = graph.store
      .getSubjects(`${graph.base}ontology#office`, `${graph.base}id/office/secretary-general`, null)
      .some((t) => graph.store.getObjects(t, `${graph.base}ontology#holder`, null).some((h) => linkedTo(h.value)));
    // The shipped linkset links three secretaries-general (Li Jianguo, Wang Chen, Liu Qi).
    expect(linked).toBe(true);
    if (kind === 'oxigraph') {
      await expect((backends.get(kind) as Backend).run(q.text, { baseIRI: graph.base })).rejects.toThrow(
        OutboundRefused,
      );
      return;
    }
    // On the default store the SERVICE query goes to Comunica, whose guard refuses what the allowlist lacks.
    const run = (backends.get(kind) as Backend).run(q.text, { baseIRI: graph.base, allowlist: [] });
    if (linked) await expect(run).rejects.toThrow(OutboundRefused);
    else expect(await run).toMatchObject({ type: 'bindings', rows: [] });
  };
  const table = expectations(ask, config.base, federation);

  it.each(queries.map((q) => q.name))('%s answers what its users expect', async (name) => {
    const check = table[name];
    expect(check, `add an expectation for queries/${name}.rq`).toBeDefined();
    await check?.();
  });
});
