// Scoring a reconciliation query against the catalogue: candidates by name (every label, en and zh-Hans), then years, offices and NPC terms.
import { clearBest, corroborated, type Evidence, nameAgrees, type Outcome } from '../matching.ts';
import { bigrams, type Catalogue, dice, type Entry, type Kind, type Label, labelOf } from '../search/catalogue.ts';

/** One property of a query, already checked: what it says and what it is compared with. */
export type QueryProperty =
  | { pid: 'birthYear' | 'deathYear'; year: number }
  | { pid: 'office'; text: string }
  | { pid: 'npcTerm'; text: string };

export interface ScoringQuery {
  text: string;
  kinds?: ReadonlySet<Kind>;
  properties: readonly QueryProperty[];
}

export interface Scored {
  entry: Entry;
  /** 0..1 */
  score: number;
  evidence: Evidence[];
  match: boolean;
}

/** What each criterion weighs; a score is what was earned over what the query and our data could both offer. */
const WEIGHTS = { label: 0.6, birth: 0.15, death: 0.1, position: 0.15, term: 0.1, year: 0.15 } as const;
/** Shared with the Wikidata reconciliation's defaults: the best must reach this, with no rival within the margin. */
export const THRESHOLD = 0.8;
export const MARGIN = 0.1;
/** Candidates below this name similarity are not candidates at all. */
const MIN_NAME = 0.35;

const ev = (criterion: string, outcome: Outcome, weight: number, detail: string, points?: number): Evidence => ({
  criterion,
  outcome,
  weight,
  points: points ?? (outcome === 'match' || outcome === 'alias' ? weight : 0),
  detail,
});

/** How well the query's name agrees with one label: 1 the same (spaces, case, tone marks aside), down to 0. */
export function nameSimilarity(q: Label, l: Label): { sim: number; outcome: Outcome } {
  if (q.compact.length === 0) return { sim: 0, outcome: 'mismatch' };
  if (q.compact === l.compact) return { sim: 1, outcome: l.alt ? 'alias' : 'match' };
  const sortedQ = [...q.tokens].sort().join(' ');
  if (q.tokens.length > 1 && sortedQ === [...l.tokens].sort().join(' ')) {
    return { sim: 0.95, outcome: l.alt ? 'alias' : 'match' }; // family name last ("Zhen Peng")
  }
  const all = q.tokens.every((t) => l.tokens.includes(t));
  if (all) return { sim: 0.4 + 0.4 * (q.tokens.length / Math.max(l.tokens.length, 1)), outcome: 'partial' };
  const d = dice(bigrams(q), bigrams(l));
  return d >= 0.7 ? { sim: d * 0.8, outcome: 'partial' } : { sim: 0, outcome: 'mismatch' };
}

/** Years written in the query text ("Li Jianguo, 1946") and the name without them. */
export function splitYears(text: string): { name: string; years: number[] } {
  const years: number[] = [];
  const name = text.replace(/(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])/g, (y) => {
    years.push(Number(y));
    return ' ';
  });
  return { name, years };
}

/** Posting lists over tokens and bigrams, so that a query looks at the entries sharing something with it. */
export class NameIndex {
  private readonly byToken = new Map<string, Set<Entry>>();
  private readonly byBigram = new Map<string, Set<Entry>>();

  constructor(readonly catalogue: Catalogue) {
    const add = (m: Map<string, Set<Entry>>, k: string, e: Entry) => {
      const s = m.get(k);
      if (s) s.add(e);
      else m.set(k, new Set([e]));
    };
    for (const e of catalogue.entries) {
      for (const l of e.labels) {
        for (const t of l.tokens) add(this.byToken, t, e);
        for (const b of bigrams(l)) add(this.byBigram, b, e);
      }
    }
  }

  /** Entries sharing a token with the query, or at least half of its bigrams (a typo, a missing space). */
  candidates(q: Label): Set<Entry> {
    const out = new Set<Entry>();
    for (const t of q.tokens) for (const e of this.byToken.get(t) ?? []) out.add(e);
    const grams = [...new Set(bigrams(q))];
    const shared = new Map<Entry, number>();
    for (const g of grams) for (const e of this.byBigram.get(g) ?? []) shared.set(e, (shared.get(e) ?? 0) + 1);
    for (const [e, n] of shared) if (n >= grams.length / 2) out.add(e);
    return out;
  }
}

function yearsInOffice(e: Entry): Set<number> {
  const out = new Set<number>();
  for (const t of e.tenures) {
    const from = t.start?.year;
    const to = t.end?.year ?? from;
    if (from === undefined || to === undefined) continue;
    for (let y = from; y <= to && y - from < 100; y++) out.add(y);
  }
  return out;
}

/** The NPC term number a value names: "7", "7th", "npc-term/7", "第七届" are all 7. */
export function termNumber(text: string): number | undefined {
  const digits = /(?:^|\/|\b)([0-9]{1,2})(?:st|nd|rd|th)?\b/.exec(text);
  if (digits?.[1]) return Number(digits[1]);
  const han = /第?([一二三四五六七八九十]{1,3})届?/.exec(text);
  if (!han?.[1]) return undefined;
  const n = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 } as Record<string, number>;
  const s = han[1];
  if (s === '十') return 10;
  if (s.startsWith('十')) return 10 + (n[s[1] ?? ''] ?? 0);
  if (s.endsWith('十')) return (n[s[0] ?? ''] ?? 0) * 10;
  if (s.length === 3 && s[1] === '十') return (n[s[0] ?? ''] ?? 0) * 10 + (n[s[2] ?? ''] ?? 0);
  return n[s];
}

