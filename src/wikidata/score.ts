// Scoring a Wikidata candidate against one of our resources: each piece of evidence, its weight, the score.
import { type Evidence, type Outcome, corroborated as sharedRule } from '../matching.ts';
import { itemValues, labelsIn, normaliseLabel, type OurLanguage, P, timeValues, type WdEntity } from './entity.ts';
import type { Kind, Resource } from './resources.ts';
import { toIso, type WdDate } from './time.ts';

/** Labels (English, compared normalised) of the items that say "a human" and "the country" in Wikidata. */
export const HUMAN_LABELS = ['human'];
export const COUNTRY_LABELS = ["people's republic of china", 'china'];

export type { Evidence, Outcome };

export interface Candidate {
  id: string;
  label?: string;
  description?: string;
  foundBy: string[];
  score: number;
  evidence: Evidence[];
}

/**
 * What each piece of evidence weighs. A score is the weight earned over the weight our own data can offer for
 * that resource (no Chinese name, no dates or no linked office: those criteria drop out), so a candidate is never
 * marked down for what we do not know, but is for what Wikidata does not say.
 */
const WEIGHTS: Record<'person' | 'other', Record<string, number>> = {
  person: {
    'label@en': 0.25,
    'label@zh-hans': 0.15,
    human: 0.15,
    birth: 0.15,
    death: 0.1,
    citizenship: 0.05,
    position: 0.15,
  },
  other: { 'label@en': 0.45, 'label@zh-hans': 0.35, country: 0.2 },
};

export interface Context {
  /** English labels of the items that instance-of, citizenship and country claims point to. */
  itemLabels: Map<string, string>;
  /** Our resource IRI → its Wikidata item, as far as known (linkset plus this run's acceptances). */
  known: Map<string, string>;
}

/** One piece of evidence; it earns its full weight when it matches, nothing otherwise unless `points` says so. */
const ev = (criterion: string, outcome: Outcome, weight: number, detail: string, points?: number): Evidence => ({
  criterion,
  outcome,
  weight,
  points: points ?? (outcome === 'match' ? weight : 0),
  detail,
});

function labelEvidence(lang: OurLanguage, ours: string | undefined, e: WdEntity, w: number): Evidence | undefined {
  if (!ours) return undefined;
  const c = `label@${lang}`;
  const { labels, aliases } = labelsIn(e, lang);
  const n = normaliseLabel(ours);
  if (labels.some((l) => normaliseLabel(l) === n)) return ev(c, 'match', w, `"${ours}" is the ${lang} label`);
  if (aliases.some((l) => normaliseLabel(l) === n)) return ev(c, 'alias', w, `"${ours}" is an ${lang} alias`, w * 0.7);
  if (labels.length === 0 && aliases.length === 0) return ev(c, 'absent', w, `no ${lang} label in Wikidata`);
  return ev(c, 'mismatch', w, `"${ours}" differs from the ${lang} label "${labels[0] ?? aliases[0]}"`);
}

/** Years only: a day that differs is for verify to report; a year that differs counts against the candidate. */
function yearEvidence(c: string, ours: WdDate | undefined, theirs: WdDate[], w: number): Evidence | undefined {
  if (!ours) return undefined;
  if (theirs.length === 0) return ev(c, 'absent', w, `no ${c} date in Wikidata`);
  const hit = theirs.find((t) => t.year === ours.year);
  if (hit) return ev(c, 'match', w, `${c} year ${ours.year} (ours ${toIso(ours)}, Wikidata ${toIso(hit)})`);
  const years = theirs.map((t) => t.year).join(', ');
  return ev(c, 'mismatch', w, `${c} year ${ours.year} differs from Wikidata's ${years}`, -w);
}

/** An item-valued claim compared by the English label of its value (no item id is ever written in the code). */
function labelledValue(
  c: string,
  e: WdEntity,
  pid: string,
  wanted: readonly string[],
  ctx: Context,
  w: number,
): Evidence {
  const names = itemValues(e, pid).map((v) => ctx.itemLabels.get(v) ?? v);
  if (names.length === 0) return ev(c, 'absent', w, `no ${pid} in Wikidata`);
  const ok = names.some((n) => wanted.includes(normaliseLabel(n)));
  return ev(c, ok ? 'match' : 'mismatch', w, `${pid} is ${names.map((n) => `"${n}"`).join(', ')}`);
}

/** Every piece of evidence for one candidate, and the score it adds up to (0..1). */
export function score(resource: Resource, e: WdEntity, ctx: Context): { score: number; evidence: Evidence[] } {
  const w = WEIGHTS[resource.kind === 'person' ? 'person' : 'other'];
  const weight = (c: string) => w[c] ?? 0;
  const found: (Evidence | undefined)[] = [
    labelEvidence('en', resource.labels.en, e, weight('label@en')),
    labelEvidence('zh-hans', resource.labels['zh-hans'], e, weight('label@zh-hans')),
  ];
  const types = itemValues(e, P.instanceOf).map((v) => normaliseLabel(ctx.itemLabels.get(v) ?? v));
  const human = types.some((t) => HUMAN_LABELS.includes(t));
  if (resource.kind === 'person') {
    found.push(
      types.length === 0
        ? ev('human', 'absent', weight('human'), 'no instance of (P31) in Wikidata')
        : human
          ? ev('human', 'match', weight('human'), 'instance of (P31) human')
          : ev('human', 'disqualifies', weight('human'), 'not an instance of human'),
      yearEvidence('birth', resource.birth, timeValues(e, P.birth), weight('birth')),
      yearEvidence('death', resource.death, timeValues(e, P.death), weight('death')),
      labelledValue('citizenship', e, P.citizenship, COUNTRY_LABELS, ctx, weight('citizenship')),
    );
    const offices = resource.offices.map((o) => ctx.known.get(o)).filter((q): q is string => Boolean(q));
    if (offices.length > 0) {
      const held = itemValues(e, P.positionHeld).filter((q) => offices.includes(q));
      found.push(
        held.length > 0
          ? ev('position', 'match', weight('position'), `position held (P39) ${held.join(', ')}, our office's item`)
          : ev('position', 'absent', weight('position'), `no position held (P39) ${offices.join(', ')}`),
      );
    }
  } else {
    if (human) found.push(ev('kind', 'disqualifies', 0, 'a human, not a body or office'));
    found.push(labelledValue('country', e, P.country, COUNTRY_LABELS, ctx, weight('country')));
  }
  const evidence = found.filter((x): x is Evidence => x !== undefined);
  if (evidence.some((x) => x.outcome === 'disqualifies')) return { score: 0, evidence };
  const total = evidence.reduce((s, x) => s + x.weight, 0);
  const got = evidence.reduce((s, x) => s + x.points, 0);
  // Rounded to three places, so that 0.85 does not become 0.8499999 on its way through the sums.
  const value = total > 0 ? Math.round(Math.max(0, Math.min(1, got / total)) * 1000) / 1000 : 0;
  return { score: value, evidence };
}

/** A name alone is never enough: the rule every reconciliation here shares (src/matching.ts). */
export function corroborated(kind: Kind, evidence: readonly Evidence[]): boolean {
  return sharedRule(kind, evidence);
}
