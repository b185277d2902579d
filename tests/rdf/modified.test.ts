// The dataset's dcterms:modified is kept with the graph it dates: a change to the published graph without a new day fails here.
//
// The day is data (data/dataset.ttl), so that every clone and every replica says the same one (src/publish/dataset.ts,
// modifiedOf). What keeps it true is this record, tests/fixtures/modified.json: the day, and the hash of the graph
// it dates, taken without the day itself (which is part of the graph). Whatever changes the published graph (the
// data, the ontology, a rule) changes that hash, and this test names the new hash to record with the new day.
import { readFileSync } from 'node:fs';
import { DataFactory, type Quad, Store } from 'n3';
import { beforeAll, describe, expect, it } from 'vitest';
import { modifiedOf } from '../../src/publish/dataset.ts';
import { type Graph, hashQuads } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { toNTriples } from '../../src/rdf/serialize.ts';
import { realGraph } from '../support/graph.ts';

const RECORD = new URL('../fixtures/modified.json', import.meta.url);
const recorded = JSON.parse(readFileSync(RECORD, 'utf8')) as { modified: string; graph: string };
const MODIFIED = `${NS.dcterms}modified`;

let graph: Graph;
let dataset: string;
beforeAll(async () => {
  graph = await realGraph();
  dataset = `${graph.base}id/dataset/npcsc-kg`;
});

/** The graph's content hash without the dataset's dcterms:modified: what the day dates. */
function datedHash(quads: readonly Quad[], ds: string): Promise<string> {
  return toNTriples(quads.filter((q) => !(q.subject.value === ds && q.predicate.value === MODIFIED))).then(hashQuads);
}

describe("The dataset's dcterms:modified", () => {
  it('is one xsd:date', () => {
    const days = graph.store.getObjects(dataset, MODIFIED, null);
    expect(days).toHaveLength(1);
    expect(days[0]?.termType).toBe('Literal');
    expect((days[0] as { datatype?: { value: string } }).datatype?.value).toBe(`${NS.xsd}date`);
    expect(modifiedOf(graph, dataset)).toBe(days[0]?.value);
  });

  it('changes when the published graph does: the graph is the one recorded with this day', async () => {
    const day = modifiedOf(graph, dataset);
    const now = await datedHash(graph.store.getQuads(null, null, null, null), dataset);
    expect(
      now,
      `the published graph changed since ${recorded.modified}: set dcterms:modified in data/dataset.ttl to the day of ` +
        `this change, and record that day and "graph": "${now}" in tests/fixtures/modified.json`,
    ).toBe(recorded.graph);
    expect(day, `data/dataset.ttl says ${day}; tests/fixtures/modified.json records ${recorded.modified}`).toBe(
      recorded.modified,
    );
  });

  it('would be caught out by any change to the graph, and by none to the day alone', async () => {
    const quads = graph.store.getQuads(null, null, null, null);
    const base = await datedHash(quads, dataset);
    const { namedNode, literal, quad } = DataFactory;
    const person = namedNode(`${graph.base}id/person/peng-zhen`);
    const added = new Store(quads);
    added.addQuad(quad(person, namedNode(`${NS.rdfs}comment`), literal('one more fact', 'en')));
    expect(await datedHash(added.getQuads(null, null, null, null), dataset)).not.toBe(base);
    const redated = new Store(quads.filter((q) => !(q.subject.value === dataset && q.predicate.value === MODIFIED)));
    redated.addQuad(quad(namedNode(dataset), namedNode(MODIFIED), literal('2099-01-01', namedNode(`${NS.xsd}date`))));
    expect(await datedHash(redated.getQuads(null, null, null, null), dataset)).toBe(base);
  });
});
