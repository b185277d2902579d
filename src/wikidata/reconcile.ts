// Reconciliation: finds Wikidata candidates for every unlinked resource, scores each with its evidence, decides.
import type { Graph } from '../rdf/graph.ts';
import { ENTITY_NS, type WikidataClient } from './client.ts';
import { ITEM_ID, itemValues, LANGUAGES, labelOf, type OurLanguage, P, type WdEntity } from './entity.ts';
import { type Activity, type Link, type Linkset, linkMap, linksetTerms } from './linkset.ts';
import { type Kind, type Resource, resourcesOf } from './resources.ts';
import { type Candidate, type Context, corroborated, score } from './score.ts';

export type Decision = 'linked' | 'accepted' | 'proposed' | 'ambiguous' | 'weak' | 'conflict' | 'no-candidates';

export interface ReviewEntry {
  resource: string;
  kind: Kind;
  labels: Partial<Record<OurLanguage, string>>;
  decision: Decision;
  reason: string;
  /** The linked or best item. */
  item?: string;
  candidates: Candidate[];
  /** For a reviewer: set to one candidate's id, then run `npcsc-kg wikidata accept`. */
  accept: string | null;
}

export interface Review {
  generatedAt: string;
  threshold: number;
  margin: number;
  activity: Activity;
  entries: ReviewEntry[];
}

export interface ReconcileOptions {
  threshold: number;
  /** A rival within this distance of the best score makes the match ambiguous. */
  margin: number;
  /** Write accepted links (otherwise they are only proposed). */
  accept: boolean;
  now: () => Date;
  progress?: (done: number, total: number, what: string) => void;
}

export const DEFAULTS = { threshold: 0.8, margin: 0.1 } as const;

export function decide(
  resource: Resource,
  candidates: Candidate[],
  taken: Map<string, string>,
  opts: Pick<ReconcileOptions, 'threshold' | 'margin' | 'accept'>,
): Pick<ReviewEntry, 'decision' | 'reason' | 'item'> {
  const [best, second] = candidates;
  if (!best) return { decision: 'no-candidates', reason: 'no Wikidata item found by label' };
  const item = best.id;
  if (best.score < opts.threshold) {
    return { decision: 'weak', item, reason: `best score ${best.score.toFixed(3)} < threshold ${opts.threshold}` };
  }
  if (!corroborated(resource.kind, best.evidence)) {
    const what =
      resource.kind === 'person' ? 'no birth or death year or position held agrees' : 'only one criterion agrees';
    return { decision: 'weak', item, reason: `a name alone is not enough: ${what}` };
  }
  if (second && second.score >= best.score - opts.margin) {
    return {
      decision: 'ambiguous',
      item,
      reason: `${best.id} (${best.score.toFixed(3)}) and ${second.id} (${second.score.toFixed(3)}) are within ${opts.margin}`,
    };
  }
  const holder = taken.get(best.id);
  if (holder && holder !== resource.iri)
    return { decision: 'conflict', item, reason: `${best.id} is already linked to ${holder}` };
  const rival = second ? `; next candidate ${second.id} at ${second.score.toFixed(3)}` : '; no other candidate';
  return {
    decision: opts.accept ? 'accepted' : 'proposed',
    item,
    reason: `score ${best.score.toFixed(3)} ≥ threshold ${opts.threshold}${rival}`,
  };
}

/** The query for the holders of an office (the id is checked against Q[0-9]+ before it enters the text). */
export function holdersQuery(office: string): string {
  if (!ITEM_ID.test(office)) throw new Error(`not an item id: ${office}`);
  return [
    'PREFIX wd: <http://www.wikidata.org/entity/>',
    'PREFIX p: <http://www.wikidata.org/prop/>',
    'PREFIX ps: <http://www.wikidata.org/prop/statement/>',
    `SELECT DISTINCT ?item WHERE { ?item p:${P.positionHeld} ?statement . ?statement ps:${P.positionHeld} wd:${office} . }`,
  ].join('\n');
}