/** Whether one of `ids` (entries of the catalogue) is what `text` names: its identifier, IRI or one of its labels. */
function names(catalogue: Catalogue, ids: readonly string[], text: string): boolean {
  const q = labelOf(text, '');
  return ids.some((iri) => {
    const e = catalogue.byId.get(iri.slice(`${catalogue.base}id/`.length));
    if (!e) return false;
    if (text === e.id || text === e.iri) return true;
    // Every word of the value in one label: "Secretary-General" names the office whose label begins with it.
    return e.labels.some(
      (l) => l.compact === q.compact || (q.tokens.length > 0 && q.tokens.every((t) => l.tokens.includes(t))),
    );
  });
}

function personEvidence(catalogue: Catalogue, e: Entry, q: ScoringQuery, textYears: number[]): Evidence[] {
  const out: Evidence[] = [];
  for (const p of q.properties) {
    if (p.pid === 'birthYear' || p.pid === 'deathYear') {
      const c = p.pid === 'birthYear' ? 'birth' : 'death';
      const ours = c === 'birth' ? e.birth : e.death;
      if (!ours) out.push(ev(c, 'absent', 0, `no ${c} date in our data`));
      else if (ours.year === p.year) out.push(ev(c, 'match', WEIGHTS[c], `${c} year ${p.year} (ours ${ours.lexical})`));
      else
        out.push(ev(c, 'mismatch', WEIGHTS[c], `${c} year ${p.year} differs from ours (${ours.lexical})`, -WEIGHTS[c]));
    } else if (p.pid === 'office') {
      const offices = [...new Set(e.tenures.map((t) => t.office))];
      const held = names(catalogue, offices, p.text);
      out.push(
        offices.length === 0
          ? ev('position', 'absent', 0, 'no office held in our data')
          : held
            ? ev('position', 'match', WEIGHTS.position, `held the office "${p.text}"`)
            : ev('position', 'mismatch', WEIGHTS.position, `held no office "${p.text}"`, -WEIGHTS.position),
      );
    } else if (p.pid === 'npcTerm') {
      const n = termNumber(p.text);
      const terms = e.tenures.flatMap((t) => t.terms);
      const held = n !== undefined ? terms.some((t) => t.endsWith(`/npc-term/${n}`)) : names(catalogue, terms, p.text);
      out.push(
        terms.length === 0
          ? ev('term', 'absent', 0, 'no NPC term in our data')
          : held
            ? ev('term', 'match', WEIGHTS.term, `in office in the NPC term "${p.text}"`)
            : ev('term', 'mismatch', WEIGHTS.term, `not in office in the NPC term "${p.text}"`, -WEIGHTS.term),
      );
    }
  }
  if (textYears.length > 0) {
    const inOffice = yearsInOffice(e);
    for (const y of textYears) {
      if (e.birth?.year === y) out.push(ev('birth', 'match', WEIGHTS.birth, `born ${y} (written with the name)`));
      else if (e.death?.year === y) out.push(ev('death', 'match', WEIGHTS.death, `died ${y} (written with the name)`));
      else if (inOffice.has(y)) out.push(ev('position', 'match', WEIGHTS.position, `in office in ${y}`));
      else if (e.birth || e.death || inOffice.size > 0) {
        out.push(ev('year', 'mismatch', WEIGHTS.year, `${y} is none of our years for this person`, -WEIGHTS.year));
      }
    }
  }
  return out;
}

/** Scores every candidate of one query, best first; `match` is set on at most one, and only when the rule allows. */
export function scoreQuery(index: NameIndex, q: ScoringQuery): Scored[] {
  const { name, years } = splitYears(q.text);
  const ql = labelOf(name, '');
  const scored: Scored[] = [];
  for (const e of index.candidates(ql)) {
    if (q.kinds && !q.kinds.has(e.kind)) continue;
    let best: { sim: number; outcome: Outcome; label?: Label } = { sim: 0, outcome: 'mismatch' };
    for (const l of e.labels) {
      const s = nameSimilarity(ql, l);
      if (s.sim > best.sim) best = { ...s, label: l };
    }
    if (best.sim < MIN_NAME || !best.label) continue;
    const evidence: Evidence[] = [
      ev(
        `label@${best.label.lang || 'none'}`,
        best.outcome,
        WEIGHTS.label,
        `"${name.trim()}" ~ "${best.label.text}"`,
        WEIGHTS.label * best.sim,
      ),
    ];
    if (e.kind === 'person') evidence.push(...personEvidence(index.catalogue, e, q, years));
    const total = evidence.reduce((s, x) => s + x.weight, 0);
    const got = evidence.reduce((s, x) => s + x.points, 0);
    const score = Math.round(Math.max(0, Math.min(1, got / total)) * 1000) / 1000;
    scored.push({ entry: e, score, evidence, match: false });
  }
  scored.sort((a, b) => b.score - a.score || (a.entry.id < b.entry.id ? -1 : 1));
  const decision = clearBest(scored, THRESHOLD, MARGIN);
  if ('why' in decision) return scored;
  const { best } = decision;
  if (!nameAgrees(best.evidence)) return scored;
  // Evidence against the best (a year, an office or a term that disagrees) leaves it to a person, whatever the sum.
  if (best.evidence.some((x) => x.outcome === 'mismatch')) return scored;
  // Between two of the same name (anywhere in the catalogue, not only among the candidates returned), a name alone
  // is never enough: the shared rule asks for a year, an office or an NPC term that agrees.
  const namesakes = index.catalogue.entries.some(
    (o) => o !== best.entry && o.kind === best.entry.kind && sameName(o, best.entry),
  );
  if (namesakes && !corroborated(best.entry.kind, best.evidence)) return scored;
  best.match = true;
  return scored;
}

function sameName(a: Entry, b: Entry): boolean {
  return a.labels.some((x) => b.labels.some((y) => x.compact === y.compact));
}
