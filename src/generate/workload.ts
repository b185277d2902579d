// The synthetic workload: N more offices of the same shape as data/ (organisations, people, tenures, notes, sources), as Turtle text per office.
//
// Every generated tenure chain obeys the same rules the real data does (queries/checks/ and the SHACL shapes):
// ordinals 1..k, one open tenure, each end equal to the successor's start with the same precision and window,
// windows that contain their dates, NPC terms opened before the tenure certainly ended, a source with a title
// for every fact, English and Chinese labels. Nothing here is true: the labels say so.

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same workload, byte for byte. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** Syllables with their characters: place names and given names are made of two. */
const SYLLABLES: readonly [string, string][] = [
  ['an', '安'],
  ['ping', '平'],
  ['he', '和'],
  ['shan', '山'],
  ['xi', '西'],
  ['dong', '东'],
  ['nan', '南'],
  ['bei', '北'],
  ['hu', '湖'],
  ['jiang', '江'],
  ['yun', '云'],
  ['gui', '桂'],
  ['fu', '福'],
  ['ning', '宁'],
  ['qing', '青'],
  ['tai', '泰'],
  ['hai', '海'],
  ['chang', '昌'],
  ['lin', '林'],
  ['yang', '阳'],
  ['hua', '华'],
  ['ming', '明'],
  ['de', '德'],
  ['wen', '文'],
];
const FAMILY: readonly [string, string][] = [
  ['Li', '李'],
  ['Wang', '王'],
  ['Zhang', '张'],
  ['Liu', '刘'],
  ['Chen', '陈'],
  ['Yang', '杨'],
  ['Zhao', '赵'],
  ['Huang', '黄'],
  ['Zhou', '周'],
  ['Wu', '吴'],
  ['Xu', '徐'],
  ['Sun', '孙'],
  ['Hu', '胡'],
  ['Zhu', '朱'],
  ['Gao', '高'],
  ['Lin', '林'],
  ['He', '何'],
  ['Guo', '郭'],
  ['Ma', '马'],
  ['Luo', '罗'],
];

/** The kinds of office every generated region has; none starts like the real office's name. */
const KINDS: readonly { slug: string; en: (r: string) => string; zh: (r: string) => string }[] = [
  {
    slug: 'congress-chair',
    en: (r) => `Chairperson of the Standing Committee of the ${r} Provincial People's Congress`,
    zh: (r) => `${r}省人民代表大会常务委员会主任`,
  },
  {
    slug: 'congress-secretary-general',
    en: (r) => `Secretary-General of the ${r} Provincial People's Congress Standing Committee`,
    zh: (r) => `${r}省人民代表大会常务委员会秘书长`,
  },
  { slug: 'governor', en: (r) => `Governor of ${r} Province`, zh: (r) => `${r}省省长` },
  {
    slug: 'general-office-director',
    en: (r) => `Director of the General Office of ${r} Province`,
    zh: (r) => `${r}省人民政府办公厅主任`,
  },
  {
    slug: 'court-president',
    en: (r) => `President of the ${r} Higher People's Court`,
    zh: (r) => `${r}省高级人民法院院长`,
  },
  {
    slug: 'chief-procurator',
    en: (r) => `Chief Procurator of the ${r} People's Procuratorate`,
    zh: (r) => `${r}省人民检察院检察长`,
  },
  { slug: 'mayor', en: (r) => `Mayor of ${r} City`, zh: (r) => `${r}市市长` },
  {
    slug: 'cppcc-chair',
    en: (r) => `Chairperson of the ${r} Provincial Committee of the CPPCC`,
    zh: (r) => `政协${r}省委员会主席`,
  },
];
export const OFFICES_PER_REGION = KINDS.length;

/** The NPC terms of data/npc-terms.ttl: number and opening day of the first session. */
const NPC_TERMS: readonly [number, string][] = [
  [1, '1954-09-15'],
  [2, '1959-04-18'],
  [3, '1964-12-21'],
  [4, '1975-01-13'],
  [5, '1978-02-26'],
  [6, '1983-06-06'],
  [7, '1988-03-25'],
  [8, '1993-03-15'],
  [9, '1998-03-05'],
  [10, '2003-03-05'],
  [11, '2008-03-05'],
  [12, '2013-03-05'],
  [13, '2018-03-05'],
  [14, '2023-03-05'],
];

