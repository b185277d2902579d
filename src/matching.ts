// The matching rule shared by every reconciliation (ours against Wikidata, others' data against ours): evidence, and when it suffices.
// It knows nothing of RDF or of either side's data: each side scores its own evidence, this decides what may be accepted.

/** `partial`: part of a name agrees (a family name, a typo): it adds to a score but never counts as agreement. */
export type Outcome = 'match' | 'alias' | 'partial' | 'mismatch' | 'absent' | 'disqualifies';

export interface Evidence {
  criterion: string;
  outcome: Outcome;
  weight: number;
  points: number;
  detail: string;
}

/** Criteria other than a name that can tell two people of the same name apart (`term`: held an office in that NPC term). */
export const PERSON_CORROBORATION = ['birth', 'death', 'position', 'term'] as const;

const agrees = (evidence: readonly Evidence[], c: string) =>
  evidence.some((x) => x.criterion === c && (x.outcome === 'match' || x.outcome === 'alias'));

/** Whether a name (in any language) agrees. */
export function nameAgrees(evidence: readonly Evidence[]): boolean {
  return evidence.some((x) => x.criterion.startsWith('label') && (x.outcome === 'match' || x.outcome === 'alias'));
}

/**
 * A name alone is never enough for a person: a birth or death year or a position held must agree as well. For
 * anything else, two criteria must agree (a name and a second one).
 */
export function corroborated(kind: string, evidence: readonly Evidence[]): boolean {
  const label = nameAgrees(evidence);
  if (kind === 'person') return label && PERSON_CORROBORATION.some((c) => agrees(evidence, c));
  return label && evidence.filter((x) => x.outcome === 'match' || x.outcome === 'alias').length >= 2;
}

/** The best of scored candidates when it reaches `threshold` with no rival within `margin`; otherwise why not. */
export function clearBest<T extends { score: number }>(
  sorted: readonly T[],
  threshold: number,
  margin: number,
): { best: T; rival?: T } | { why: 'none' | 'weak' | 'ambiguous'; best?: T; rival?: T } {
  const [best, second] = sorted;
  if (!best) return { why: 'none' };
  if (best.score < threshold) return { why: 'weak', best };
  if (second && second.score >= best.score - margin) return { why: 'ambiguous', best, rival: second };
  return second ? { best, rival: second } : { best };
}
