// Links read from documents (a public dataset's rows naming the item), imported into the linkset with that evidence.
import type { Graph } from '../rdf/graph.ts';
import { NS } from '../rdf/ns.ts';
import { ITEM_ID } from './entity.ts';
import { type Activity, type EvidenceDocument, type Link, type Linkset, linkMap, linksetTerms } from './linkset.ts';

/**
 * The evidence file: one method for the whole import, and for each link our resource (relative to the base or
 * absolute), the item and the documents it was read from. The file is input only; what is kept is the linkset.
 */
export interface EvidenceFile {
  /** The method, in words ("read from a public dataset, not yet checked against Wikidata"). */
  method: string;
  links: { resource: string; qid: string; label?: string; documents: EvidenceDocument[] }[];
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * Checks the evidence file against the graph and the linkset and turns it into links; every problem is an
 * error and, if there is any, no link is returned (an import is all or nothing).
 */
export function importEvidence(
  graph: Graph,
  linkset: Linkset,
  file: unknown,
  by: string,
  now: Date,
): { links: Link[]; activity: Activity | undefined; errors: string[] } {
  const errors: string[] = [];
  const f = file as Partial<EvidenceFile> | null;
  if (!f || typeof f !== 'object' || !Array.isArray(f.links)) {
    return { links: [], activity: undefined, errors: ['not an evidence file: it needs "method" and "links"'] };
  }
  const method = typeof f.method === 'string' ? f.method.trim() : '';
  if (!method) errors.push('"method" must say, in words, how the links were found');
  const at = now.toISOString();
  const activity: Activity = {
    iri: linksetTerms(graph.base).importActivity(at),
    startedAt: at,
    endedAt: at,
    used: [],
    description: method,
  };
  const taken = new Map([...linkMap(linkset)].map(([r, q]) => [q, r]));
  const seen = new Set<string>();
  const links: Link[] = [];
  f.links.forEach((entry, i) => {
    const where = `links[${i}]`;
    const resource = typeof entry?.resource === 'string' ? new URL(entry.resource, graph.base).href : '';
    const qid = typeof entry?.qid === 'string' ? entry.qid : '';
    if (!resource || graph.store.countQuads(resource, `${NS.rdf}type`, null, null) === 0) {
      errors.push(`${where}: ${entry?.resource ?? '(no resource)'} is not a resource of the graph`);
      return;
    }
    if (!ITEM_ID.test(qid)) {
      errors.push(`${where}: "${qid}" is not a Wikidata item id (Q followed by digits)`);
      return;
    }
    if (seen.has(resource)) errors.push(`${where}: ${resource} appears twice`);
    seen.add(resource);
    const holder = taken.get(qid);
    if (holder && holder !== resource) errors.push(`${where}: ${qid} is already linked to ${holder}`);
    taken.set(qid, resource);
    const docs = Array.isArray(entry.documents) ? entry.documents : [];
    if (docs.length === 0) errors.push(`${where}: a link needs at least one document it was read from`);
    const documents: EvidenceDocument[] = [];
    docs.forEach((d, j) => {
      const w = `${where}.documents[${j}]`;
      if (typeof d?.repository !== 'string' || !REPO.test(d.repository))
        errors.push(`${w}: "repository" must be owner/name`);
      else if (typeof d.quote !== 'string' || !d.quote.trim()) errors.push(`${w}: "quote" must give the row read`);
      else if (d.commit !== undefined && (typeof d.commit !== 'string' || !COMMIT.test(d.commit)))
        errors.push(`${w}: "commit" must be 40 hex digits`);
      else if (d.path !== undefined && (typeof d.path !== 'string' || !d.path || d.path.startsWith('/')))
        errors.push(`${w}: "path" must be a path inside the repository`);
      else
        documents.push({
          repository: d.repository,
          ...(d.path ? { path: d.path } : {}),
          ...(d.commit ? { commit: d.commit } : {}),
          quote: d.quote,
        });
    });
    const name = typeof entry.label === 'string' && entry.label ? `${entry.label} ` : '';
    links.push({
      resource,
      qid,
      documents,
      evidence: [
        ...documents.map(
          (d) =>
            `${name}read as ${qid} in ${d.repository}${d.path ? `, ${d.path}` : ''}${d.commit ? ` at ${d.commit.slice(0, 12)}` : ''}: ${d.quote}`,
        ),
        `imported by ${by}: ${method}`,
      ],
      acceptedAt: at,
      acceptedBy: { kind: 'person', name: by },
      activity: activity.iri,
    });
  });
  if (errors.length > 0) return { links: [], activity: undefined, errors };
  return { links, activity, errors };
}
