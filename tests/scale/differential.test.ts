// Every query the project runs (examples, rules, checks) gives the same answer on Comunica, on Oxigraph and on the default store, on the real data and on a generated workload.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { FN } from '../../src/rdf/ns.ts';
import { loadQueryDir } from '../../src/rdf/queries.ts';
import { takeWritten } from '../../src/sparql/engine-results.ts';
import { bindParams } from '../../src/sparql/params.ts';
import { RESULT_MEDIA_TYPES } from '../../src/sparql/results.ts';
import { type Backend, fromJsonResults, type JsonResults } from '../../src/store/backend.ts';
import { openBackend } from '../../src/store/open.ts';
import { realGraph } from '../support/graph.ts';
import { groupConcatVariables, resultKeys, workloadGraph } from './support.ts';

const dir = path.join(PROJECT_ROOT, 'queries');
// Federation needs a SERVICE, which only Comunica offers; the examples test covers what Oxigraph does with it.
const queries = [
  ...loadQueryDir(dir),
  ...loadQueryDir(path.join(dir, 'rules')),
  ...loadQueryDir(path.join(dir, 'checks')),
].filter((q) => !/\bSERVICE\b/i.test(q.text));

describe.each([
  ['the real data', () => realGraph()],
  ['a generated workload of 4 offices', async () => (await workloadGraph(4)).graph],
])('On %s, Comunica, Oxigraph and the default store', (_label, graphOf) => {
  let graph: Graph;
  let comunica: Backend;
  const others = new Map<string, Backend>();
  beforeAll(async () => {
    graph = await graphOf();
    comunica = openBackend(graph, { kind: 'comunica' });
    for (const kind of ['memory', 'oxigraph'] as const) others.set(kind, openBackend(graph, { kind }));
  });
  afterAll(() => {
    for (const b of others.values()) b.close?.();
  });

  it('should be compared on every query of queries/, rules/ and checks/', () => {
    expect(queries.length).toBeGreaterThan(25);
  });

  it.each(
    queries.flatMap((q) =>
      (['memory', 'oxigraph'] as const).map((kind) => [path.relative(dir, q.file), kind, q] as const),
    ),
  )('should answer %s alike (%s)', async (_name, kind, q) => {
    const other = others.get(kind) as Backend;
    const options = { baseIRI: graph.base, bindings: bindParams(q, {}, graph.base) };
    const unordered = groupConcatVariables(q.text);
    const expected = resultKeys(await comunica.run(q.text, options), unordered);
    expect(resultKeys(await other.run(q.text, options), unordered)).toEqual(expected);
    // As the public endpoint sends it (no functions, no parameters): Oxigraph may then get the text as written.
    if (!q.text.includes(FN) && Object.keys(options.bindings).length === 0) {
      const open = { baseIRI: graph.base, extensions: false };
      expect(resultKeys(await other.run(q.text, open), unordered)).toEqual(expected);
    }
    // A SELECT as a runner sends it: the text Oxigraph writes, mended and cut (src/sparql/engine-results.ts).
    if (expected.length > 0 && (await comunica.run(q.text, options)).type === 'bindings' && other.writeSelect) {
      const text = other.writeSelect(q.text, options, RESULT_MEDIA_TYPES.json) as string;
      const taken = takeWritten('json', text, 100_000, 1 << 30);
      expect(taken?.truncated).toBe(false);
      const written = fromJsonResults(JSON.parse(taken?.body ?? '') as JsonResults);
      expect(resultKeys(written, unordered)).toEqual(expected);
    }
  });

  // Oxigraph 0.5.11 reads a chain of operators from the right (10 - 2 - 3 is 11 there); every store must not.
  it.each([
    ['10 - 2 - 3', '5'],
    ['1 - 2 + 3', '2'],
    ['<http://www.w3.org/2001/XMLSchema#integer>(16 / 4 / 2)', '2'],
    ['2 * 3 - 4 * 5 + 1', '-13'],
    ['-1 - -1 - 1', '-1'],
  ])('should compute %s as SPARQL does, left to right', async (expression, value) => {
    for (const backend of [comunica, ...others.values()]) {
      const r = await backend.run(`SELECT ?x WHERE { BIND (${expression} AS ?x) }`, { extensions: false });
      expect(r.type === 'bindings' ? r.rows[0]?.x?.value : r.type).toBe(value);
    }
  });
});
