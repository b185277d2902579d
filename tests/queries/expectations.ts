// The expectation table of the example queries, shared by every backend that answers them (Comunica, Oxigraph, a remote store).
import type * as RDF from '@rdfjs/types';
import { expect } from 'vitest';
import type { Row } from '../../src/store/comunica.ts';

export type Ask = (name: string, params?: Record<string, string>) => Promise<Row[]>;

export const v = (t: RDF.Term | undefined) => t?.value;
export const SG_ORDER = [
  'Peng Zhen',
  'Liu Ningyi',
  'Ji Pengfei',
  'Peng Zhen',
  'Yang Shangkun',
  'Wang Hanbin',
  'Peng Chong',
  'Cao Zhi',
  'He Chunlin',
  'Sheng Huaren',
  'Li Jianguo',
  'Wang Chen',
  'Yang Zhenwu',
  'Liu Qi',
];

/**
 * What each example answers on a graph that holds the real data (the dataset itself, or a generated workload,
 * which adds offices beside it); a new query in queries/ must add its expectation here. `ask` runs a query by
 * name on the backend under test; `wikidataFederation` is told whether the graph links to Wikidata.
 */
export function expectations(
  ask: Ask,
  base: string,
  federation: () => Promise<void>,
): Record<string, () => Promise<void>> {
  const id = (p: string) => `${base}id/${p}`;
  return {
    holders: async () => {
      const rows = await ask('holders');
      expect(rows.map((r) => v(r.name))).toEqual(SG_ORDER);
      expect(rows.map((r) => Number(v(r.ordinal)))).toEqual([...Array(14).keys()].map((i) => i + 1));
      expect(v(rows[2]?.end)).toBe('1979-09');
      expect(rows[13]?.end).toBeUndefined();
      expect(v(rows[0]?.nameZh)).toBe('彭真');
    },
    incumbent: async () => {
      const rows = await ask('incumbent');
      expect(rows).toHaveLength(1);
      expect(v(rows[0]?.name)).toBe('Liu Qi');
      expect(v(rows[0]?.since)).toBe('2023-03-10');
      expect((rows[0]?.since as RDF.Literal | undefined)?.datatype.value).toBe('http://www.w3.org/2001/XMLSchema#date');
    },
    'held-on-date': async () => {
      const inWindow = await ask('held-on-date', { day: '1983-06-10' });
      expect(inWindow.map((r) => [v(r.name), v(r.status)])).toEqual([
        ['Yang Shangkun', 'uncertain'],
        ['Wang Hanbin', 'uncertain'],
      ]);
      const certain = await ask('held-on-date', { day: '2000-01-01' });
      expect(certain.map((r) => [v(r.name), v(r.status)])).toEqual([['He Chunlin', 'certain']]);
      const handover = await ask('held-on-date', { day: '2023-03-10' });
      expect(handover.map((r) => [v(r.name), v(r.status)])).toEqual([['Liu Qi', 'certain']]);
      expect(await ask('held-on-date', { day: '1950-01-01' })).toEqual([]);
    },
    'tenure-lengths': async () => {
      const rows = await ask('tenure-lengths');
      expect(rows).toHaveLength(13);
      expect([v(rows[0]?.name), v(rows[0]?.ordinal)]).toEqual(['Peng Zhen', '1']);
      expect([v(rows[12]?.name), v(rows[12]?.ordinal)]).toEqual(['Peng Zhen', '4']);
      const exact = rows.find((r) => v(r.ordinal) === '10');
      expect([v(exact?.minDays), v(exact?.maxDays)]).toEqual(['1827', '1827']);
    },
    'vice-chairpersons': async () => {
      const rows = await ask('vice-chairpersons');
      expect(rows.map((r) => Number(v(r.ordinal)))).toEqual([1, 2, 3, 4, 5, 7, 10, 11, 12]);
      expect(v(rows.find((r) => v(r.ordinal) === '3')?.from)).toBe('1978-03-05');
      expect(rows.filter((r) => r.from).length).toBe(1);
    },
    'council-of-chairpersons': async () => {
      const rows = await ask('council-of-chairpersons');
      const sg = rows.find((r) => v(r.office) === id('office/secretary-general'));
      expect(v(sg?.incumbentName)).toBe('Liu Qi');
      expect(rows.map((r) => v(r.office))).toContain(id('office/chairperson'));
      expect(v(rows.find((r) => v(r.office) === id('office/chairperson'))?.incumbentName)).toBe('Zhao Leji');
    },
    'served-under': async () => {
      const rows = await ask('served-under');
      const of = (n: number) => rows.filter((r) => v(r.ordinal) === String(n)).map((r) => v(r.chairpersonName));
      expect(of(1)).toEqual(['Liu Shaoqi', 'Zhu De']);
      expect(of(3)).toEqual(['Ye Jianying', 'Zhu De']);
      expect(of(7)).toEqual(['Wan Li']);
      expect(of(14)).toEqual(['Zhao Leji']);
    },
    'npc-terms': async () => {
      const rows = await ask('npc-terms');
      expect(new Set(rows.map((r) => v(r.number))).size).toBe(14);
      expect(rows.filter((r) => v(r.number) === '5').map((r) => v(r.name))).toEqual([
        'Ji Pengfei',
        'Peng Zhen',
        'Yang Shangkun',
      ]);
      expect(v(rows.find((r) => v(r.number) === '14')?.opened)).toBe('2023-03-05');
    },
    'held-twice': async () => {
      const rows = await ask('held-twice');
      // SPARQL leaves the order inside GROUP_CONCAT to the engine (Comunica gives "1, 4", Oxigraph "4, 1").
      const ordinals = (r: (typeof rows)[number]) => v(r.ordinals)?.split(', ').sort().join(', ');
      expect(rows.map((r) => [v(r.name), v(r.tenures), ordinals(r)])).toEqual([['Peng Zhen', '2', '1, 4']]);
    },
    conflicts: async () => {
      const rows = await ask('conflicts');
      expect(rows.length).toBeGreaterThanOrEqual(10);
      const ji = rows.filter(
        (r) => v(r.about) === id('tenure/secretary-general/3') && v(r.alternative) === '1975-01-20',
      );
      expect(ji.length).toBeGreaterThan(0);
    },
    'person-tenures': async () => {
      const rows = await ask('person-tenures');
      expect(rows.map((r) => v(r.tenure))).toEqual([
        id('tenure/secretary-general/1'),
        id('tenure/secretary-general/4'),
        id('tenure/chairperson/4'),
      ]);
      const liu = await ask('person-tenures', { person: id('person/liu-qi') });
      expect(liu.map((r) => v(r.start))).toEqual(['2023-03-10']);
    },
    'schema-org-view': async () => {
      const rows = await ask('schema-org-view');
      expect(rows.map((r) => v(r.name))).toEqual(SG_ORDER);
    },
    'wikidata-view': async () => {
      const rows = await ask('wikidata-view');
      expect(rows).toHaveLength(14);
      // P1365/P1366 name people, not tenures; dates carry Wikidata's precision (11 day, 10 month, 9 year).
      expect(v(rows[1]?.replaces)).toBe(id('person/peng-zhen'));
      expect(v(rows[12]?.replacedBy)).toBe(id('person/liu-qi'));
      expect(v(rows[0]?.person)).toBe(id('person/peng-zhen'));
      expect([v(rows[2]?.end), v(rows[2]?.endPrecision)]).toEqual(['1979-09-01T00:00:00Z', '10']);
      expect([v(rows[5]?.end), v(rows[5]?.endPrecision)]).toEqual(['1988-01-01T00:00:00Z', '9']);
      expect([v(rows[13]?.start), v(rows[13]?.startPrecision)]).toEqual(['2023-03-10T00:00:00Z', '11']);
      expect(rows[13]?.end).toBeUndefined();
      // Only the 12th NPC's item is known: the term qualifier appears on that tenure alone.
      expect(rows.filter((r) => r.term).map((r) => v(r.ordinal))).toEqual(['12']);
      expect(v(rows[11]?.term)).toMatch(/^http:\/\/www\.wikidata\.org\/entity\/Q[1-9]\d*$/);
    },
    'wikidata-federation': federation,
  };
}
