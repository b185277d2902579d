// QuickStatements v1 lines for what Wikidata lacks, computed from verify's diff; everything else is left to a person.
import { LANGUAGES, type OurLanguage, P } from './entity.ts';
import type { Tenure } from './resources.ts';
import { toIso, toQuickStatements, type WdDate } from './time.ts';
import type { Diff, Finding, LinkCheck, TenurePairing } from './verify.ts';

export interface QuickStatementsResult {
  /** Tab-separated QuickStatements v1 commands. */
  lines: string[];
  /**
   * What QuickStatements cannot do safely (a value that differs, an ambiguous statement), and what it cannot
   * write at all (lines starting "not written:": a statement whose office, or a qualifier whose person, has no
   * item in the linkset): for a person.
   */
  manual: string[];
}

/** Sources are written as S-properties: the reference URL, P854, becomes S854. */
const SOURCE = `S${P.referenceUrl.slice(1)}`;
const q = (s: string): string => `"${s.replace(/"/g, "'")}"`;
const time = (d: WdDate): string => toQuickStatements(d);

/** One command line per source, so that every source becomes a reference of its own. */
function withSources(head: string[], firstExtras: string[], sources: readonly string[]): string[] {
  const [first, ...rest] = sources;
  const lines = [[...head, ...firstExtras, ...(first ? [SOURCE, q(first)] : [])]];
  for (const s of rest) lines.push([...head, SOURCE, q(s)]);
  return lines.map((l) => l.join('\t'));
}

function missingFields(check: LinkCheck, tenure: string): Set<string> {
  return new Set(check.findings.filter((f) => f.tenure === tenure && f.status === 'missing').map((f) => f.field));
}

function tenureQualifiers(p: TenurePairing, fields: Set<string> | 'all', known: Map<string, string>): string[] {
  const t = p.tenure;
  const want = (pid: string) => fields === 'all' || fields.has(`P39/${pid}`);
  const out: string[] = [];
  if (t.start && want(P.start)) out.push(P.start, time(t.start));
  if (t.end && want(P.end)) out.push(P.end, time(t.end));
  if (want(P.ordinal)) out.push(P.ordinal, q(String(t.ordinal)));
  const pred = t.predecessorHolder ? known.get(t.predecessorHolder) : undefined;
  if (pred && want(P.replaces)) out.push(P.replaces, pred);
  const succ = t.successorHolder ? known.get(t.successorHolder) : undefined;
  if (succ && want(P.replacedBy)) out.push(P.replacedBy, succ);
  if (want(P.parliamentaryTerm)) {
    const have = new Set(p.statement?.terms ?? []);
    for (const term of t.terms) {
      const item = known.get(term);
      if (item && !have.has(item)) out.push(P.parliamentaryTerm, item);
    }
  }
  return out;
}

const describe = (f: Finding): string =>
  `${f.item} ${f.field}${f.tenure ? ` (${f.tenure})` : ''}: ${f.status}; ours ${f.ours ?? '-'}, Wikidata ${f.theirs ?? '-'}${f.note ? ` (${f.note})` : ''}`;

/**
 * The commands that add what Wikidata lacks and nothing else: missing labels, birth and death dates, P39
 * statements, their missing qualifiers and references. QuickStatements v1 adds qualifiers to the statement
 * that has the same value, so a P39 line is written only where exactly one such statement exists (or none,
 * for the one new statement); values that differ are never overwritten, but listed for a person to judge.
 */
export function quickStatements(
  d: Diff,
  known: Map<string, string>,
  names: ReadonlyMap<string, string> = new Map(),
): QuickStatementsResult {
  const lines: string[] = [];
  const manual: string[] = [];
  const name = (iri: string) => names.get(iri) ?? iri;
  const period = (t: Tenure) => `${t.start ? toIso(t.start) : '?'}..${t.end ? toIso(t.end) : ''}`;
  for (const f of d.findings) manual.push(describe(f));
  for (const check of d.checks) {
    const { item, resource } = check;
    const held = (t: Tenure) =>
      `${name(resource.iri)} (${item}) position held (${P.positionHeld}) ${name(t.office)} (${period(t)})`;
    // Said, not skipped in silence: an empty output would read as "Wikidata lacks nothing".
    for (const t of check.unlinkedOffice) {
      manual.push(
        `not written: ${held(t)}: the office has no Wikidata id in the linkset; add the statement by hand once its item is known`,
      );
    }
    for (const f of check.findings) {
      if (f.status === 'mismatch' || f.status === 'gone' || f.status === 'extra') manual.push(describe(f));
    }
    for (const lang of Object.keys(LANGUAGES) as OurLanguage[]) {
      const label = resource.labels[lang];
      if (label && check.findings.some((f) => f.field === `label@${lang}` && f.status === 'missing')) {
        lines.push([item, `L${lang}`, q(label)].join('\t'));
      }
    }
    for (const [field, pid, date] of [
      ['birth', P.birth, resource.birth],
      ['death', P.death, resource.death],
    ] as const) {
      if (date && check.findings.some((f) => f.field === field && f.status === 'missing')) {
        lines.push(...withSources([item, pid, time(date)], [], resource.sources));
      }
    }
    const created = new Set<string>();
    for (const p of check.pairings) {
      const head = [item, P.positionHeld, p.office];
      // Replaces / replaced by take a person's item: a holder without one cannot be named on the line.
      for (const [label, pid, holder, theirs] of [
        ['replaces', P.replaces, p.tenure.predecessorHolder, p.statement?.replaces],
        ['replaced by', P.replacedBy, p.tenure.successorHolder, p.statement?.replacedBy],
      ] as const) {
        if (holder && !known.has(holder) && !theirs?.length) {
          manual.push(
            `not written: ${held(p.tenure)} ${label} (${pid}) ${name(holder)}: that person has no Wikidata id in the linkset`,
          );
        }
      }
      if (!p.statement) {
        if (p.sameValue === 0 && !created.has(p.office)) {
          created.add(p.office);
          lines.push(...withSources(head, tenureQualifiers(p, 'all', known), p.tenure.sources));
        } else {
          manual.push(
            `${item} P39 ${p.office} (${p.tenure.iri}): Wikidata lacks this tenure, but a QuickStatements v1 line would ` +
              'merge into the existing statement of the same office; add it as a new statement by hand',
          );
        }
        continue;
      }
      const fields = missingFields(check, p.tenure.iri);
      if (fields.size === 0) continue;
      if (p.sameValue !== 1) {
        manual.push(
          `${item} P39 ${p.office} (${p.tenure.iri}): ${p.sameValue} statements of this office; add ${[...fields].join(', ')} by hand`,
        );
        continue;
      }
      const qualifiers = tenureQualifiers(p, fields, known);
      if (qualifiers.length > 0) lines.push(head.concat(qualifiers).join('\t'));
      if (fields.has(`P39/ref/${P.referenceUrl}`)) {
        const have = new Set(p.statement.referenceUrls);
        for (const s of p.tenure.sources.filter((x) => !have.has(x))) {
          lines.push([...head, SOURCE, q(s)].join('\t'));
        }
      }
    }
  }
  return { lines, manual };
}