export const METHOD =
  'Candidates from wbsearchentities on the English and Chinese labels (and, for people, the holders of already linked ' +
  'offices from the Query Service), each read through wbgetentities and scored on its labels and aliases, instance of ' +
  'human, birth and death years, citizenship or country, and position held (the office item, once the office is ' +
  'linked); accepted only above the threshold, with a date or position agreeing for people, and no rival within the margin.';

/**
 * Reconciles every resource of the Graph that the linkset does not link yet. Reads only; the caller writes the
 * review and, with `accept`, the links. Throws NetworkError on the first failed request: no partial result.
 */
export async function reconcile(
  graph: Graph,
  linkset: Linkset,
  client: WikidataClient,
  opts: ReconcileOptions,
): Promise<{ review: Review; links: Link[] }> {
  const startedAt = opts.now().toISOString();
  const terms = linksetTerms(graph.base);
  const known = linkMap(linkset);
  const taken = new Map([...known].map(([r, q]) => [q, r]));
  const resources = resourcesOf(graph);
  const todo = resources.filter((r) => !known.has(r.iri));
  const entries = new Map<string, ReviewEntry>();
  const accepted: { resource: Resource; candidate: Candidate; entry: ReviewEntry }[] = [];
  let done = 0;

  // Bodies, offices and terms first: a person's "position held" can only be checked once the office is linked.
  const phases = [todo.filter((r) => r.kind !== 'person'), todo.filter((r) => r.kind === 'person')];
  for (const phase of phases) {
    const found = new Map<string, Map<string, string[]>>();
    const holders = new Map<string, string[]>();
    for (const r of phase) {
      for (const o of r.offices) {
        const q = known.get(o);
        if (q && !holders.has(q)) {
          const json = await client.sparql(holdersQuery(q));
          holders.set(
            q,
            json.results.bindings
              .map((b) => b.item?.value ?? '')
              .filter((v) => v.startsWith(ENTITY_NS))
              .map((v) => v.slice(ENTITY_NS.length)),
          );
        }
      }
    }
    for (const r of phase) {
      opts.progress?.(++done, todo.length, r.labels.en ?? r.labels['zh-hans'] ?? r.iri);
      const hits = new Map<string, string[]>();
      const note = (id: string, how: string) => hits.set(id, [...(hits.get(id) ?? []), how]);
      for (const lang of Object.keys(LANGUAGES) as OurLanguage[]) {
        const label = r.labels[lang];
        if (!label) continue;
        const searchLang = lang === 'zh-hans' ? 'zh' : lang;
        for (const h of await client.search(label, searchLang)) note(h.id, `search ${searchLang} "${label}"`);
      }
      for (const o of r.offices) {
        const q = known.get(o);
        for (const id of q ? (holders.get(q) ?? []) : []) note(id, `holder of ${q} (Query Service)`);
      }
      found.set(r.iri, hits);
    }
    const ids = [...found.values()].flatMap((m) => [...m.keys()]);
    const entities = ids.length > 0 ? await client.entities(ids) : new Map<string, WdEntity>();
    const referenced = [...entities.values()].flatMap((e) =>
      [P.instanceOf, P.citizenship, P.country].flatMap((pid) => itemValues(e, pid)),
    );
    const ctx: Context = { itemLabels: referenced.length > 0 ? await client.labels(referenced) : new Map(), known };

    for (const r of phase) {
      const candidates: Candidate[] = [];
      for (const [id, foundBy] of found.get(r.iri) ?? []) {
        const e = entities.get(id);
        if (!e || e.missing !== undefined || e.id !== id) continue;
        const s = score(r, e, ctx);
        const bySearch = foundBy.some((f) => f.startsWith('search'));
        const named = s.evidence.some(
          (x) => x.criterion.startsWith('label@') && x.outcome !== 'mismatch' && x.outcome !== 'absent',
        );
        if (!bySearch && !named) continue; // an office holder whose name is not ours is noise, not a candidate
        const label = labelOf(e, 'en') ?? labelOf(e, 'zh-hans');
        const description = e.descriptions?.en?.value;
        candidates.push({
          id,
          ...(label ? { label } : {}),
          ...(description ? { description } : {}),
          foundBy,
          ...s,
        });
      }
      candidates.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      const d = decide(r, candidates, taken, opts);
      const entry: ReviewEntry = { resource: r.iri, kind: r.kind, labels: r.labels, ...d, candidates, accept: null };
      entries.set(r.iri, entry);
      const best = candidates[0];
      if ((d.decision === 'accepted' || d.decision === 'proposed') && best) {
        accepted.push({ resource: r, candidate: best, entry });
        taken.set(best.id, r.iri);
        // Only what is accepted counts as known: a proposal must not become evidence for other links.
        if (d.decision === 'accepted') known.set(r.iri, best.id);
      }
    }
  }

  for (const r of resources) {
    if (entries.has(r.iri)) continue;
    const item = known.get(r.iri);
    entries.set(r.iri, {
      resource: r.iri,
      kind: r.kind,
      labels: r.labels,
      decision: 'linked',
      reason: 'already in the linkset',
      ...(item ? { item } : {}),
      candidates: [],
      accept: null,
    });
  }
  const endedAt = opts.now().toISOString();
  const activity: Activity = {
    iri: terms.activity(startedAt),
    startedAt,
    endedAt,
    used: [...client.allowlist],
    description: `${METHOD} Threshold ${opts.threshold}, margin ${opts.margin}.`,
  };
  const links = accepted
    .filter((a) => a.entry.decision === 'accepted')
    .map((a) => toLink(a.resource.iri, a.candidate, a.entry.reason, { kind: 'tool' }, activity, endedAt));
  const order = new Map(resources.map((r, i) => [r.iri, i]));
  return {
    review: {
      generatedAt: endedAt,
      threshold: opts.threshold,
      margin: opts.margin,
      activity,
      entries: [...entries.values()].sort((a, b) => (order.get(a.resource) ?? 0) - (order.get(b.resource) ?? 0)),
    },
    links,
  };
}

