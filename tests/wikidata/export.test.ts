// The Wikidata-shaped RDF export of linked people's tenures, and QuickStatements computed from verify's snapshot.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser, type Quad } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { WD_NS } from '../../src/wikidata/export.ts';
import { linkMap, readLinkset } from '../../src/wikidata/linkset.ts';
import type { Snapshot } from '../../src/wikidata/verify.ts';
import { realGraph } from '../support/graph.ts';
import { type StandIn, startStandIn } from './standin.ts';
import { endpoints, FIXTURE_LINKSET, NOW, run, SHIPPED_LINKSET, workdir } from './support.ts';

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
    // Liu Ningyi and the 1st and 2nd NPC have no item: Wikidata takes only items there, so nothing is said.
    expect(objects(st, `${NS.pq}P1366`)).toEqual([]);
    expect(objects(st, `${NS.pq}P2937`)).toEqual([]);
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
    // Yang Zhenwu has no item in the fixture: Liu Qi's new statement cannot name whom he replaced.
    expect(r.err).toContain(
      "needs a person: not written: Liu Qi (Q900000003) position held (P39) Secretary-General of the Standing Committee of the National People's Congress (2023-03-10..) replaces (P1365) Yang Zhenwu: that person has no Wikidata id in the linkset\n",
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

describe('QuickStatements for the shipped linkset', () => {
  it('lists each statement it cannot write (no item for the office) for a person, and writes no P39 line', async () => {
    const v = workdir(SHIPPED_LINKSET);
    try {
      // A snapshot of the linked items as Wikidata could return them before any edit: no label, no statement.
      const links = Object.fromEntries(linkMap(readLinkset(v.linkset, graph.base)));
      const item = (person: string) => links[`${graph.base}id/person/${person}`] ?? 'none';
      const snap: Snapshot = {
        fetchedAt: NOW.toISOString(),
        api: 'https://stand-in.invalid/w/api.php',
        graphHash: graph.hash,
        links,
        entities: Object.fromEntries(Object.values(links).map((id) => [id, { id, type: 'item', claims: {} }])),
      };
      const snapFile = path.join(v.dir, 'snapshot.json');
      writeFileSync(snapFile, JSON.stringify(snap));
      const r = await run(['export', '--format', 'qs', '--linkset', v.linkset, '--snapshot', snapFile], { graph });
      expect(r.code, r.err).toBe(0);
      expect(r.out.split('\n').filter((l) => /\tP39\t/.test(l))).toEqual([]);
      const SG = "Secretary-General of the Standing Committee of the National People's Congress";
      const CHAIR = "Chairperson of the Standing Committee of the National People's Congress";
      const why = 'the office has no Wikidata id in the linkset';
      const notes = r.err.split('\n').filter((l) => l.includes('not written:'));
      for (const [person, name, office, period] of [
        ['li-jianguo', 'Li Jianguo', SG, '2008-03-15..2013-03-14'],
        ['wang-chen', 'Wang Chen', SG, '2013-03-14..2018-03-17'],
        ['liu-qi', 'Liu Qi', SG, '2023-03-10..'],
        ['liu-shaoqi', 'Liu Shaoqi', CHAIR, '1954-09-27..1959-04-28'],
        ['zhang-dejiang', 'Zhang Dejiang', CHAIR, '2013-03-14..2018-03-17'],
        ['li-zhanshu', 'Li Zhanshu', CHAIR, '2018-03-17..2023-03-10'],
        ['zhao-leji', 'Zhao Leji', CHAIR, '2023-03-10..'],
      ] as const) {
        expect(notes).toContain(
          `needs a person: not written: ${name} (${item(person)}) position held (P39) ${office} (${period}): ${why}; ` +
            'add the statement by hand once its item is known',
        );
      }
      expect(notes).toHaveLength(7);
      expect(r.err).toMatch(/^7 statement\(s\) or qualifier\(s\) not written, listed above for a person$/m);
    } finally {
      v.remove();
    }
  });
});

/**
 * One QuickStatements v1 command, checked against the syntax of https://www.wikidata.org/wiki/Help:QuickStatements
 * (version 1): tab-separated; an item (or LAST), then a property with its value and qualifier pairs (Pn value)
 * and source pairs (Sn value), or a label, description or alias (Lxx, Dxx, Axx) with a string. Returns the
 * problems found (none for a valid line).
 */
function qsProblems(line: string): string[] {
  const item = /^(Q[1-9]\d*|LAST)$/;
  const str = /^"[^"\t]*"$/;
  const time = /^[+-]\d{4,16}-(\d{2})-(\d{2})T00:00:00Z\/(\d{1,2})$/;
  const value = (v: string | undefined): string | undefined => {
    if (v === undefined) return 'missing value';
    if (item.test(v) || str.test(v)) return undefined;
    const t = time.exec(v);
    if (!t) return `not a value: ${v}`;
    const [, month, day, precision] = t;
    // At precision 10 (month) the day is 00, at 9 (year) the month too; 11 (day) has both.
    if (precision === '11' && (month === '00' || day === '00')) return `day precision without a day: ${v}`;
    if (precision === '10' && (month === '00' || day !== '00')) return `month precision padded: ${v}`;
    if (precision === '9' && (month !== '00' || day !== '00')) return `year precision padded: ${v}`;
    if (!['9', '10', '11'].includes(precision ?? '')) return `unexpected precision: ${v}`;
    return undefined;
  };
  const f = line.split('\t');
  const out: string[] = [];
  if (!item.test(f[0] ?? '')) out.push(`not an item: ${f[0]}`);
  const what = f[1] ?? '';
  if (/^[LDA][a-z]{2,3}(-[a-z]+)*$/.test(what)) {
    if (f.length !== 3 || !str.test(f[2] ?? '')) out.push(`a term takes one string: ${line}`);
    return out;
  }
  if (!/^P[1-9]\d*$/.test(what)) return [...out, `not a property: ${what}`];
  const first = value(f[2]);
  if (first) out.push(first);
  for (let i = 3; i < f.length; i += 2) {
    if (!/^[PS][1-9]\d*$/.test(f[i] ?? '')) out.push(`not a qualifier or source property: ${f[i]}`);
    const v = value(f[i + 1]);
    if (v) out.push(v);
    // Replaces and replaced by name a person, so their value is an item.
    if ((f[i] === 'P1365' || f[i] === 'P1366') && !item.test(f[i + 1] ?? '')) out.push(`${f[i]} is not an item`);
  }
  return out;
}

