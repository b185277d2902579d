// The meta description of a page whose resource has no rdfs:comment of its own: one sentence written from its data.
//
// Search engines show this sentence under the link, and sharing cards under the title, so it says what the page is
// about in the page's language: a person's life dates and the offices held, a tenure's holder, office and dates, an
// NPC term's first session and the tenures in it.
import { NS } from '../../rdf/ns.ts';
import { formatDate, parseDate } from '../dates.ts';
import type { Lang } from '../formats.ts';
import { localName, nameOf } from '../view.ts';
import { npcscOf, type PageCtx } from './common.ts';

const words = {
  en: {
    life: (born: string, died: string) => (died ? `${born} – ${died}` : `born ${born}`),
    held: (office: string, n: string, from: string, to: string) =>
      `${office}${n ? ` (no. ${n})` : ''} from ${from}${to ? ` to ${to}` : ''}`,
    person: (name: string, life: string, held: string[]) =>
      `${name}${life ? ` (${life})` : ''}${held.length ? `: ${held.join('; ')}` : ''}.`,
    tenure: (holder: string, held: string, terms: string) =>
      `${holder}, ${held}${terms ? `, in the ${terms} National People’s Congress` : ''}.`,
    terms: (ns: string[]) => ns.map(ordinal).join(', '),
    term: (name: string, opened: string, closed: string, tenures: number) =>
      `${name}: first session from ${opened} to ${closed}; ${tenures} ${tenures === 1 ? 'tenure' : 'tenures'} of the offices recorded here.`,
    other: (name: string, kind: string) => `${name}: ${kind} in the NPCSC Secretary-General knowledge graph.`,
  },
  'zh-Hans': {
    life: (born: string, died: string) => (died ? `${born}—${died}` : `${born}生`),
    held: (office: string, n: string, from: string, to: string) =>
      `${from}${to ? `至${to}` : '起'}任${office}${n ? `（第${n}任）` : ''}`,
    person: (name: string, life: string, held: string[]) =>
      `${name}${life ? `（${life}）` : ''}${held.length ? `：${held.join('；')}` : ''}。`,
    tenure: (holder: string, held: string, terms: string) =>
      `${holder}于${held}${terms ? `，历${terms}全国人大` : ''}。`,
    terms: (ns: string[]) => ns.map((n) => `第${n}届`).join('、'),
    term: (name: string, opened: string, closed: string, tenures: number) =>
      `${name}：第一次会议${opened}至${closed}举行；本知识图谱记载的任期${tenures}个。`,
    other: (name: string, kind: string) => `${name}：全国人大常委会秘书长知识图谱中的${kind}。`,
  },
} satisfies Record<Lang, unknown>;

function ordinal(n: string): string {
  const v = Number(n) % 100;
  const suffix =
    v >= 11 && v <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[v % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The description of `topic`'s page, written from its data. */
export function describe(ctx: PageCtx, kind: string, topic: string): string {
  const { ix, lang } = ctx;
  const w = words[lang];
  const npcsc = npcscOf(ctx);
  const name = (iri: string) => nameOf(ix, iri, lang).text;
  const date = (s: string, p: string) => {
    const v = parseDate(ix.object(s, p));
    return v ? formatDate(v, lang) : '';
  };
  const held = (tenure: string) =>
    w.held(
      ix.iris(tenure, `${npcsc}office`).map(name).join(', '),
      ix.object(tenure, `${npcsc}ordinal`)?.value ?? '',
      date(tenure, `${npcsc}startDate`),
      date(tenure, `${npcsc}endDate`),
    );
  const tenuresOf = (p: string) =>
    ix
      .subjects(`${npcsc}${p}`, topic)
      .filter((t) => ix.isA(t, `${npcsc}Tenure`))
      .sort((a, b) =>
        (ix.object(a, `${npcsc}startDate`)?.value ?? '').localeCompare(ix.object(b, `${npcsc}startDate`)?.value ?? ''),
      );
  switch (kind) {
    case 'person': {
      const born = date(topic, `${NS.schema}birthDate`);
      const life = born ? w.life(born, date(topic, `${NS.schema}deathDate`)) : '';
      return w.person(name(topic), life, tenuresOf('holder').map(held));
    }
    case 'tenure': {
      const terms = ix
        .iris(topic, `${npcsc}npcTerm`)
        .map(localName)
        .sort((a, b) => Number(a) - Number(b));
      const holder = ix.iris(topic, `${npcsc}holder`).map(name).join(', ');
      return w.tenure(holder, held(topic), terms.length ? w.terms(terms) : '');
    }
    case 'npc-term':
      return w.term(
        name(topic),
        date(topic, `${npcsc}firstSessionOpened`),
        date(topic, `${npcsc}firstSessionClosed`),
        tenuresOf('npcTerm').length,
      );
    default: {
      const type = ix.types(topic).find((t) => ctx.vocab.has(t));
      return w.other(name(topic), type ? ctx.vocab.label(type, lang) : kind);
    }
  }
}