export const PREFIXES = `@prefix npcsc: <ontology#> .
@prefix office: <id/office/> .
@prefix person: <id/person/> .
@prefix npcorg: <id/org/> .
@prefix note: <id/note/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
`;

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const utc = (s: string): number => Date.parse(`${s}T00:00:00Z`);
const lastOfMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

type Precision = 'day' | 'month' | 'year';
/** A date as the sources give it: a value at a precision, and a window when the day is unknown but bounded. */
interface SourcedDate {
  value: string;
  datatype: 'xsd:date' | 'xsd:gYearMonth' | 'xsd:gYear';
  /** First and last day it can denote. */
  first: number;
  last: number;
  /** A stated window narrower than the value's own span, or none. */
  window?: { earliest: number; latest: number };
}

function sourcedDate(r: Rand, day: number, precision: Precision): SourcedDate {
  const d = new Date(day);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  if (precision === 'day') return { value: iso(day), datatype: 'xsd:date', first: day, last: day };
  if (precision === 'month') {
    const first = Date.UTC(y, m - 1, 1);
    const last = Date.UTC(y, m - 1, lastOfMonth(y, m));
    const date: SourcedDate = { value: `${y}-${pad(m)}`, datatype: 'xsd:gYearMonth', first, last };
    // Half of them have a known window, like a congress session inside the month.
    if (r() < 0.5) {
      const earliest = first + int(r, 0, 10) * DAY;
      date.window = { earliest, latest: Math.min(last, earliest + int(r, 3, 15) * DAY) };
    }
    return date;
  }
  const first = Date.UTC(y, 0, 1);
  const last = Date.UTC(y, 11, 31);
  const date: SourcedDate = { value: String(y), datatype: 'xsd:gYear', first, last };
  if (r() < 0.3) {
    const earliest = Date.UTC(y, int(r, 0, 9), int(r, 1, 28));
    date.window = { earliest, latest: earliest + int(r, 10, 40) * DAY };
  }
  return date;
}

const lit = (s: string, lang: 'en' | 'zh-Hans'): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"@${lang}`;
const typed = (d: SourcedDate): string => `"${d.value}"^^${d.datatype}`;
const day = (ms: number): string => `"${iso(ms)}"^^xsd:date`;
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export interface Region {
  slug: string;
  en: string;
  zh: string;
}

/** Region k of the workload: two syllables, then a number once the names run out. */
export function region(k: number): Region {
  const n = SYLLABLES.length;
  const [a, az] = SYLLABLES[Math.floor(k / n) % n] as [string, string];
  const [b, bz] = SYLLABLES[k % n] as [string, string];
  const round = Math.floor(k / (n * n));
  const suffix = round > 0 ? ` ${round + 1}` : '';
  return {
    slug: `w-${a}${b}${round > 0 ? `-${round + 1}` : ''}`,
    en: `${cap(a)}${b}${suffix}`,
    zh: `${az}${bz}${round > 0 ? String(round + 1) : ''}`,
  };
}

/** The Turtle of one generated office and everything it owns, split by the file each part belongs in. */
export interface OfficeText {
  organisations: string;
  offices: string;
  people: string;
  tenures: string;
  notes: string;
  sources: string;
}

/**
 * Office `i` (0-based) of a workload made with `seed`. Each office draws from its own PRNG stream, so any
 * office can be made alone and the output does not depend on how many are made before it.
 */
