// Verification of a linkset against the stand-in: the mismatches it must find, its table and JSON, its snapshot.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import type { Finding, Snapshot } from '../../src/wikidata/verify.ts';
import { realGraph } from '../support/graph.ts';
import { type StandIn, startStandIn } from './standin.ts';
import { endpoints, FIXTURE_LINKSET, read, run, workdir } from './support.ts';

let graph: Graph;
let wd: StandIn;
const w = workdir(FIXTURE_LINKSET);
const id = (p: string) => `${graph.base}id/${p}`;

beforeAll(async () => {
  graph = await realGraph();
  wd = await startStandIn();
});
afterAll(async () => {
  await wd.close();
  w.remove();
});

const verify = async (extra: string[], stand = wd) => {
  const snapshot = path.join(w.dir, `snapshot-${Math.random().toString(36).slice(2)}.json`);
  const r = await run(['verify', ...endpoints(stand, ['--linkset', w.linkset, '--snapshot', snapshot, ...extra])], {
    graph,
  });
  return { ...r, snapshot };
};

describe('Verifying the fixture linkset', () => {
  it('finds the birth date that differs, and exits 1', async () => {
    const { code, out } = await verify([]);
    expect(code).toBe(1);
    expect(out).toMatch(/person:peng-zhen\s+Q900000002\s+birth\s+mismatch\s+1902-10-12\s+1902-10-13/);
    expect(out).toMatch(/5 link\(s\) checked: \d+ ok, 1 mismatch/);
  });

  it('reports as JSON each check: dates agreeing at their common precision, tenures and qualifiers missing', async () => {
    const { out } = await verify(['--json']);
    const { findings, links } = JSON.parse(out) as { findings: Finding[]; links: number };
    expect(links).toBe(5);
    const of = (resource: string, field: string, tenure?: string) =>
      findings.filter((f) => f.resource === id(resource) && f.field === field && (!tenure || f.tenure === id(tenure)));
    // Ours is "1965-01", Wikidata's the 3rd of January: they agree as far as ours goes.
    expect(of('person/peng-zhen', 'P39/P582', 'tenure/secretary-general/1')).toMatchObject([
      { status: 'ok', ours: '1965-01', theirs: '1965-01-03' },
    ]);
    expect(of('person/peng-zhen', 'P39/P1545', 'tenure/secretary-general/1')).toMatchObject([
      { status: 'missing', ours: '1' },
    ]);
    expect(of('person/peng-zhen', 'P39', 'tenure/secretary-general/4')).toMatchObject([{ status: 'missing' }]);
    expect(of('person/peng-zhen', 'P39', 'tenure/chairperson/4')).toMatchObject([{ status: 'not-compared' }]);
    expect(of('person/liu-qi', 'birth')).toMatchObject([{ status: 'ok', ours: '1957-09', theirs: '1957-09' }]);
    expect(of('person/liu-qi', 'P39', 'tenure/secretary-general/14')).toMatchObject([{ status: 'missing' }]);
    expect(of('office/secretary-general', 'label@zh-hans')).toMatchObject([{ status: 'ok' }]);
  });

  it('keeps what it fetched as a snapshot, for QuickStatements', async () => {
    const { snapshot } = await verify([]);
    const snap = JSON.parse(read(snapshot)) as Snapshot;
    expect(Object.keys(snap.entities).sort()).toEqual([
      'Q900000001',
      'Q900000002',
      'Q900000003',
      'Q900000010',
      'Q900000020',
    ]);
    expect(snap.links[id('person/peng-zhen')]).toBe('Q900000002');
    expect(snap.graphHash).toBe(graph.hash);
  });

  it('writes no snapshot when the endpoint fails', async () => {
    const broken = await startStandIn({ failAfter: 0 });
    try {
      const { code, err, snapshot } = await verify([], broken);
      expect(code).toBe(4);
      expect(err).toMatch(/nothing was written/);
      expect(existsSync(snapshot)).toBe(false);
    } finally {
      await broken.close();
    }
  });
});

describe('Verifying a link whose item is gone', () => {
  it('reports the link as broken', async () => {
    const entities = (await import('./standin.ts')).fixtureEntities();
    delete entities.Q900000003;
    const partial = await startStandIn({ entities });
    try {
      const { code, out } = await verify(['--json'], partial);
      expect(code).toBe(1);
      const { findings } = JSON.parse(out) as { findings: Finding[] };
      expect(findings.find((f) => f.item === 'Q900000003')).toMatchObject({ field: 'entity', status: 'gone' });
    } finally {
      await partial.close();
    }
  });
});
