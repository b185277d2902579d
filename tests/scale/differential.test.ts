// Every query the project runs (examples, rules, checks) gives the same answer on Comunica and on Oxigraph, on the real data and on a generated workload.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { loadQueryDir } from '../../src/rdf/queries.ts';
import { bindParams } from '../../src/sparql/params.ts';
import type { Backend } from '../../src/store/backend.ts';
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
])('On %s, Comunica and Oxigraph', (_label, graphOf) => {
  let graph: Graph;
  let memory: Backend;
  let oxigraph: Backend;
  beforeAll(async () => {
    graph = await graphOf();
    memory = openBackend(graph, { kind: 'memory' });
    oxigraph = openBackend(graph, { kind: 'oxigraph' });
  });
  afterAll(() => oxigraph.close?.());

  it('should be compared on every query of queries/, rules/ and checks/', () => {
    expect(queries.length).toBeGreaterThan(25);
  });

  it.each(queries.map((q) => [path.relative(dir, q.file), q] as const))('should answer %s alike', async (_name, q) => {
    const options = { baseIRI: graph.base, bindings: bindParams(q, {}, graph.base) };
    const [a, b] = [await memory.run(q.text, options), await oxigraph.run(q.text, options)];
    const unordered = groupConcatVariables(q.text);
    expect(resultKeys(b, unordered)).toEqual(resultKeys(a, unordered));
  });
});
