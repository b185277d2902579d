// The real dataset: the facts of reference/DECISIONS.md as stored, and what the rules derive from them.
import { spawnSync } from 'node:child_process';
import type * as RDF from '@rdfjs/types';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { realGraph, testConfig } from '../support/graph.ts';

const config = testConfig();
const npcsc = (t: string) => `${config.base}ontology#${t}`;
const id = (p: string) => `${config.base}id/${p}`;
/**
 * The ten identifiers of the reference's evidence (facts.md §8.1), by our resource: numbers here, so that the
 * repository grep below finds the ids only where the data holds them.
 */
const LINKED_NUMBERS: Record<string, number> = {
  'person/li-jianguo': 211384,
  'person/wang-chen': 3427716,
  'person/liu-qi': 9110620,
  'person/liu-shaoqi': 16988,
  'person/zhang-dejiang': 197178,
  'person/li-zhanshu': 391443,
  'person/zhao-leji': 127295,
  'org/npc': 19211,
  'npc-term/12': 247766,
  'document/constitution': 200800,
};
const LINKED = Object.fromEntries(Object.entries(LINKED_NUMBERS).map(([r, n]) => [r, `Q${n}`]));
let graph: Graph;
beforeAll(async () => {
  graph = await realGraph();
});
const objects = (s: string, p: string): RDF.Term[] => graph.store.getObjects(s, p, null);
const one = (s: string, p: string): RDF.Literal => {
  const o = objects(s, p);
  expect(o, `${s} ${p}`).toHaveLength(1);
  return o[0] as RDF.Literal;
};
const sgTenures = () =>
  graph.store.getSubjects(npcsc('office'), id('office/secretary-general'), null).map((t) => t.value);

