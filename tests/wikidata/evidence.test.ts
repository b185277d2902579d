// `wikidata import`: links read from documents enter the linkset with repository, path, commit and quoted row.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { documentIri, readLinkset } from '../../src/wikidata/linkset.ts';
import { realGraph } from '../support/graph.ts';
import { read, run, workdir } from './support.ts';

let graph: Graph;
const dirs: ReturnType<typeof workdir>[] = [];
beforeAll(async () => {
  graph = await realGraph();
});
afterAll(() => {
  for (const d of dirs) d.remove();
});

const METHOD = 'read from a public dataset, not yet checked against Wikidata';
const doc = {
  repository: 'example/dataset',
  path: 'data/people.csv',
  commit: '0123456789abcdef0123456789abcdef01234567',
  quote: 'Q900000041,刘奇,1957,Liu Qi',
};
function evidence(links: unknown[], method = METHOD) {
  const w = workdir();
  dirs.push(w);
  const file = `${w.dir}/evidence.json`;
  writeFileSync(file, JSON.stringify({ method, links }));
  return { w, file };
}

describe('Importing links with their evidence', () => {
  it('writes each link with its documents, the method and the date, and reads them back', async () => {
    const { w, file } = evidence([
      { resource: 'id/person/liu-qi', qid: 'Q900000041', label: 'Liu Qi', documents: [doc] },
      {
        resource: 'id/org/npc',
        qid: 'Q900000042',
        documents: [{ repository: 'example/meta', quote: '"wikidata": "Q900000042"' }],
      },
    ]);
    const r = await run(['import', '--evidence', file, '--by', 'A. Reader', '--linkset', w.linkset], { graph });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote 2 link\(s\) with their documents/);
    const linkset = readLinkset(w.linkset, graph.base);
    expect(linkset.unevidenced).toEqual([]);
    const liu = linkset.links.find((l) => l.resource === `${graph.base}id/person/liu-qi`);
    expect(liu?.qid).toBe('Q900000041');
    expect(liu?.score).toBeUndefined();
    expect(liu?.documents).toEqual([doc]);
    expect(liu?.acceptedBy).toEqual({ kind: 'person', name: 'A. Reader' });
    expect(liu?.acceptedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(linkset.activities.find((a) => a.iri === liu?.activity)?.description).toBe(METHOD);
    const text = read(w.linkset);
    expect(text).toContain(`<${documentIri(doc)}> a dcterms:BibliographicResource`);
    expect(documentIri(doc)).toBe(
      'https://github.com/example/dataset/blob/0123456789abcdef0123456789abcdef01234567/data/people.csv',
    );
    expect(text).toContain('npcsc:commit "0123456789abcdef0123456789abcdef01234567"');
    expect(text).toContain('prov:value "Q900000041,刘奇,1957,Liu Qi"');
  });

  it.each([
    ['an unknown resource', { resource: 'id/person/nobody', qid: 'Q900000043', documents: [doc] }, /not a resource/],
    ['a malformed item id', { resource: 'id/person/liu-qi', qid: 'P39', documents: [doc] }, /not a Wikidata item id/],
    ['no document', { resource: 'id/person/liu-qi', qid: 'Q900000043', documents: [] }, /at least one document/],
    [
      'a short commit',
      { resource: 'id/person/liu-qi', qid: 'Q900000043', documents: [{ ...doc, commit: 'abc' }] },
      /40 hex digits/,
    ],
    [
      'no quoted row',
      { resource: 'id/person/liu-qi', qid: 'Q900000043', documents: [{ ...doc, quote: ' ' }] },
      /"quote"/,
    ],
  ])('refuses %s, exits 3 and writes nothing', async (_what, entry, message) => {
    const { w, file } = evidence([{ resource: 'id/org/npc', qid: 'Q900000044', documents: [doc] }, entry]);
    const before = read(w.linkset);
    const r = await run(['import', '--evidence', file, '--by', 'A. Reader', '--linkset', w.linkset], { graph });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/nothing was written/);
    expect(read(w.linkset)).toBe(before);
  });

  it('refuses an item already linked to another resource, and a file without a method', async () => {
    const one = evidence([{ resource: 'id/person/liu-qi', qid: 'Q900000045', documents: [doc] }]);
    expect(
      (await run(['import', '--evidence', one.file, '--by', 'R', '--linkset', one.w.linkset], { graph })).code,
    ).toBe(0);
    const again = `${one.w.dir}/again.json`;
    writeFileSync(
      again,
      JSON.stringify({
        method: METHOD,
        links: [{ resource: 'id/person/wang-chen', qid: 'Q900000045', documents: [doc] }],
      }),
    );
    const r = await run(['import', '--evidence', again, '--by', 'R', '--linkset', one.w.linkset], { graph });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/already linked to .*liu-qi/);
    const none = evidence([{ resource: 'id/person/liu-qi', qid: 'Q900000046', documents: [doc] }], '');
    const m = await run(['import', '--evidence', none.file, '--by', 'R', '--linkset', none.w.linkset], { graph });
    expect(m.code).toBe(3);
    expect(m.err).toMatch(/"method"/);
    expect((await run(['import', '--evidence', none.file, '--linkset', none.w.linkset], { graph })).code).toBe(2);
  });
});