export function officeText(seed: number, i: number): OfficeText {
  const r = prng((seed * 2_654_435_761) ^ (i * 40_503 + 17));
  const regionIndex = Math.floor(i / OFFICES_PER_REGION);
  const reg = region(regionIndex);
  const kind = KINDS[i % OFFICES_PER_REGION] as (typeof KINDS)[number];
  const officeSlug = `${reg.slug}-${kind.slug}`;
  const orgSlug = `${reg.slug}-congress`;
  const src = (k: number) => `<https://sources.example/workload/${officeSlug}/${k}>`;
  const sourceCount = 4;
  const out: OfficeText = { organisations: '', offices: '', people: '', tenures: '', notes: '', sources: '' };

  for (let k = 1; k <= sourceCount; k++) {
    out.sources += `${src(k)} a dcterms:BibliographicResource , prov:Entity ;
    dcterms:title ${lit(`Synthetic source ${k} on the ${kind.en(reg.en)} (workload, not a real page)`, 'en')} .

`;
  }

  // The first office of a region also describes the region's organisation.
  if (i % OFFICES_PER_REGION === 0) {
    out.organisations += `npcorg:${orgSlug} a org:Organization , schema:GovernmentOrganization ;
    rdfs:label ${lit(`${reg.en} Provincial People's Congress`, 'en')} , ${lit(`${reg.zh}省人民代表大会`, 'zh-Hans')} ;
    rdfs:comment ${lit(`The people's congress of the synthetic province of ${reg.en} (a generated workload, not real).`, 'en')} ;
    org:subOrganizationOf npcorg:npc ;
    dcterms:source ${src(1)} .

`;
  }

  const foundedYear = int(r, 1954, 1960);
  const founded = Date.UTC(foundedYear, int(r, 0, 11), int(r, 1, 28));
  out.offices += `office:${officeSlug} a npcsc:Office ;
    rdfs:label ${lit(kind.en(reg.en), 'en')} , ${lit(kind.zh(reg.zh), 'zh-Hans')} ;
    rdfs:comment ${lit(`The office of ${kind.en(reg.en)}, formed in ${foundedYear}; part of a synthetic workload, not a real office.`, 'en')} ;
    org:postIn npcorg:${orgSlug} ;
    npcsc:appointedBy npcorg:${orgSlug} ;
    npcsc:termLength "P5Y"^^xsd:duration ;
${r() < 0.5 ? '    npcsc:consecutiveTermLimit 2 ;\n' : ''}    schema:foundingDate ${day(founded)} ;
    dcterms:source ${src(1)} , ${src(2)} .

`;

  // Transitions: the days on which one tenure ends and the next begins, years apart, each at its precision.
  const transitions: SourcedDate[] = [];
  let year = foundedYear;
  for (;;) {
    year += int(r, 2, 6);
    if (year > 2023) break;
    const at = Date.UTC(year, int(r, 0, 11), int(r, 1, 28));
    const roll = r();
    transitions.push(sourcedDate(r, at, roll < 0.5 ? 'day' : roll < 0.85 ? 'month' : 'year'));
  }
  const start: SourcedDate = { value: iso(founded), datatype: 'xsd:date', first: founded, last: founded };
  const tenures = transitions.length + 1;

  // Holders: mostly new people; now and then someone comes back two tenures later.
  const holders: string[] = [];
  const names = new Map<string, { en: string; zh: string }>();
  for (let t = 1; t <= tenures; t++) {
    const back = t > 2 && r() < 0.08 ? holders[t - 3] : undefined;
    if (back) {
      holders.push(back);
      continue;
    }
    const [fam, famZh] = pick(r, FAMILY);
    const [g1, g1z] = pick(r, SYLLABLES);
    const [g2, g2z] = pick(r, SYLLABLES);
    const slug = `${reg.slug}-${kind.slug}-${pad(t)}-${fam.toLowerCase()}-${g1}${g2}`;
    const en = `${fam} ${cap(g1)}${g2}`;
    const zh = `${famZh}${g1z}${g2z}`;
    names.set(slug, { en, zh });
    holders.push(slug);
    const firstStart = (t === 1 ? start : (transitions[t - 2] as SourcedDate)).first;
    const born = firstStart - int(r, 38, 62) * 365 * DAY - int(r, 0, 364) * DAY;
    const roll = r();
    const birth = roll < 0.15 ? undefined : sourcedDate(r, born, roll < 0.6 ? 'day' : roll < 0.85 ? 'month' : 'year');
    const died = born + int(r, 70, 100) * 365 * DAY;
    const death =
      died < Date.UTC(2024, 0, 1) && r() < 0.7 ? sourcedDate(r, died, r() < 0.7 ? 'day' : 'year') : undefined;
    const gaps: string[] = [];
    if (!birth) gaps.push('Date of birth unverified');
    else if (birth.datatype !== 'xsd:date') gaps.push(`Exact birth day unverified; only ${birth.value} is known`);
    out.people += `person:${slug} a schema:Person ;
    rdfs:label ${lit(en, 'en')} , ${lit(zh, 'zh-Hans')} ;
${birth ? `    schema:birthDate ${typed(birth)} ;\n` : ''}${death ? `    schema:deathDate ${typed(death)} ;\n` : ''}${gaps.length ? `    npcsc:knownGap ${gaps.map((g) => lit(g, 'en')).join(' , ')} ;\n` : ''}    dcterms:source ${src(int(r, 1, sourceCount))} , ${src(3)} .

`;
  }

  const tenureIri = (t: number) => `<id/tenure/${officeSlug}/${t}>`;
  const dates = (prop: 'start' | 'end', d: SourcedDate): string =>
    `    npcsc:${prop}Date ${typed(d)} ;\n` +
    (d.window
      ? `    npcsc:${prop}Earliest ${day(d.window.earliest)} ;\n    npcsc:${prop}Latest ${day(d.window.latest)} ;\n`
      : '');
  for (let t = 1; t <= tenures; t++) {
    const s = t === 1 ? start : (transitions[t - 2] as SourcedDate);
    const e = transitions[t - 1];
    const startEarliest = s.window?.earliest ?? s.first;
    const endEarliest = e ? (e.window?.earliest ?? e.first) : Date.UTC(2024, 0, 1);
    // The term in force when the tenure began, and every later term whose first session opened before it ended.
    const inForce = NPC_TERMS.filter(([, opened]) => utc(opened) <= startEarliest).at(-1)?.[0] ?? 1;
    const terms = NPC_TERMS.filter(([n, opened]) => n === inForce || (n > inForce && utc(opened) < endEarliest)).map(
      ([n]) => `<id/npc-term/${n}>`,
    );
    const gaps: string[] = [];
    if (s.datatype !== 'xsd:date') gaps.push(`Exact day the tenure began unverified; only ${s.value} is known`);
    if (e && e.datatype !== 'xsd:date') gaps.push(`Exact day the tenure ended unverified; only ${e.value} is known`);
    const under = t > 1 && r() < 0.5 ? holders[int(r, 0, t - 2)] : undefined;
    out.tenures += `${tenureIri(t)} a npcsc:Tenure ;
    npcsc:office office:${officeSlug} ;
    npcsc:holder person:${holders[t - 1]} ;
    npcsc:ordinal ${t} ;
${dates('start', s)}${e ? dates('end', e) : ''}    npcsc:npcTerm ${terms.join(' , ')} ;
${under && under !== holders[t - 1] ? `    npcsc:servedUnder person:${under} ;\n` : ''}${gaps.length ? `    npcsc:knownGap ${gaps.map((g) => lit(g, 'en')).join(' , ')} ;\n` : ''}    dcterms:source ${src(int(r, 1, sourceCount - 1))} , ${src(sourceCount)} .

`;
    // A published conflict where the start is known to the month only: a source that names a day.
    if (s.datatype === 'xsd:gYearMonth' && r() < 0.4) {
      const alt = (s.window?.earliest ?? s.first) + int(r, 0, 2) * DAY;
      out.notes += `note:${officeSlug}-${t}-start a npcsc:ConflictNote ;
    npcsc:noteAbout ${tenureIri(t)} ;
    npcsc:noteProperty npcsc:startDate ;
    npcsc:chosenValue ${typed(s)} ;
    npcsc:alternativeValue ${day(alt)} ;
    dcterms:source ${src(1)} ;
    npcsc:alternativeSource ${src(2)} ;
    rdfs:comment ${lit(`One synthetic source gives ${iso(alt)} for the start of tenure ${t} of the ${kind.en(reg.en)}; the dataset keeps the month ${s.value}.`, 'en')} .

`;
    }
  }
  return out;
}