describe('QuickStatements for people linked on both sides of a changeover', () => {
  it('give person-valued P1365/P1366 and dates at their precision, in valid QuickStatements v1', async () => {
    // The fixture links Liu Qi; an import links his predecessor Yang Zhenwu to an invented item as well.
    const v = workdir(FIXTURE_LINKSET);
    try {
      const evidence = path.join(v.dir, 'evidence.json');
      writeFileSync(
        evidence,
        JSON.stringify({
          method: 'read from a public dataset, not yet checked against Wikidata',
          links: [
            {
              resource: 'id/person/yang-zhenwu',
              qid: 'Q900000008',
              documents: [{ repository: 'example/dataset', path: 'people.csv', quote: 'Q900000008,杨振武' }],
            },
          ],
        }),
      );
      const imported = await run(['import', '--evidence', evidence, '--by', 'T', '--linkset', v.linkset], { graph });
      expect(imported.code, imported.err).toBe(0);
      // The snapshot verify took, plus the item for Yang Zhenwu as Wikidata would return it (no statements yet).
      const snap = JSON.parse(readFileSync(snapshot, 'utf8')) as Snapshot;
      snap.links[`${graph.base}id/person/yang-zhenwu`] = 'Q900000008';
      snap.entities.Q900000008 = {
        id: 'Q900000008',
        type: 'item',
        labels: { en: { language: 'en', value: 'Yang Zhenwu' } },
        claims: {},
      };
      const snapFile = path.join(v.dir, 'snapshot.json');
      writeFileSync(snapFile, JSON.stringify(snap));
      const r = await run(['export', '--format', 'qs', '--linkset', v.linkset, '--snapshot', snapFile], { graph });
      expect(r.code).toBe(0);
      const lines = r.out.trimEnd().split('\n');
      expect(lines.flatMap((l) => qsProblems(l).map((p) => `${p} in ${l}`))).toEqual([]);
      const yang = lines.find((l) => l.startsWith('Q900000008\tP39\t'));
      expect(yang?.split('\t').slice(0, 11)).toEqual([
        'Q900000008',
        'P39',
        'Q900000001',
        'P580',
        '+2018-03-17T00:00:00Z/11',
        'P582',
        '+2023-03-10T00:00:00Z/11',
        'P1545',
        '"13"',
        'P1366',
        'Q900000003',
      ]);
      const liu = lines.find((l) => l.startsWith('Q900000003\tP39\t'))?.split('\t') ?? [];
      expect(liu[liu.indexOf('P1365') + 1]).toBe('Q900000008');
      expect(lines).toContain(['Q900000008', 'Lzh-hans', '"杨振武"'].join('\t'));
      expect(r.err).not.toMatch(/not written: Liu Qi .* replaces/);
    } finally {
      v.remove();
    }
  });

  it('checks its own lines: a padded month, a tenure as P1365 and a bad item are caught', () => {
    expect(qsProblems(['Q900000001', 'P39', 'Q900000002', 'P580', '+1965-01-01T00:00:00Z/10'].join('\t'))).toHaveLength(
      1,
    );
    expect(qsProblems(['Q900000001', 'P39', 'Q900000002', 'P1365', '"tenure/13"'].join('\t'))).toHaveLength(1);
    expect(qsProblems(['X1', 'P39', 'Q900000002'].join('\t'))).toHaveLength(1);
    expect(
      qsProblems(
        ['Q900000001', 'P39', 'Q900000002', 'P580', '+1988-00-00T00:00:00Z/9', 'S854', '"https://a.example/"'].join(
          '\t',
        ),
      ),
    ).toEqual([]);
  });
});
