// The Wikidata-shaped RDF export of linked people's tenures, and QuickStatements computed from verify's snapshot.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser, type Quad } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { WD_NS } from '../../src/wikidata/export.ts';
import type { Snapshot } from '../../src/wikidata/verify.ts';
import { realGraph } from '../support/graph.ts';
import { type StandIn, startStandIn } from './standin.ts';
import { endpoints, FIXTURE_LINKSET, run, workdir } from './support.ts';

let graph: Graph;
let wd: StandIn;
const w = workdir(FIXTURE_LINKSET);
const snapshot = path.join(w.dir, 'snapshot.json');
const WD = NS.wd;

beforeAll(async () => {
  graph = await realGraph();
  wd = await startStandIn();
  const v = await run(['verify', ...endpoints(wd, ['--linkset', w.linkset, '--snapshot', snapshot])], { graph });
  expect(existsSync(snapshot), v.err).toBe(true);
});
afterAll(async () => {
  await wd.close();
  w.remove();
});

describe('The Wikidata-shaped export', () => {
  let quads: Quad[];
  const objects = (s: string, p: string) =>
    quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object);

  beforeAll(async () => {
    const r = await run(['export', '--format', 'turtle', '--linkset', w.linkset], { graph });
    expect(r.code).toBe(0);
    quads = new Parser().parse(r.out);
  });

  it('has a p:P39 statement for every tenure of a linked person, and none for the others', () => {
    const statements = quads.filter((q) => q.predicate.value === `${NS.p}P39`);
    expect(statements.map((q) => q.subject.value).sort()).toEqual([
      `${WD}Q900000002`,
      `${WD}Q900000002`,
      `${WD}Q900000002`,
      `${WD}Q900000003`,
    ]);
  });

  it('gives the office item, the start and end with their precision, the ordinal, the terms and the successor', () => {
    const st = `${graph.base}id/tenure/secretary-general/1#P39`;
    expect(objects(st, `${NS.ps}P39`).map((o) => o.value)).toEqual([`${WD}Q900000001`]);
    expect(objects(st, `${NS.pq}P580`).map((o) => o.value)).toEqual(['1954-09-27T00:00:00Z']);
    expect(objects(st, `${NS.pq}P582`).map((o) => o.value)).toEqual(['1965-01-01T00:00:00Z']);
    const endValue = objects(st, `${WD_NS.pqv}P582`)[0]?.value ?? '';
    expect(objects(endValue, `${WD_NS.wikibase}timePrecision`).map((o) => o.value)).toEqual(['10']);
    expect(objects(st, `${NS.pq}P1545`).map((o) => o.value)).toEqual(['1']);
    expect(objects(st, `${NS.pq}P1366`).map((o) => o.value)).toEqual([`${graph.base}id/person/liu-ningyi`]);
    expect(
      objects(st, `${NS.pq}P2937`)
        .map((o) => o.value)
        .sort(),
    ).toEqual([`${graph.base}id/npc-term/1`, `${graph.base}id/npc-term/2`]);
    const liu = `${graph.base}id/tenure/secretary-general/14#P39`;
    expect(objects(liu, `${NS.pq}P2937`).map((o) => o.value)).toEqual([`${WD}Q900000010`]);
    expect(objects(liu, `${NS.pq}P582`)).toEqual([]);
  });

  it('gives each statement one reference per source, as pr:P854', () => {
    const st = `${graph.base}id/tenure/secretary-general/14#P39`;
    const refs = objects(st, `${NS.prov}wasDerivedFrom`).map((o) => o.value);
    expect(refs).toHaveLength(3);
    const urls = refs.flatMap((r) => objects(r, `${WD_NS.pr}P854`).map((o) => o.value));
    expect(urls).toContain('http://en.npc.gov.cn.cdurl.cn/2023-03/11/c_868265.htm');
  });
});

describe('The QuickStatements export', () => {
  it('adds only what the snapshot lacks: a new statement, a missing qualifier, missing references', async () => {
    const r = await run(['export', '--format', 'qs', '--linkset', w.linkset, '--snapshot', snapshot], { graph });
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      [
        'Q900000003',
        'P39',
        'Q900000001',
        'P580',
        '+2023-03-10T00:00:00Z/11',
        'P1545',
        '"14"',
        'P2937',
        'Q900000010',
        'S854',
        '"http://en.npc.gov.cn.cdurl.cn/2023-03/11/c_868265.htm"',
      ].join('\t'),
    );
    expect(lines).toContain(['Q900000002', 'P39', 'Q900000001', 'P1545', '"1"'].join('\t'));
    expect(lines).toContain(
      ['Q900000002', 'P39', 'Q900000001', 'S854', '"https://news.sina.com.cn/c/2004-02-09/17522811857.shtml"'].join(
        '\t',
      ),
    );
    // Nothing that Wikidata already has: no labels, no birth dates, no start of Peng Zhen's first tenure.
    expect(lines.filter((l) => /\tL(en|zh-hans)\t|\tP569\t|\tP570\t|\tP580\t\+1954/.test(l))).toEqual([]);
    expect(lines).toHaveLength(8);
  });

  it('leaves to a person what QuickStatements v1 cannot do safely', async () => {
    const r = await run(['export', '--format', 'qs', '--linkset', w.linkset, '--snapshot', snapshot], { graph });
    expect(r.err).toMatch(/needs a person: Q900000002 birth: mismatch; ours 1902-10-12, Wikidata 1902-10-13/);
    expect(r.err).toMatch(
      /secretary-general\/4\): Wikidata lacks this tenure, but a QuickStatements v1 line would merge/,
    );
  });

  it('writes months and years at their precision', async () => {
    const { toQuickStatements } = await import('../../src/wikidata/time.ts');
    expect(toQuickStatements({ year: 1965, month: 1, precision: 10 })).toBe('+1965-01-00T00:00:00Z/10');
    expect(toQuickStatements({ year: 1988, precision: 9 })).toBe('+1988-00-00T00:00:00Z/9');
    expect(toQuickStatements({ year: 1954, month: 9, day: 27, precision: 11 })).toBe('+1954-09-27T00:00:00Z/11');
  });

  it('leaves out a link that the snapshot did not see', async () => {
    const snap = JSON.parse(readFileSync(snapshot, 'utf8')) as Snapshot;
    delete snap.links[`${graph.base}id/person/liu-qi`];
    const older = path.join(w.dir, 'older.json');
    writeFileSync(older, JSON.stringify(snap));
    const r = await run(['export', '--format', 'qs', '--linkset', w.linkset, '--snapshot', older], { graph });
    expect(r.err).toMatch(/skipped .*liu-qi \(Q900000003\): not in the snapshot; run verify again/);
    expect(r.out).not.toMatch(/Q900000003/);
  });

  it('is never computed blind: without a snapshot it refuses', async () => {
    const r = await run(
      ['export', '--format', 'qs', '--linkset', w.linkset, '--snapshot', path.join(w.dir, 'none.json')],
      { graph },
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/run `npcsc-kg wikidata verify` first/);
    expect(r.out).toBe('');
  });
});
