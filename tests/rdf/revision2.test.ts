// Every correction of the reference's Revision 2, held against the built graph: the fact, its precision, its source, its note.
import type * as RDF from '@rdfjs/types';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { NS } from '../../src/rdf/ns.ts';
import { realGraph, testConfig } from '../support/graph.ts';

const config = testConfig();
const npcsc = (t: string) => `${config.base}ontology#${t}`;
const id = (p: string) => `${config.base}id/${p}`;
let graph: Graph;
beforeAll(async () => {
  graph = await realGraph();
});
const objects = (s: string, p: string): RDF.Term[] => graph.store.getObjects(s, p, null);
const values = (s: string, p: string) =>
  objects(s, p)
    .map((o) => o.value)
    .sort();
const literal = (s: string, p: string): [string, string] => {
  const o = objects(s, p);
  expect(o, `${s} ${p}`).toHaveLength(1);
  const l = o[0] as RDF.Literal;
  return [l.value, l.datatype.value.replace(NS.xsd, 'xsd:')];
};
const sources = (s: string) => values(s, `${NS.dcterms}source`);

/** The note about `about` on `property`: its chosen value, alternatives, sources and title. */
function note(about: string, property: string) {
  const found = graph.store
    .getSubjects(npcsc('noteAbout'), id(about), null)
    .filter((n) => graph.store.countQuads(n, npcsc('noteProperty'), property, null) > 0);
  expect(found.length, `a note about ${about} ${property}`).toBeGreaterThan(0);
  const n = (found[0] as RDF.Term).value;
  const lit = (p: string) =>
    objects(n, p)
      .map((o) => o.value)
      .sort();
  const titles = objects(n, `${NS.rdfs}label`) as RDF.Literal[];
  return {
    iri: n,
    chosen: lit(npcsc('chosenValue')),
    alternatives: lit(npcsc('alternativeValue')),
    sources: lit(`${NS.dcterms}source`),
    alternativeSources: lit(npcsc('alternativeSource')),
    title: titles.find((t) => t.language === 'en')?.value ?? '',
    comment: (objects(n, `${NS.rdfs}comment`)[0] as RDF.Literal | undefined)?.value ?? '',
  };
}

