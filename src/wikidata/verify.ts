// Verification: every linked entity against our data (labels, dates, position held with its qualifiers), as a diff.
import type { Graph } from '../rdf/graph.ts';
import type { WikidataClient } from './client.ts';
import {
  LANGUAGES,
  labelsIn,
  normaliseLabel,
  type OurLanguage,
  P,
  type PositionStatement,
  positionsHeld,
  timeValues,
  type WdEntity,
} from './entity.ts';
import { type Linkset, linkMap } from './linkset.ts';
import { type Resource, resourcesOf, type Tenure, tenuresOf } from './resources.ts';
import { agrees, toIso, type WdDate } from './time.ts';

export type Status =
  | 'ok'
  | 'mismatch'
  | 'missing'
  | 'extra'
  | 'less-precise'
  | 'alias'
  | 'gone'
  | 'unevidenced'
  | 'not-compared';

export interface Finding {
  resource: string;
  item: string;
  /** What was compared: label@en, birth, P39, P39/P580 … */
  field: string;
  status: Status;
  ours?: string;
  theirs?: string;
  /** The tenure a P39 finding is about. */
  tenure?: string;
  note?: string;
}

/** One of our tenures beside the Wikidata statement it was paired with (if any). */
export interface TenurePairing {
  tenure: Tenure;
  office: string;
  statement?: PositionStatement;
  /** Statements in Wikidata with the same office value: QuickStatements v1 can only address one unambiguously. */
  sameValue: number;
}

export interface LinkCheck {
  resource: Resource;
  item: string;
  findings: Finding[];
  pairings: TenurePairing[];
  /** The person's tenures of an office that has no item in the linkset: no P39 statement can name it. */
  unlinkedOffice: Tenure[];
}

export interface Diff {
  checks: LinkCheck[];
  /** Findings about the linkset itself (links without evidence). */
  findings: Finding[];
}

/** What verify fetched, kept so that QuickStatements are computed from it and never blind. */
export interface Snapshot {
  fetchedAt: string;
  api: string;
  graphHash: string;
  links: Record<string, string>;
  entities: Record<string, WdEntity>;
}

const SERIOUS: readonly Status[] = ['mismatch', 'gone', 'unevidenced'];
export const isSerious = (f: Finding): boolean => SERIOUS.includes(f.status);

export async function fetchSnapshot(
  graph: Graph,
  linkset: Linkset,
  client: WikidataClient,
  now: Date,
): Promise<Snapshot> {
  const links = Object.fromEntries(linkMap(linkset));
  const ids = Object.values(links);
  const entities = ids.length > 0 ? await client.entities(ids) : new Map<string, WdEntity>();
  return {
    fetchedAt: now.toISOString(),
    api: client.options.api,
    graphHash: graph.hash,
    links,
    entities: Object.fromEntries(entities),
  };
}

function dateFinding(base: Omit<Finding, 'status'>, ours: WdDate, theirs: WdDate[]): Finding {
  const f = { ...base, ours: toIso(ours) };
  if (theirs.length === 0) return { ...f, status: 'missing' };
  const hit = theirs.find((t) => agrees(ours, t));
  const theirsText = theirs.map(toIso).join(', ');
  if (!hit) return { ...f, status: 'mismatch', theirs: theirsText };
  if (hit.precision < ours.precision) return { ...f, status: 'less-precise', theirs: toIso(hit) };
  return { ...f, status: 'ok', theirs: toIso(hit) };
}

function itemFinding(base: Omit<Finding, 'status'>, ours: string, theirs: string[]): Finding {
  if (theirs.length === 0) return { ...base, ours, status: 'missing' };
  return { ...base, ours, theirs: theirs.join(', '), status: theirs.includes(ours) ? 'ok' : 'mismatch' };
}

/** Pairs our tenures of one office with that office's statements: by ordinal, then by start, then one-to-one. */
function pair(tenures: Tenure[], statements: PositionStatement[]): Map<Tenure, PositionStatement> {
  const out = new Map<Tenure, PositionStatement>();
  const free = new Set(statements);
  const take = (t: Tenure, test: (s: PositionStatement) => boolean) => {
    if (out.has(t)) return;
    const s = [...free].find(test);
    if (s) {
      out.set(t, s);
      free.delete(s);
    }
  };
  for (const t of tenures) take(t, (s) => s.ordinals.includes(String(t.ordinal)));
  for (const t of tenures) take(t, (s) => t.start !== undefined && s.start.some((d) => t.start && agrees(t.start, d)));
  if (tenures.length === 1 && statements.length === 1) {
    const [t] = tenures;
    if (t) take(t, (s) => s.start.length === 0 && s.ordinals.length === 0);
  }
  return out;
}