describe('The real dataset', () => {
  it('has 14 tenures of the Secretary-General held by 13 people', () => {
    expect(sgTenures()).toHaveLength(14);
    const holders = new Set(sgTenures().flatMap((t) => objects(t, npcsc('holder')).map((h) => h.value)));
    expect(holders.size).toBe(13);
  });

  it('names Liu Qi the incumbent since 2023-03-10, derived from the open tenure', () => {
    expect(objects(id('office/secretary-general'), npcsc('incumbent')).map((t) => t.value)).toEqual([
      id('person/liu-qi'),
    ]);
    const start = one(id('tenure/secretary-general/14'), npcsc('startDate'));
    expect([start.value, start.datatype.value]).toEqual(['2023-03-10', `${NS.xsd}date`]);
    expect(objects(id('tenure/secretary-general/14'), npcsc('endDate'))).toEqual([]);
  });

  it('gives Peng Zhen two tenures, the 1st and the 4th', () => {
    const his = graph.store.getSubjects(npcsc('holder'), id('person/peng-zhen'), null).map((t) => t.value);
    expect(his.filter((t) => t.includes('/secretary-general/')).sort()).toEqual([
      id('tenure/secretary-general/1'),
      id('tenure/secretary-general/4'),
    ]);
  });

  it('keeps the precision of the sources: Ji Pengfei ended in a month, not on a day', () => {
    const end = one(id('tenure/secretary-general/3'), npcsc('endDate'));
    expect([end.value, end.datatype.value]).toEqual(['1979-09', `${NS.xsd}gYearMonth`]);
    expect(objects(id('tenure/secretary-general/3'), npcsc('endPrecision')).map((t) => t.value)).toEqual([
      npcsc('Month'),
    ]);
    const wang = one(id('tenure/secretary-general/6'), npcsc('endDate'));
    expect([wang.value, wang.datatype.value]).toEqual(['1988', `${NS.xsd}gYear`]);
  });

  it('stores a window as two day bounds where only a window is known', () => {
    expect(one(id('tenure/secretary-general/1'), npcsc('endEarliest')).value).toBe('1964-12-21');
    expect(one(id('tenure/secretary-general/1'), npcsc('endLatest')).value).toBe('1965-01-04');
    // A month without a stated window is bounded by the month itself (derived).
    expect(one(id('tenure/secretary-general/3'), npcsc('endEarliest')).value).toBe('1979-09-01');
    expect(one(id('tenure/secretary-general/3'), npcsc('endLatest')).value).toBe('1979-09-30');
  });

  it('names at least one source for every tenure, person, organisation and office', () => {
    const type = `${NS.rdf}type`;
    for (const cls of [npcsc('Tenure'), npcsc('Office'), `${NS.schema}Person`, `${NS.org}Organization`]) {
      const things = graph.store.getSubjects(type, cls, null);
      expect(things.length, cls).toBeGreaterThan(0);
      for (const t of things) expect(objects(t.value, `${NS.dcterms}source`).length, t.value).toBeGreaterThan(0);
    }
  });

  it('derives predecessor, successor and durations', () => {
    expect(objects(id('tenure/secretary-general/2'), npcsc('predecessor')).map((t) => t.value)).toEqual([
      id('tenure/secretary-general/1'),
    ]);
    expect(objects(id('tenure/secretary-general/1'), npcsc('successor')).map((t) => t.value)).toEqual([
      id('tenure/secretary-general/2'),
    ]);
    expect(one(id('tenure/secretary-general/12'), npcsc('durationDays')).value).toBe('1829');
    expect(objects(id('tenure/secretary-general/1'), npcsc('durationDays'))).toEqual([]);
  });

  it('materialises the alignments for schema.org, ORG and Wikidata consumers', () => {
    const t = id('tenure/secretary-general/14');
    expect(objects(t, `${NS.schema}startDate`).map((o) => o.value)).toEqual(['2023-03-10']);
    expect(objects(id('person/liu-qi'), `${NS.wdt}P39`).map((o) => o.value)).toContain(id('office/secretary-general'));
    expect(objects(id('person/liu-qi'), `${NS.schema}memberOf`).map((o) => o.value)).toContain(t);
    expect(objects(t, `${NS.rdf}type`).map((o) => o.value)).toEqual(
      expect.arrayContaining([`${NS.schema}OrganizationRole`, `${NS.org}Membership`]),
    );
    expect(objects(id('office/secretary-general'), `${NS.org}heldBy`).length).toBe(13);
  });

  it("writes each tenure as a p:P39 statement in Wikidata's model, with no direct property on it", () => {
    const t = id('tenure/secretary-general/14');
    expect(objects(id('person/liu-qi'), `${NS.p}P39`).map((o) => o.value)).toEqual([t]);
    expect(objects(t, `${NS.ps}P39`).map((o) => o.value)).toEqual([id('office/secretary-general')]);
    // Replaces and replaced by name people, not tenures.
    expect(objects(t, `${NS.pq}P1365`).map((o) => o.value)).toEqual([id('person/yang-zhenwu')]);
    expect(objects(id('tenure/secretary-general/13'), `${NS.pq}P1366`).map((o) => o.value)).toEqual([
      id('person/liu-qi'),
    ]);
    // A time value with its precision: Ji Pengfei's end is a month (10), Wang Hanbin's a year (9).
    const timeOf = (tenure: string, pid: string) => {
      const node = objects(id(tenure), `http://www.wikidata.org/prop/qualifier/value/${pid}`)[0]?.value ?? '';
      return [
        one(node, 'http://wikiba.se/ontology#timeValue').value,
        one(node, 'http://wikiba.se/ontology#timePrecision').value,
      ];
    };
    expect(timeOf('tenure/secretary-general/3', 'P582')).toEqual(['1979-09-01T00:00:00Z', '10']);
    expect(timeOf('tenure/secretary-general/6', 'P582')).toEqual(['1988-01-01T00:00:00Z', '9']);
    expect(timeOf('tenure/secretary-general/14', 'P580')).toEqual(['2023-03-10T00:00:00Z', '11']);
    // The parliamentary term only where its item is known (the 12th NPC).
    const withTerm = graph.store.getSubjects(`${NS.pq}P2937`, null, null).map((s) => s.value);
    expect(withTerm.sort()).toEqual([id('tenure/chairperson/9'), id('tenure/secretary-general/12')].sort());
    for (const q of graph.store.getQuads(null, null, null, null)) {
      if (q.predicate.value.startsWith(NS.wdt)) {
        expect(graph.store.countQuads(q.subject, `${NS.rdf}type`, npcsc('Tenure'), null), q.subject.value).toBe(0);
      }
    }
  });

  it('labels the office in English and simplified Chinese', () => {
    const labels = objects(id('office/secretary-general'), `${NS.rdfs}label`) as RDF.Literal[];
    expect(labels.map((l) => [l.language, l.value]).sort()).toEqual([
      ['en', "Secretary-General of the Standing Committee of the National People's Congress"],
      ['zh-hans', '全国人民代表大会常务委员会秘书长'],
    ]);
  });

  it('publishes conflicts as notes', () => {
    const notes = graph.store.getSubjects(`${NS.rdf}type`, npcsc('ConflictNote'), null);
    expect(notes.length).toBeGreaterThanOrEqual(10);
  });

  it('links exactly the ten items read from public datasets, each with its documents as evidence', () => {
    const sameAs = graph.store
      .getQuads(null, `${NS.owl}sameAs`, null, null)
      .filter((q) => q.object.value.startsWith(NS.wd))
      .map((q) => [q.subject.value, q.object.value.slice(NS.wd.length)]);
    expect(Object.fromEntries(sameAs)).toEqual(Object.fromEntries(Object.entries(LINKED).map(([r, q]) => [id(r), q])));
    const toWikidata = graph.store.getQuads(null, null, null, null).filter((q) => q.object.value.startsWith(NS.wd));
    // Each link as owl:sameAs (and schema:sameAs, its alignment) and as the rdf:object of its evidence node;
    // the 12th NPC's item also as the parliamentary-term qualifier of the Wikidata view.
    expect([...new Set(toWikidata.map((q) => q.predicate.value))].sort()).toEqual(
      [`${NS.rdf}object`, `${NS.owl}sameAs`, `${NS.schema}sameAs`, `${NS.pq}P2937`].sort(),
    );
    for (const [resource, qid] of Object.entries(LINKED)) {
      const [node] = graph.store.getSubjects(`${NS.rdf}subject`, id(resource), null);
      expect(node, resource).toBeDefined();
      const n = (node as RDF.Term).value;
      expect(objects(n, `${NS.rdf}object`).map((o) => o.value)).toEqual([`${NS.wd}${qid}`]);
      const at = one(n, `${NS.prov}generatedAtTime`);
      expect(at.datatype.value).toBe(`${NS.xsd}dateTime`);
      const [activity] = objects(n, `${NS.prov}wasGeneratedBy`);
      expect(objects((activity as RDF.Term).value, `${NS.dcterms}description`).map((d) => d.value)).toEqual([
        'read from a public dataset, not yet checked against Wikidata',
      ]);
      const quotations = objects(n, `${NS.prov}wasDerivedFrom`);
      expect(quotations.length, resource).toBeGreaterThan(0);
      for (const q of quotations) {
        expect(one(q.value, `${NS.prov}value`).value, resource).toMatch(/\S/);
        const [doc] = objects(q.value, `${NS.dcterms}source`);
        const d = (doc as RDF.Term).value;
        expect(objects(d, npcsc('repository'))[0]?.value, d).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
        expect(objects(d, `${NS.dcterms}title`).length, d).toBe(1);
        if (resource !== 'person/liu-shaoqi') {
          expect(one(d, npcsc('repositoryPath')).value, d).toMatch(/\S/);
          expect(one(d, npcsc('commit')).value, d).toMatch(/^[0-9a-f]{40}$/);
        }
      }
    }
    // The quoted rows name the item itself.
    const row = objects(id('dataset/npcsc-kg#wikidata-link-person-li-jianguo-evidence-1'), `${NS.prov}value`);
    expect(row.map((r) => r.value)).toEqual([`${LINKED['person/li-jianguo']},李建国,…,1946-04,…,Li Jianguo`]);
  });
});

describe('The repository', () => {
  it('holds the ten linked Wikidata ids only in the linkset, and elsewhere only the invented test ids (Q9000000xx)', () => {
    const r = spawnSync(
      'git',
      ['grep', '--untracked', '-n', '-I', '-o', '-E', '\\bQ[0-9]+\\b', '--', '.', ':!package-lock.json'],
      {
        cwd: config.root,
        encoding: 'utf8',
      },
    );
    expect(r.status === 0 || r.status === 1, r.stderr).toBe(true);
    const linked = new Set(Object.values(LINKED));
    const hits = r.stdout.split('\n').filter((line) => line && !/:Q9000000(\d\d)?$/.test(line));
    const outside = hits.filter(
      (line) => !(line.startsWith('data/links/wikidata.ttl:') && linked.has(line.split(':').pop() ?? '')),
    );
    expect(outside).toEqual([]);
    expect(new Set(hits.map((line) => line.split(':').pop()))).toEqual(linked);
  });
});