describe('Revision 2 in the built graph', () => {
  it('A1: numbers the article rows 1..14 like the seed, the older numbering of people only in a note', () => {
    for (let n = 1; n <= 14; n++) {
      expect(literal(id(`tenure/secretary-general/${n}`), npcsc('articleNumber'))[0]).toBe(String(n));
    }
    const a = note('office/secretary-general', npcsc('articleNumber'));
    expect(a.alternatives.join(' ')).toMatch(/Peng Zhen's second tenure 1, Yang Shangkun 4/);
    expect(a.alternativeSources).toEqual([
      'https://wikimili.com/en/Secretary-General_of_the_National_People%27s_Congress',
    ]);
  });

  it('A6: states no consecutive-term limit for the Secretary-General, but for the chairperson and vice-chairpersons', () => {
    expect(objects(id('office/secretary-general'), npcsc('consecutiveTermLimit'))).toEqual([]);
    expect(values(id('office/chairperson'), npcsc('consecutiveTermLimit'))).toEqual(['2']);
    expect(values(id('office/vice-chairperson'), npcsc('consecutiveTermLimit'))).toEqual(['2']);
    const a = note('office/secretary-general', npcsc('consecutiveTermLimit'));
    expect(a.alternatives).toEqual(['2']);
    expect(a.sources).toContain('http://www.npc.gov.cn/zgrdw/englishnpc/Organization/node_2847.htm');
    expect(a.sources).toContain('http://tradingup.com.cn/wap/foreignAffairs/20180115/4401_10.html');
    expect(a.comment).toMatch(/article 66/);
    expect(literal(id('office/secretary-general'), npcsc('termLength'))).toEqual(['P5Y', 'xsd:duration']);
  });

  it('A3: keeps the chair vacant after Zhu De, Song Qingling as acting chair only an alternative', () => {
    expect(values(id('tenure/chairperson/2'), npcsc('followedByVacancy'))).toEqual(['true']);
    const a = note('tenure/chairperson/2', npcsc('followedByVacancy'));
    expect(a.alternatives.join(' ')).toMatch(/Song Qingling 宋庆龄, acting chair/);
    expect(a.alternativeSources[0]).toMatch(/liquisearch/);
  });

  it('A2: cites the weak page for Zhu De’s death, and keeps the end of office on its own sources', () => {
    expect(literal(id('person/zhu-de'), `${NS.schema}deathDate`)).toEqual(['1976-07-06', 'xsd:date']);
    expect(sources(id('person/zhu-de'))).toContain('http://m.excel-2003.com.cn/news/show_3844661.html');
    expect(sources(id('tenure/chairperson/2'))).not.toContain('http://m.excel-2003.com.cn/news/show_3844661.html');
  });

  it('A5: says what the sources say of 1975, keeps the window, and never cites one page on both sides', () => {
    for (const [about, property] of [
      ['tenure/secretary-general/2', npcsc('endDate')],
      ['tenure/secretary-general/3', npcsc('startDate')],
    ] as const) {
      const a = note(about, property);
      expect(a.comment).toMatch(/closed on 17 January and elected .* without a secretary-general/);
      expect(a.sources.filter((s) => a.alternativeSources.includes(s))).toEqual([]);
    }
    expect(literal(id('tenure/secretary-general/3'), npcsc('startEarliest'))[0]).toBe('1975-01-13');
    expect(literal(id('tenure/secretary-general/3'), npcsc('startLatest'))[0]).toBe('1975-01-20');
    // No note anywhere cites the same page as its source and its alternative source.
    for (const n of graph.store.getSubjects(`${NS.rdf}type`, npcsc('ConflictNote'), null)) {
      const both = values(n.value, `${NS.dcterms}source`).filter((s) =>
        values(n.value, npcsc('alternativeSource')).includes(s),
      );
      expect(both, n.value).toEqual([]);
    }
  });

  it('A10: gives the predecessor’s end the same opening-day note as the successor’s start', () => {
    for (const [n, day] of [
      [5, '1983-06-06'],
      [6, '1988-03-25'],
      [7, '1993-03-15'],
      [8, '1998-03-05'],
      [9, '2003-03-05'],
      [10, '2008-03-05'],
      [11, '2013-03-05'],
    ] as const) {
      const end = note(`tenure/secretary-general/${n}`, npcsc('endDate'));
      const start = note(`tenure/secretary-general/${n + 1}`, npcsc('startDate'));
      const ends = graph.store
        .getSubjects(npcsc('noteAbout'), id(`tenure/secretary-general/${n}`), null)
        .flatMap((x) => values(x.value, npcsc('alternativeValue')));
      expect(ends, `end of ${n}`).toContain(day);
      expect(start.alternatives, `start of ${n + 1}`).toContain(day);
      expect(end.title).not.toBe('');
    }
  });

  it('B1: ends Peng Zhen’s chairmanship and starts Wan Li’s on 1988-04-08, 04-13 and 04-27 as alternatives', () => {
    expect(literal(id('tenure/chairperson/4'), npcsc('endDate'))).toEqual(['1988-04-08', 'xsd:date']);
    expect(literal(id('tenure/chairperson/5'), npcsc('startDate'))).toEqual(['1988-04-08', 'xsd:date']);
    for (const [t, p] of [
      ['tenure/chairperson/4', npcsc('endDate')],
      ['tenure/chairperson/5', npcsc('startDate')],
    ] as const) {
      const a = note(t, p);
      expect(a.chosen).toEqual(['1988-04-08']);
      expect(a.alternatives).toEqual(['1988-04-13', '1988-04-27']);
      expect(a.sources).toContain('https://www.latimes.com/archives/la-xpm-1988-04-08-mn-1269-story.html');
    }
    // Peng Chong's start keeps its window; the note says the day is likely but unnamed.
    expect(literal(id('tenure/secretary-general/7'), npcsc('startDate'))).toEqual(['1988', 'xsd:gYear']);
    expect(note('tenure/secretary-general/7', npcsc('startDate')).comment).toMatch(/8 April 1988.*no source names him/);
  });

  it('B2 and B3: Li Peng from 1998-03-16 (03-15 the alternative); Peng Zhen from 1983-06-18 (06-17 the alternative)', () => {
    expect(literal(id('tenure/chairperson/7'), npcsc('startDate'))).toEqual(['1998-03-16', 'xsd:date']);
    expect(literal(id('tenure/chairperson/6'), npcsc('endDate'))).toEqual(['1998-03-16', 'xsd:date']);
    const li = note('tenure/chairperson/7', npcsc('startDate'));
    expect([li.chosen, li.alternatives, li.title]).toEqual([
      ['1998-03-16'],
      ['1998-03-15'],
      "Start of Li Peng's chairmanship: 15 or 16 March 1998",
    ]);
    expect(li.sources).toContain('https://indianexpress.com/article/news-archive/jiang-emerges-uncontested-helmsman');
    expect(literal(id('tenure/chairperson/4'), npcsc('startDate'))).toEqual(['1983-06-18', 'xsd:date']);
    expect(note('tenure/chairperson/4', npcsc('startDate')).alternatives).toEqual(['1983-06-17']);
    expect(note('tenure/chairperson/3', npcsc('endDate')).alternatives).toEqual(['1983-06-17']);
  });

  it('A4: gives six chairpersons their Chinese names, and none to Li Zhanshu and Zhao Leji', () => {
    const zh = (p: string) =>
      (objects(id(`person/${p}`), `${NS.rdfs}label`) as RDF.Literal[])
        .filter((l) => l.language === 'zh-hans')
        .map((l) => l.value);
    expect(
      ['liu-shaoqi', 'ye-jianying', 'wan-li', 'li-peng', 'wu-bangguo', 'zhang-dejiang'].map((p) => zh(p)[0]),
    ).toEqual(['刘少奇', '叶剑英', '万里', '李鹏', '吴邦国', '张德江']);
    expect([zh('li-zhanshu'), zh('zhao-leji')]).toEqual([[], []]);
  });

  it('b18/b19: narrows Cao Zhi’s start to 1993-03-27..29 (and Peng Chong’s end), and cites People’s Daily for Zhao Leji', () => {
    expect(literal(id('tenure/secretary-general/8'), npcsc('startEarliest'))[0]).toBe('1993-03-27');
    expect(literal(id('tenure/secretary-general/8'), npcsc('startLatest'))[0]).toBe('1993-03-29');
    expect(literal(id('tenure/secretary-general/7'), npcsc('endEarliest'))[0]).toBe('1993-03-27');
    expect(literal(id('tenure/secretary-general/8'), npcsc('startDate'))).toEqual(['1993-03', 'xsd:gYearMonth']);
    expect(sources(id('tenure/secretary-general/8'))).toContain(
      'https://www.baltimoresun.com/news/bs-xpm-1993-03-28-1993087025-story.html',
    );
    // The original was read (b19), so its copy on globalsecurity.org is no longer a source.
    expect(sources(id('tenure/chairperson/11'))).toEqual(['http://en.people.cn/n3/2023/0310/c90000-10219930.html']);
  });

  it('B4: "not a vice-chairperson" is a sourced fact for five tenures, so that no differs from unknown', () => {
    const statement = (n: number) => objects(id(`tenure/secretary-general/${n}`), npcsc('concurrency'))[0]?.value ?? '';
    for (const n of [6, 8, 9, 13, 14]) {
      const s = statement(n);
      expect(values(s, npcsc('heldConcurrently')), `tenure ${n}`).toEqual(['false']);
      expect(values(s, npcsc('otherOffice'))).toEqual([id('office/vice-chairperson')]);
      expect(sources(s).length, `tenure ${n}`).toBeGreaterThan(0);
    }
    expect(sources(statement(9))).toContain('https://en.wikipedia.org/wiki/9th_National_People%E2%80%99s_Congress');
    // He Chunlin's former gap is closed; a tenure with no statement and no concurrent office stays unknown.
    expect(values(id('tenure/secretary-general/9'), npcsc('knownGap')).join(' ')).not.toMatch(/vice-chairperson/);
  });

  it('gives Ji Pengfei’s vice-chairmanship as a dated statement of its own, the day noted as the session’s close', () => {
    const t = id('tenure/secretary-general/3');
    expect(objects(t, npcsc('concurrentOffice'))).toEqual([]);
    expect(objects(t, npcsc('concurrentOfficeFrom'))).toEqual([]);
    const s = objects(t, npcsc('concurrency'))[0]?.value ?? '';
    expect(values(s, npcsc('heldConcurrently'))).toEqual(['true']);
    expect(literal(s, npcsc('heldFrom'))).toEqual(['1978-03-05', 'xsd:date']);
    expect(values(s, `${NS.rdfs}comment`).join(' ')).toMatch(
      /No source gives the day of his election; 5 March 1978 is the session's last day/,
    );
    expect(sources(s)).toContain('https://wikimili.com/en/5th_National_People%27s_Congress');
  });

  it('B5 and B6: a third birth day for Yang Shangkun, and "1964" for Liu Ningyi, as alternatives', () => {
    expect(literal(id('person/yang-shangkun'), `${NS.schema}birthDate`)).toEqual(['1907-08-03', 'xsd:date']);
    expect(note('person/yang-shangkun', `${NS.schema}birthDate`).alternatives).toEqual(['1907-05-25', '1907-07-05']);
    const liu = note('tenure/secretary-general/2', npcsc('startDate'));
    expect(liu.alternatives).toEqual(['1964', '1965-01-03']);
    expect(literal(id('tenure/secretary-general/2'), npcsc('startDate'))).toEqual(['1965-01', 'xsd:gYearMonth']);
  });

  it('B7: knows the 2nd NPC’s closing day and the 13th’s opening day, with their sources', () => {
    expect(literal(id('npc-term/2'), npcsc('firstSessionClosed'))).toEqual(['1959-04-28', 'xsd:date']);
    expect(sources(id('npc-term/2'))).toContain('https://www.scsw.edu.cn/kjx/info/1007/1281.htm');
    expect(literal(id('npc-term/13'), npcsc('firstSessionOpened'))).toEqual(['2018-03-05', 'xsd:date']);
    expect(sources(id('npc-term/13'))).toContain('http://en.npc.gov.cn.cdurl.cn/2018-03/05/c_677072.htm');
    expect(objects(id('npc-term/2'), npcsc('knownGap'))).toEqual([]);
    expect(objects(id('npc-term/13'), npcsc('knownGap'))).toEqual([]);
  });

  it('B8: births, deaths and places at their precision, each with the source that states it', () => {
    expect(literal(id('person/wang-hanbin'), `${NS.schema}birthDate`)).toEqual(['1925-08', 'xsd:gYearMonth']);
    const place = objects(id('person/wang-hanbin'), `${NS.schema}birthPlace`)[0]?.value ?? '';
    expect(values(place, `${NS.rdfs}label`)).toEqual(["Hui'an, Fujian", '福建惠安']);
    expect(sources(id('person/wang-hanbin'))).toContain(
      'http://news.takungpao.com/mainland/topnews/2013-04/1558144.html',
    );
    expect(literal(id('person/peng-chong'), `${NS.schema}birthDate`)).toEqual(['1915-03-27', 'xsd:date']);
    expect(sources(id('person/peng-chong'))).toEqual(
      expect.arrayContaining([
        'https://54e1ad4b4888.kfd.me/zh-mo/%E5%BD%AD%E5%86%B2',
        'https://www.163.com/dy/article/KE5H103H0556GOA1.html',
        'http://www.fepcc.org/Article.aspx?ArtID=354',
      ]),
    );
    expect(literal(id('person/cao-zhi'), `${NS.schema}deathDate`)).toEqual(['2020-07-01', 'xsd:date']);
    expect(sources(id('person/cao-zhi'))).toContain('https://thepaper.cn/newsDetail_forward_8106007');
    expect(sources(id('person/yang-shangkun'))).toContain(
      'http://dangshi.people.com.cn/BIG5/n1/2016/0706/c85037-28527583-3.html',
    );
    expect(literal(id('person/ji-pengfei'), `${NS.schema}deathDate`)).toEqual(['2000-02-10', 'xsd:date']);
    expect(sources(id('person/ji-pengfei'))).toContain('https://www.britannica.com/biography/Ji-Pengfei');
  });

  it('names the CPPCC secretary-general’s first holder and incumbent in Chinese only', () => {
    const o = id('office/cppcc-secretary-general');
    const zhOnly = (p: string) => (objects(o, npcsc(p)) as RDF.Literal[]).map((l) => [l.value, l.language]);
    expect(zhOnly('firstHolderName')).toEqual([['李维汉', 'zh-hans']]);
    expect(zhOnly('incumbentName')).toEqual([['王东峰', 'zh-hans']]);
    expect(literal(o, npcsc('incumbentSince'))).toEqual(['2023-03-10', 'xsd:date']);
  });

  it('cites originals before copies, in canonical form, with no bare-IP address, and the NPC site as its own', () => {
    const all = new Set(graph.store.getObjects(null, `${NS.dcterms}source`, null).map((o) => o.value));
    expect([...all].filter((u) => /^https?:\/\/\d+\.\d+\.\d+\.\d+/.test(u))).toEqual([]);
    const wiki = [...all].filter((u) => /\.wikipedia\.org/.test(new URL(u).hostname));
    expect(wiki.filter((u) => !/^https:\/\/[a-z]+\.wikipedia\.org\/wiki\//.test(u))).toEqual([]);
    expect(sources(id('person/peng-zhen'))).toEqual([
      'https://en.wikipedia.org/wiki/Peng_Zhen',
      'https://universalium.en-academic.com/253282/Peng_Zhen',
    ]);
    expect(sources(id('person/li-jianguo'))).toEqual(['https://en.wikipedia.org/wiki/Li_Jianguo']);
    expect(sources(id('org/council-of-chairpersons'))[1]).toBe(
      'http://www.npc.gov.cn/englishnpc/Organization/node_2848.htm',
    );
    const title = (u: string) => values(u, `${NS.dcterms}title`).join(' ');
    expect(title('http://en.npc.gov.cn.cdurl.cn/2023-03/11/c_868265.htm')).toMatch(/the NPC's own site/);
    expect([...all].filter((u) => /\(mirror\)/.test(title(u)))).toEqual([]);
    // Every described source, cited or not: no title names a mobile or proxy form of the address.
    const described = graph.store
      .getSubjects(`${NS.rdf}type`, `${NS.dcterms}BibliographicResource`, null)
      .map((s) => s.value);
    expect(described.filter((u) => /\bmobile\b/i.test(title(u)))).toEqual([]);
    // A copy stays only where the original was not read: People's Daily was (b19), so its copy is gone.
    expect(described.filter((u) => new URL(u).hostname.endsWith('globalsecurity.org'))).toEqual([]);
    expect([...all].filter((u) => new URL(u).hostname.endsWith('globalsecurity.org'))).toEqual([]);
    // A copy says so and names what it copies.
    expect(title('https://wikizero.net/wiki/en/Li_Peng')).toMatch(/copy of the English Wikipedia article on Li Peng/);
  });

  it('gives every conflict note a reader’s title', () => {
    for (const n of graph.store.getSubjects(`${NS.rdf}type`, npcsc('ConflictNote'), null)) {
      expect(values(n.value, `${NS.rdfs}label`).length, n.value).toBeGreaterThan(0);
    }
  });

  it('has notes that say what the sources say, not how the data is built', () => {
    for (const n of graph.store.getSubjects(`${NS.rdf}type`, npcsc('ConflictNote'), null)) {
      const text = [`${NS.rdfs}label`, `${NS.rdfs}comment`].flatMap((p) => values(n.value, p)).join(' ');
      // No property name (npcsc:articleNumber, schema:birthDate …), and no word about our own reference sheet.
      expect(text, n.value).not.toMatch(/\b[a-z]+:[a-z][A-Za-z]+\b(?!\/)/);
      expect(text, n.value).not.toMatch(/\bthe reference\b|\bsic\b/i);
    }
  });
});
