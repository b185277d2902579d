// The federation example: our graph joined with a Wikidata Query Service (the stand-in) through SERVICE.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, WIKIDATA_QUERY_SERVICE } from '../../src/config.ts';
import { OutboundRefused } from '../../src/outbound.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { parseQueryFile } from '../../src/rdf/queries.ts';
import { runQuery } from '../../src/store/comunica.ts';
import type { WdEntity, WdSnak } from '../../src/wikidata/entity.ts';
import { linkMap, readLinkset } from '../../src/wikidata/linkset.ts';
import { resourcesOf, tenuresOf } from '../../src/wikidata/resources.ts';
import { toQuickStatements, toXsdDateTime, type WdDate } from '../../src/wikidata/time.ts';
import { realGraph } from '../support/graph.ts';
import { fixtureEntities, type StandIn, startStandIn } from './standin.ts';
import { SHIPPED_LINKSET } from './support.ts';

const file = path.join(makeConfig().root, 'queries', 'wikidata-federation.rq');
const text = readFileSync(file, 'utf8');
let graph: Graph;
let wd: StandIn;
/** Our linked secretaries-general: their Wikidata items as the shipped linkset gives them (no id typed here). */
let linkedHolders: { name: string; item: string; ordinal: string; start: string }[];

const OFFICE_ITEM = 'Q900000001'; // the stand-in's invented item for the office
const timeSnak = (property: string, d: WdDate): WdSnak => ({
  snaktype: 'value',
  property,
  datavalue: { type: 'time', value: { time: toQuickStatements(d).split('/')[0], precision: d.precision } },
});

/**
 * The stand-in's entities plus one for each linked secretary-general, keyed by the item of the shipped linkset,
 * as Wikidata would hold it: a P39 statement of the office (start and end from our tenures) and the birth date.
 */
function standInEntities(): Record<string, WdEntity> {
  const entities = fixtureEntities();
  const resources = new Map(resourcesOf(graph).map((r) => [r.iri, r]));
  for (const [holder, item] of linkMap(readLinkset(SHIPPED_LINKSET, graph.base))) {
    const tenures = tenuresOf(graph).filter(
      (t) => t.holder === holder && t.office.endsWith('/id/office/secretary-general'),
    );
    const person = resources.get(holder);
    if (tenures.length === 0 || !person) continue;
    entities[item] = {
      id: item,
      type: 'item',
      labels: { en: { language: 'en', value: person.labels.en ?? '' } },
      claims: {
        ...(person.birth ? { P569: [{ mainsnak: timeSnak('P569', person.birth) }] } : {}),
        P39: tenures.map((t) => ({
          mainsnak: {
            snaktype: 'value',
            property: 'P39',
            datavalue: { type: 'wikibase-entityid', value: { id: OFFICE_ITEM } },
          },
          qualifiers: {
            ...(t.start ? { P580: [timeSnak('P580', t.start)] } : {}),
            ...(t.end ? { P582: [timeSnak('P582', t.end)] } : {}),
          },
        })),
      },
    };
  }
  return entities;
}

beforeAll(async () => {
  graph = await realGraph();
  linkedHolders = [];
  const known = linkMap(readLinkset(SHIPPED_LINKSET, graph.base));
  for (const t of tenuresOf(graph).filter((x) => x.office.endsWith('/id/office/secretary-general'))) {
    const item = known.get(t.holder);
    const name = resourcesOf(graph).find((r) => r.iri === t.holder)?.labels.en;
    if (item && name && t.start) {
      linkedHolders.push({ name, item, ordinal: String(t.ordinal), start: toXsdDateTime(t.start) });
    }
  }
  wd = await startStandIn({ entities: standInEntities() });
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

  it('joins the linked secretaries-general (not the office, which has no item) with what Wikidata holds for them', async () => {
    // Li Jianguo, Wang Chen and Liu Qi are linked; the office is not: a join on the office's item has no rows.
    expect(linkedHolders.map((h) => h.name)).toEqual(['Li Jianguo', 'Wang Chen', 'Liu Qi']);
    const r = await runQuery(graph.store, atStandIn(), {
      baseIRI: graph.base,
      allowlist: [wd.sparql],
      timeoutMs: 20_000,
    });
    if (r.type !== 'bindings') throw new Error('not a SELECT');
    expect(
      r.rows.map((row) => [
        row.ordinal?.value,
        row.name?.value,
        row.person?.value,
        row.position?.value,
        row.wikidataStart?.value,
      ]),
    ).toEqual(linkedHolders.map((h) => [h.ordinal, h.name, `${NS.wd}${h.item}`, `${NS.wd}${OFFICE_ITEM}`, h.start]));
    // Wikidata's date of birth beside ours (the stand-in holds ours, padded as Wikidata's simple values are).
    const liu = r.rows.find((row) => row.name?.value === 'Liu Qi');
    expect([liu?.ourBirth?.value, liu?.wikidataBirth?.value]).toEqual(['1957-09', '1957-09-01T00:00:00Z']);
  });

  it('sends the endpoint only the linked items, never an unbounded pattern', async () => {
    const from = wd.requests.length;
    await runQuery(graph.store, atStandIn(), { baseIRI: graph.base, allowlist: [wd.sparql], timeoutMs: 20_000 });
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
      runQuery(graph.store, atStandIn(), { baseIRI: graph.base, allowlist: [], timeoutMs: 20_000 }),
    ).rejects.toThrow(OutboundRefused);
    expect(wd.requests.length).toBe(from);
  });
});