/** A link with its evidence in sentences, from a scored candidate. */
export function toLink(
  resource: string,
  c: Candidate,
  why: string,
  acceptedBy: Link['acceptedBy'],
  activity: Activity,
  acceptedAt: string,
): Link {
  const evidence = c.evidence
    .filter((x) => x.outcome !== 'absent')
    .map((x) => `${x.criterion}: ${x.outcome} (${x.detail})`);
  evidence.push(`found by ${c.foundBy.join('; ')}`);
  evidence.push(
    acceptedBy.kind === 'tool'
      ? `accepted by the reconciler: ${why}`
      : `accepted by ${acceptedBy.name} after review: ${why}`,
  );
  return { resource, qid: c.id, score: c.score, evidence, acceptedAt, acceptedBy, activity: activity.iri };
}

/** The links a reviewer chose in a review file (`"accept": "Q…"`), each with that candidate's evidence. */
export function acceptReviewed(
  review: Review,
  linkset: Linkset,
  by: string,
  now: Date,
): { links: Link[]; errors: string[] } {
  const known = linkMap(linkset);
  const taken = new Map([...known].map(([r, q]) => [q, r]));
  const links: Link[] = [];
  const errors: string[] = [];
  for (const entry of review.entries) {
    if (!entry.accept) continue;
    const c = entry.candidates.find((x) => x.id === entry.accept);
    if (!c) {
      errors.push(
        `${entry.resource}: ${entry.accept} is not one of its candidates (the evidence must come from the review)`,
      );
      continue;
    }
    const holder = taken.get(c.id);
    if (holder && holder !== entry.resource) {
      errors.push(`${entry.resource}: ${c.id} is already linked to ${holder}`);
      continue;
    }
    taken.set(c.id, entry.resource);
    links.push(
      toLink(
        entry.resource,
        c,
        `chose ${c.id} (score ${c.score.toFixed(3)}) from ${entry.candidates.length} candidate(s)`,
        {
          kind: 'person',
          name: by,
        },
        review.activity,
        now.toISOString(),
      ),
    );
  }
  return { links, errors };
}
