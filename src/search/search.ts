// Search for readers: every label (en, zh-Hans) of people, offices, bodies and NPC terms, by word prefix or substring, with near matches when nothing is found.
import { badRequest } from '../http/errors.ts';
import {
  bigrams,
  type Catalogue,
  chineseName,
  dice,
  displayName,
  type Entry,
  type Kind,
  labelOf,
} from './catalogue.ts';

/** Limits of one search: a longer query is refused (400), more hits are cut (and the answer says how many). */
export const SEARCH_LIMITS = { queryChars: 200, results: 50, near: 5 } as const;

export interface Hit {
  entry: Entry;
  /** The label that matched (in its language). */
  label: string;
  lang: string;
  rank: number;
}

export interface SearchResult {
  query: string;
  hits: Hit[];
  /** Hits before the cut. */
  total: number;
  /** When nothing matched: the closest names. */
  near: Hit[];
}

const KIND_ORDER: Record<Kind, number> = { person: 0, office: 1, org: 2, 'npc-term': 3 };

/** 0 the label itself, 1 the label's beginning, 2 every word's beginning, 3 anywhere in it; undefined no hit. */
function rankOf(q: ReturnType<typeof labelOf>, l: Entry['labels'][number]): number | undefined {
  if (l.compact === q.compact) return 0;
  if (l.compact.startsWith(q.compact)) return 1;
  if (q.tokens.every((t) => l.tokens.some((w) => w.startsWith(t)))) return 2;
  if (l.compact.includes(q.compact)) return 3;
  return undefined;
}

const order = (a: Hit, b: Hit) =>
  a.rank - b.rank ||
  KIND_ORDER[a.entry.kind] - KIND_ORDER[b.entry.kind] ||
  (displayName(a.entry) < displayName(b.entry) ? -1 : 1);

export function search(catalogue: Catalogue, text: string): SearchResult {
  if (text.length > SEARCH_LIMITS.queryChars) {
    throw badRequest(`a search of ${text.length} characters is longer than ${SEARCH_LIMITS.queryChars}`);
  }
  const q = labelOf(text, '');
  if (q.compact === '') return { query: text, hits: [], total: 0, near: [] };
  const hits: Hit[] = [];
  for (const e of catalogue.entries) {
    let best: Hit | undefined;
    for (const l of e.labels) {
      const rank = rankOf(q, l);
      if (rank !== undefined && (!best || rank < best.rank)) best = { entry: e, label: l.text, lang: l.lang, rank };
    }
    if (best) hits.push(best);
  }
  hits.sort(order);
  let near: Hit[] = [];
  if (hits.length === 0) {
    // Nothing by prefix or substring: the names closest by their letters (a typo, a wrong tone, one character off).
    const grams = bigrams(q);
    const scored: { hit: Hit; sim: number }[] = [];
    for (const e of catalogue.entries) {
      let best: { hit: Hit; sim: number } | undefined;
      for (const l of e.labels) {
        const sim = Math.max(dice(grams, bigrams(l)), ...l.tokens.map((t) => dice(grams, bigrams(labelOf(t, '')))));
        if (sim >= 0.4 && (!best || sim > best.sim))
          best = { hit: { entry: e, label: l.text, lang: l.lang, rank: 4 }, sim };
      }
      if (best) scored.push(best);
    }
    scored.sort((a, b) => b.sim - a.sim || order(a.hit, b.hit));
    near = scored.slice(0, SEARCH_LIMITS.near).map((s) => s.hit);
  }
  return { query: text, hits: hits.slice(0, SEARCH_LIMITS.results), total: hits.length, near };
}

/** A hit as scripts read it (JSON). */
export function hitJson(h: Hit, pageUrl: (iri: string) => string) {
  const zh = chineseName(h.entry);
  return {
    id: h.entry.id,
    iri: h.entry.iri,
    url: pageUrl(h.entry.iri),
    kind: h.entry.kind,
    name: displayName(h.entry),
    ...(zh ? { nameZh: zh } : {}),
    matched: { text: h.label, lang: h.lang },
  };
}
