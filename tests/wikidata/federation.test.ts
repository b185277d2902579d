// The federation example: our graph joined with a Wikidata Query Service (the stand-in) through SERVICE.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, WIKIDATA_QUERY_SERVICE } from '../../src/config.ts';
import { OutboundRefused } from '../../src/outbound.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { parseTurtleFile } from '../../src/rdf/load.ts';
import { parseQueryFile } from '../../src/rdf/queries.ts';
import { runQuery } from '../../src/sparql/engine.ts';
import { realGraph } from '../support/graph.ts';
import { type StandIn, startStandIn } from './standin.ts';
import { FIXTURE_LINKSET } from './support.ts';

const file = path.join(makeConfig().root, 'queries', 'wikidata-federation.rq');
const text = readFileSync(file, 'utf8');
let graph: Graph;
let linked: Store;
let wd: StandIn;

beforeAll(async () => {
  graph = await realGraph();
  // The real data plus the fixture's links, as a build with that linkset would hold them.
  linked = new Store([
    ...graph.store.getQuads(null, null, null, null),
    ...parseTurtleFile(FIXTURE_LINKSET, graph.base),
  ]);
  wd = await startStandIn();
});
afterAll(() => wd.close());

/** The query as shipped, pointed at the stand-in instead of the real Query Service (the only edit). */
const atStandIn = () => text.split(`SERVICE <${WIKIDATA_QUERY_SERVICE}>`).join(`SERVICE <${wd.sparql}>`);

describe('The federation example query', () => {
  it('has the header of a stored query and calls the Query Service that the default allowlist permits', () => {
    const q = parseQueryFile(text, file);
    expect(q.title).not.toBe('');
    expect(q.description).toMatch(/allowlist/);
    expect(text).toContain(`SERVICE <${WIKIDATA_QUERY_SERVICE}>`);
    expect(makeConfig().serviceAllowlist).toEqual([WIKIDATA_QUERY_SERVICE]);
  });

  it('joins our tenures with the statements Wikidata holds for the linked people', async () => {
    const r = await runQuery(linked, atStandIn(), { baseIRI: graph.base, allowlist: [wd.sparql], timeoutMs: 20_000 });
    if (r.type !== 'bindings') throw new Error('not a SELECT');
    expect(
      r.rows.map((row) => [row.ordinal?.value, row.name?.value, row.person?.value, row.wikidataStart?.value]),
    ).toEqual([
      ['1', 'Peng Zhen', 'http://www.wikidata.org/entity/Q900000002', '1954-09-27T00:00:00Z'],
      ['4', 'Peng Zhen', 'http://www.wikidata.org/entity/Q900000002', '1954-09-27T00:00:00Z'],
    ]);
  });

  it('sends the endpoint only the linked items, never an unbounded pattern', async () => {
    const from = wd.requests.length;
    await runQuery(linked, atStandIn(), { baseIRI: graph.base, allowlist: [wd.sparql], timeoutMs: 20_000 });
    const queries = wd.requests
      .slice(from)
      .map((r) => r.params.get('query'))
      .filter((q): q is string => Boolean(q));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q).toMatch(/VALUES/);
  });

  it('is refused, without any request, where the allowlist does not permit the endpoint', async () => {
    const from = wd.requests.length;
    await expect(
      runQuery(linked, atStandIn(), { baseIRI: graph.base, allowlist: [], timeoutMs: 20_000 }),
    ).rejects.toThrow(OutboundRefused);
    expect(wd.requests.length).toBe(from);
  });
});
