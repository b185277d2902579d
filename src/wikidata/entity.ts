// Reading Wikidata's entity JSON (wbgetentities): labels, aliases, item values, times and P39 statements.
import { fromWikidata, type WdDate } from './time.ts';

export interface WdSnak {
  snaktype: 'value' | 'somevalue' | 'novalue';
  property: string;
  datavalue?: { type: string; value: unknown };
}

export interface WdClaim {
  id?: string;
  mainsnak: WdSnak;
  qualifiers?: Record<string, WdSnak[]>;
  rank?: 'preferred' | 'normal' | 'deprecated';
  references?: { snaks: Record<string, WdSnak[]> }[];
}

export interface WdTerm {
  language: string;
  value: string;
}

export interface WdEntity {
  id: string;
  type?: string;
  /** Present (as "") when the id does not exist. */
  missing?: string;
  labels?: Record<string, WdTerm>;
  aliases?: Record<string, WdTerm[]>;
  descriptions?: Record<string, WdTerm>;
  claims?: Record<string, WdClaim[]>;
}

/** The Wikidata properties this module reads or writes, by what they mean. */
export const P = {
  instanceOf: 'P31',
  country: 'P17',
  citizenship: 'P27',
  positionHeld: 'P39',
  birth: 'P569',
  death: 'P570',
  start: 'P580',
  end: 'P582',
  replaces: 'P1365',
  replacedBy: 'P1366',
  ordinal: 'P1545',
  parliamentaryTerm: 'P2937',
  referenceUrl: 'P854',
} as const;

/** Our language tags and the Wikidata label languages that count as the same language. */
export const LANGUAGES = {
  en: ['en'],
  'zh-hans': ['zh-hans', 'zh-cn', 'zh', 'zh-sg', 'zh-my'],
} as const;
export type OurLanguage = keyof typeof LANGUAGES;
export const FETCH_LANGUAGES = [...new Set(Object.values(LANGUAGES).flat())];

export const ITEM_ID = /^Q[1-9]\d*$/;

/** Case-, width- and punctuation-insensitive form of a name, for comparing labels. */
export function normaliseLabel(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The entity's labels in one of our languages (first the label, then aliases), in Wikidata's variants. */
export function labelsIn(entity: WdEntity, lang: OurLanguage): { labels: string[]; aliases: string[] } {
  const codes = LANGUAGES[lang];
  const labels = codes.map((c) => entity.labels?.[c]?.value).filter((v): v is string => Boolean(v));
  const aliases = codes.flatMap((c) => (entity.aliases?.[c] ?? []).map((a) => a.value));
  return { labels: [...new Set(labels)], aliases: [...new Set(aliases)] };
}

/** The main label in one of our languages, if Wikidata has one. */
export function labelOf(entity: WdEntity, lang: OurLanguage): string | undefined {
  return labelsIn(entity, lang).labels[0];
}

/** Statements of a property that are not deprecated. */
export function claimsOf(entity: WdEntity, pid: string): WdClaim[] {
  return (entity.claims?.[pid] ?? []).filter((c) => c.rank !== 'deprecated');
}

export function snakItem(snak: WdSnak | undefined): string | undefined {
  if (snak?.snaktype !== 'value' || snak.datavalue?.type !== 'wikibase-entityid') return undefined;
  const id = (snak.datavalue.value as { id?: string }).id;
  return typeof id === 'string' ? id : undefined;
}

export function snakTime(snak: WdSnak | undefined): WdDate | undefined {
  if (snak?.snaktype !== 'value' || snak.datavalue?.type !== 'time') return undefined;
  const v = snak.datavalue.value as { time?: string; precision?: number };
  return typeof v.time === 'string' && typeof v.precision === 'number' ? fromWikidata(v.time, v.precision) : undefined;
}

export function snakString(snak: WdSnak | undefined): string | undefined {
  if (snak?.snaktype !== 'value' || snak.datavalue?.type !== 'string') return undefined;
  return typeof snak.datavalue.value === 'string' ? snak.datavalue.value : undefined;
}

/** Item ids a property points to (main values of non-deprecated statements). */
export function itemValues(entity: WdEntity, pid: string): string[] {
  return claimsOf(entity, pid)
    .map((c) => snakItem(c.mainsnak))
    .filter((v): v is string => Boolean(v));
}

export function timeValues(entity: WdEntity, pid: string): WdDate[] {
  return claimsOf(entity, pid)
    .map((c) => snakTime(c.mainsnak))
    .filter((v): v is WdDate => Boolean(v));
}

/** One P39 statement, read into what we compare. */
export interface PositionStatement {
  id?: string;
  office?: string;
  start: WdDate[];
  end: WdDate[];
  ordinals: string[];
  replaces: string[];
  replacedBy: string[];
  terms: string[];
  referenceUrls: string[];
}

export function positionsHeld(entity: WdEntity): PositionStatement[] {
  return claimsOf(entity, P.positionHeld).map((c) => {
    const q = (pid: string) => c.qualifiers?.[pid] ?? [];
    const defined = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);
    return {
      ...(c.id ? { id: c.id } : {}),
      ...(snakItem(c.mainsnak) ? { office: snakItem(c.mainsnak) } : {}),
      start: defined(q(P.start).map(snakTime)),
      end: defined(q(P.end).map(snakTime)),
      ordinals: defined(q(P.ordinal).map(snakString)),
      replaces: defined(q(P.replaces).map(snakItem)),
      replacedBy: defined(q(P.replacedBy).map(snakItem)),
      terms: defined(q(P.parliamentaryTerm).map(snakItem)),
      referenceUrls: defined((c.references ?? []).flatMap((r) => (r.snaks[P.referenceUrl] ?? []).map(snakString))),
    };
  });
}
