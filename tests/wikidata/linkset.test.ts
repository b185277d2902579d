// The linkset file: the shipped one holds no unevidenced link, links round-trip with their evidence, and build.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph, defaultInputs } from '../../src/build/pipeline.ts';
import { makeConfig } from '../../src/config.ts';
import { NS } from '../../src/rdf/ns.ts';
import { select } from '../../src/store/comunica.ts';
import { type Link, LinksetError, MARKER, readLinkset, writeLinkset } from '../../src/wikidata/linkset.ts';
import { FIXTURE_LINKSET, SHIPPED_LINKSET, workdir } from './support.ts';

const config = makeConfig();
const base = config.base;
const dirs: ReturnType<typeof workdir>[] = [];
const temp = (from?: string) => {
  const w = workdir(from);
  dirs.push(w);
  return w;
};
afterAll(() => {
  for (const d of dirs) d.remove();
});

describe('The shipped linkset', () => {
  const shipped = readLinkset(SHIPPED_LINKSET, base);

  it('has no link that was not accepted with evidence (method, date, score or documents, acceptor)', () => {
    expect(shipped.unevidenced).toEqual([]);
    expect(shipped.links.length).toBeGreaterThan(0);
    for (const l of shipped.links) {
      expect(l.evidence.length, l.resource).toBeGreaterThan(0);
      expect(Number.isFinite(l.score) || (l.documents ?? []).length > 0, l.resource).toBe(true);
      expect(
        shipped.activities.map((a) => a.iri),
        l.resource,
      ).toContain(l.activity);
    }
  });

  it('keeps its declarations above the marker line that the tool writes below', () => {
    const text = readFileSync(SHIPPED_LINKSET, 'utf8');
    expect(text).toContain(MARKER);
    expect(text).toContain('wikidata-match-score> a dqv:Metric');
    expect(text).toContain('wikidata-reconciler> a prov:SoftwareAgent');
  });
});

const link = (slug: string, qid: string, acceptedBy: Link['acceptedBy'] = { kind: 'tool' }): Link => ({
  resource: `${base}id/person/${slug}`,
  qid,
  score: 0.925,
  evidence: ['label@en: match ("a" is the en label)', 'birth: match (birth year 1902)'],
  acceptedAt: '2025-01-02T03:04:05Z',
  acceptedBy,
  activity: `${base}id/dataset/npcsc-kg#wikidata-reconciliation-20250102T030405Z`,
});
const activity = {
  iri: `${base}id/dataset/npcsc-kg#wikidata-reconciliation-20250102T030405Z`,
  startedAt: '2025-01-02T03:00:00Z',
  endedAt: '2025-01-02T03:04:05Z',
  used: ['http://127.0.0.1:9/w/api.php'],
  description: 'a "quoted" method\nover two lines',
};

describe('Writing the linkset', () => {
  it('round-trips links, their evidence and their acceptors, with relative IRIs', () => {
    const w = temp();
    const before = readLinkset(w.linkset, base);
    writeLinkset(before, base, {
      links: [link('peng-zhen', 'Q900000002'), link('liu-qi', 'Q900000003', { kind: 'person', name: 'A. Reviewer' })],
      activities: [activity],
    });
    const after = readLinkset(w.linkset, base);
    expect(after.links).toEqual(
      [link('liu-qi', 'Q900000003', { kind: 'person', name: 'A. Reviewer' }), link('peng-zhen', 'Q900000002')].map(
        (l) => ({ ...l, evidence: [...l.evidence].sort() }),
      ),
    );
    expect(after.activities).toEqual([activity]);
    const text = readFileSync(w.linkset, 'utf8');
    expect(text.startsWith(before.header)).toBe(true);
    expect(text).toContain('<id/person/peng-zhen> owl:sameAs wd:Q900000002 .');
    expect(w.files()).toEqual(['wikidata.ttl']);
  });

  it('replaces the earlier link of a resource instead of adding a second one', () => {
    const w = temp();
    const first = writeLinkset(readLinkset(w.linkset, base), base, {
      links: [link('peng-zhen', 'Q900000002')],
      activities: [activity],
    });
    writeLinkset(first, base, { links: [link('peng-zhen', 'Q900000008')], activities: [activity] });
    expect(readLinkset(w.linkset, base).links.map((l) => l.qid)).toEqual(['Q900000008']);
  });

  it('reports a link typed by hand as unevidenced, and refuses one above the marker', () => {
    const w = temp();
    const text = readFileSync(w.linkset, 'utf8');
    writeFileSync(w.linkset, `${text}<id/person/peng-zhen> owl:sameAs <http://www.wikidata.org/entity/Q900000002> .\n`);
    expect(readLinkset(w.linkset, base).unevidenced).toMatchObject([{ missing: ['evidence node'] }]);
    writeFileSync(
      w.linkset,
      text.replace(MARKER, `<id/person/peng-zhen> owl:sameAs <http://www.wikidata.org/entity/Q900000002> .\n${MARKER}`),
    );
    expect(() => readLinkset(w.linkset, base)).toThrow(LinksetError);
  });
});

describe('A Graph built with a filled linkset', () => {
  it('validates, and answers the links through SPARQL', async () => {
    const inputs = defaultInputs(config.root);
    const graphFiles = inputs.graphFiles.map((f) =>
      path.resolve(f) === path.resolve(SHIPPED_LINKSET) ? FIXTURE_LINKSET : f,
    );
    expect(graphFiles).toContain(FIXTURE_LINKSET);
    const graph = await buildGraph(config, { ...inputs, graphFiles });
    const rows = await select(
      graph.store,
      `SELECT ?person ?item ?score WHERE {
         ?person a <${NS.schema}Person> ; <${NS.owl}sameAs> ?item .
         ?link <${NS.rdf}subject> ?person ; <${NS.rdf}object> ?item ;
               <http://www.w3.org/ns/dqv#hasQualityMeasurement>/<http://www.w3.org/ns/dqv#value> ?score .
       } ORDER BY ?person`,
    );
    expect(rows.map((r) => [r.person?.value, r.item?.value, r.score?.value])).toEqual([
      [`${base}id/person/liu-qi`, `${NS.wd}Q900000003`, '0.833'],
      [`${base}id/person/peng-zhen`, `${NS.wd}Q900000002`, '1.000'],
    ]);
  });
});