/** Compares every link with what Wikidata says. Pure: the entities come from a Snapshot. */
export function diff(graph: Graph, linkset: Linkset, entities: Record<string, WdEntity>): Diff {
  const known = linkMap(linkset);
  const resources = new Map(resourcesOf(graph).map((r) => [r.iri, r]));
  const tenures = tenuresOf(graph);
  const checks: LinkCheck[] = [];
  const findings: Finding[] = linkset.unevidenced.map((u) => ({
    resource: u.resource,
    item: u.target,
    field: 'link',
    status: 'unevidenced' as const,
    note: `missing ${u.missing.join(', ')}`,
  }));
  for (const [iri, item] of known) {
    const resource = resources.get(iri);
    if (!resource) {
      findings.push({ resource: iri, item, field: 'link', status: 'gone', note: 'our resource is not in the Graph' });
      continue;
    }
    const check: LinkCheck = { resource, item, findings: [], pairings: [], unlinkedOffice: [] };
    checks.push(check);
    const f = check.findings;
    const entity = entities[item];
    if (!entity || entity.missing !== undefined) {
      f.push({ resource: iri, item, field: 'entity', status: 'gone', note: 'not fetched, or deleted in Wikidata' });
      continue;
    }
    if (entity.id !== item) {
      f.push({
        resource: iri,
        item,
        field: 'entity',
        status: 'gone',
        theirs: entity.id,
        note: `redirects to ${entity.id}`,
      });
      continue;
    }
    for (const lang of Object.keys(LANGUAGES) as OurLanguage[]) {
      const ours = resource.labels[lang];
      if (!ours) continue;
      const { labels, aliases } = labelsIn(entity, lang);
      const base = { resource: iri, item, field: `label@${lang}`, ours };
      const n = normaliseLabel(ours);
      if (labels.length === 0) f.push({ ...base, status: 'missing' });
      else if (labels.some((l) => normaliseLabel(l) === n)) f.push({ ...base, status: 'ok', theirs: ours });
      else if (aliases.some((l) => normaliseLabel(l) === n)) f.push({ ...base, status: 'alias', theirs: labels[0] });
      else f.push({ ...base, status: 'mismatch', theirs: labels.join(', ') });
    }
    if (resource.kind !== 'person') continue;
    if (resource.birth)
      f.push(dateFinding({ resource: iri, item, field: 'birth' }, resource.birth, timeValues(entity, P.birth)));
    if (resource.death)
      f.push(dateFinding({ resource: iri, item, field: 'death' }, resource.death, timeValues(entity, P.death)));

    const held = positionsHeld(entity);
    const mine = tenures.filter((t) => t.holder === iri);
    for (const officeIri of [...new Set(mine.map((t) => t.office))]) {
      const ofOffice = mine.filter((t) => t.office === officeIri);
      const office = known.get(officeIri);
      if (!office) {
        for (const t of ofOffice) {
          check.unlinkedOffice.push(t);
          f.push({
            resource: iri,
            item,
            field: 'P39',
            status: 'not-compared',
            tenure: t.iri,
            note: `office ${officeIri} is not linked`,
          });
        }
        continue;
      }
      const statements = held.filter((s) => s.office === office);
      const pairs = pair(ofOffice, statements);
      for (const t of ofOffice) {
        const s = pairs.get(t);
        check.pairings.push({ tenure: t, office, ...(s ? { statement: s } : {}), sameValue: statements.length });
        const base = { resource: iri, item, tenure: t.iri };
        if (!s) {
          f.push({ ...base, field: 'P39', status: 'missing', ours: `${office} #${t.ordinal}` });
          continue;
        }
        f.push({ ...base, field: 'P39', status: 'ok', ours: `${office} #${t.ordinal}`, theirs: s.id ?? office });
        if (t.start) f.push(dateFinding({ ...base, field: `P39/${P.start}` }, t.start, s.start));
        if (t.end) f.push(dateFinding({ ...base, field: `P39/${P.end}` }, t.end, s.end));
        else if (s.end.length > 0) {
          f.push({
            ...base,
            field: `P39/${P.end}`,
            status: 'extra',
            theirs: s.end.map(toIso).join(', '),
            note: 'ours has no end',
          });
        }
        f.push(itemFinding({ ...base, field: `P39/${P.ordinal}` }, String(t.ordinal), s.ordinals));
        const pred = t.predecessorHolder ? known.get(t.predecessorHolder) : undefined;
        if (pred) f.push(itemFinding({ ...base, field: `P39/${P.replaces}` }, pred, s.replaces));
        const succ = t.successorHolder ? known.get(t.successorHolder) : undefined;
        if (succ) f.push(itemFinding({ ...base, field: `P39/${P.replacedBy}` }, succ, s.replacedBy));
        for (const term of t.terms) {
          const q = known.get(term);
          if (!q) continue;
          const hit = s.terms.includes(q);
          f.push({
            ...base,
            field: `P39/${P.parliamentaryTerm}`,
            ours: q,
            ...(s.terms.length ? { theirs: s.terms.join(', ') } : {}),
            status: hit ? 'ok' : 'missing',
          });
        }
        const unsourced = t.sources.filter((u) => !s.referenceUrls.includes(u));
        if (unsourced.length > 0) {
          f.push({ ...base, field: `P39/ref/${P.referenceUrl}`, status: 'missing', ours: unsourced.join(' ') });
        }
      }
      const paired = new Set(pairs.values());
      for (const s of statements.filter((x) => !paired.has(x))) {
        f.push({
          resource: iri,
          item,
          field: 'P39',
          status: 'extra',
          theirs: `${s.id ?? office} (${s.start.map(toIso).join(', ') || 'no start'})`,
          note: 'a statement of this office that matches none of our tenures',
        });
      }
    }
  }
  return { checks, findings };
}

export const allFindings = (d: Diff): Finding[] => [...d.findings, ...d.checks.flatMap((c) => c.findings)];
