// The linkset data/links/wikidata.ttl: owl:sameAs links with their evidence, read and rewritten atomically.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Quad } from 'n3';
import { writeFileAtomically } from '../atomic.ts';
import { parseTurtle } from '../rdf/load.ts';
import { NS } from '../rdf/ns.ts';
import { ENTITY_NS } from './client.ts';
import { ITEM_ID } from './entity.ts';

/** Everything below this line is written by the tool; everything above it (declarations) is kept as it is. */
export const MARKER =
  '# ---------------------------------------------------------------- links (written by `npcsc-kg wikidata`; never edit by hand)';

const DQV = 'http://www.w3.org/ns/dqv#';
const OWL_SAME_AS = `${NS.owl}sameAs`;

/** The IRIs the linkset's declarations give, all fragments of the dataset's own IRI. */
export function linksetTerms(base: string) {
  const ds = `${base}id/dataset/npcsc-kg#`;
  return {
    linkset: `${ds}wikidata-links`,
    metric: `${ds}wikidata-match-score`,
    tool: `${ds}wikidata-reconciler`,
    linkNode: (resource: string) =>
      `${ds}wikidata-link-${resource
        .slice(resource.startsWith(base) ? base.length : 0)
        .replace(/^id\//, '')
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}`,
    activity: (startedAt: string) => `${ds}wikidata-reconciliation-${startedAt.replace(/[^0-9TZ]/g, '')}`,
    person: (name: string) => `${ds}wikidata-reviewer-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`,
    importActivity: (startedAt: string) => `${ds}wikidata-evidence-import-${startedAt.replace(/[^0-9TZ]/g, '')}`,
  };
}

/** Who accepted a link: the tool above its threshold, or a named person who reviewed the candidates. */
export type Acceptor = { kind: 'tool' } | { kind: 'person'; name: string };

export interface Activity {
  iri: string;
  startedAt: string;
  endedAt: string;
  /** The endpoints the run read from. */
  used: string[];
  /** The method, in words. */
  description: string;
}

/**
 * A document a link was read from: a file of a public repository (at a commit, where one was recorded) and
 * the row of it that ties the item to our resource, quoted.
 */
export interface EvidenceDocument {
  /** The repository as owner/name on GitHub (`everypolitician/everypolitician-data`). */
  repository: string;
  /** The file's path in the repository; absent when the evidence is the repository's own page. */
  path?: string;
  /** The commit the file was read at (40 hex digits), when it was recorded. */
  commit?: string;
  /** The row or passage, quoted as read. */
  quote: string;
}

export interface Link {
  /** Our resource (absolute IRI). */
  resource: string;
  /** The Wikidata item id. */
  qid: string;
  /** 0..1, from the reconciliation scoring; absent for a link imported from documents (no score was computed). */
  score?: number;
  /** The documents the link was read from (imported links); reconciled links carry their evidence in sentences. */
  documents?: EvidenceDocument[];
  /** One sentence per piece of evidence (label matches, dates, position held …). */
  evidence: string[];
  /** When the link was accepted (ISO dateTime). */
  acceptedAt: string;
  acceptedBy: Acceptor;
  /** The reconciliation run that found it. */
  activity: string;
}

export interface Linkset {
  file: string;
  /** The file's text above the marker: declarations, kept verbatim. */
  header: string;
  links: Link[];
  activities: Activity[];
  /** owl:sameAs links to Wikidata that lack complete evidence (typed by hand, or damaged). */
  unevidenced: { resource: string; target: string; missing: string[] }[];
}

export class LinksetError extends Error {
  override name = 'LinksetError';
}

export const qidOf = (iri: string): string | undefined => {
  const id = iri.startsWith(ENTITY_NS) ? iri.slice(ENTITY_NS.length) : undefined;
  return id && ITEM_ID.test(id) ? id : undefined;
};

/** The link of each resource, by resource IRI. */
export const linkMap = (linkset: Linkset): Map<string, string> =>
  new Map(linkset.links.map((l) => [l.resource, l.qid]));

/** Reads the linkset; a missing file is an empty linkset with the default header. */
export function readLinkset(file: string, base: string): Linkset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    text = '';
  }
  const quads = parseTurtle(text, file, base);
  const at = text.indexOf(MARKER);
  const header = at >= 0 ? text.slice(0, at).trimEnd() : text.trimEnd();
  const headerQuads = parseTurtle(header, file, base);
  if (headerQuads.some((q) => q.predicate.value === OWL_SAME_AS && qidOf(q.object.value))) {
    throw new LinksetError(`${file}: owl:sameAs links above the marker line; links are written by the tool only`);
  }
  return { file, header, ...interpret(quads, base) };
}

function interpret(quads: Quad[], base: string): Omit<Linkset, 'file' | 'header'> {
  const terms = linksetTerms(base);
  const objects = (s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p);
  const one = (s: string, p: string) => objects(s, p)[0]?.object;
  const v = (t: string) => `${base}ontology#${t}`;
  const readDocument = (quotation: string): EvidenceDocument | undefined => {
    const quote = one(quotation, `${NS.prov}value`)?.value;
    const doc = one(quotation, `${NS.dcterms}source`)?.value;
    const repo = doc ? one(doc, v('repository'))?.value : undefined;
    if (!quote || !doc || !repo?.startsWith(GITHUB)) return undefined;
    const path = one(doc, v('repositoryPath'))?.value;
    const commit = one(doc, v('commit'))?.value;
    return { repository: repo.slice(GITHUB.length), ...(path ? { path } : {}), ...(commit ? { commit } : {}), quote };
  };
  const links: Link[] = [];
  const unevidenced: Linkset['unevidenced'] = [];
  for (const q of quads) {
    if (q.predicate.value !== OWL_SAME_AS) continue;
    const qid = qidOf(q.object.value);
    if (!qid) continue;
    const resource = q.subject.value;
    const node = quads.find(
      (n) =>
        n.predicate.value === `${NS.rdf}subject` &&
        n.object.value === resource &&
        one(n.subject.value, `${NS.rdf}object`)?.value === q.object.value &&
        one(n.subject.value, `${NS.rdf}predicate`)?.value === OWL_SAME_AS,
    )?.subject.value;
    const missing: string[] = [];
    if (!node) {
      unevidenced.push({ resource, target: q.object.value, missing: ['evidence node'] });
      continue;
    }
    const measurement = one(node, `${DQV}hasQualityMeasurement`)?.value;
    const score = measurement ? Number(one(measurement, `${DQV}value`)?.value) : Number.NaN;
    const acceptedAt = one(node, `${NS.prov}generatedAtTime`)?.value;
    const activity = one(node, `${NS.prov}wasGeneratedBy`)?.value;
    const agent = one(node, `${NS.prov}wasAttributedTo`);
    const evidence = objects(node, `${NS.dcterms}description`)
      .map((e) => e.object.value)
      .sort();
    const documents = objects(node, `${NS.prov}wasDerivedFrom`)
      .map((e) => readDocument(e.object.value))
      .filter((d): d is EvidenceDocument => d !== undefined)
      .sort((a, b) => (documentIri(a) + a.quote < documentIri(b) + b.quote ? -1 : 1));
    let acceptedBy: Acceptor | undefined;
    if (agent?.value === terms.tool) acceptedBy = { kind: 'tool' };
    else if (agent) {
      const name = one(agent.value, `${NS.foaf}name`)?.value;
      if (name) acceptedBy = { kind: 'person', name };
    }
    if (!Number.isFinite(score) && documents.length === 0) missing.push('score');
    if (!acceptedAt) missing.push('date');
    if (!activity) missing.push('method (activity)');
    if (!acceptedBy) missing.push('accepted by');
    if (evidence.length === 0) missing.push('evidence');
    if (missing.length > 0 || !acceptedAt || !activity || !acceptedBy) {
      unevidenced.push({ resource, target: q.object.value, missing });
      continue;
    }
    links.push({
      resource,
      qid,
      ...(Number.isFinite(score) ? { score } : {}),
      ...(documents.length > 0 ? { documents } : {}),
      evidence,
      acceptedAt,
      acceptedBy,
      activity,
    });
  }
  const activities: Activity[] = quads
    .filter((q) => q.predicate.value === `${NS.rdf}type` && q.object.value === `${NS.prov}Activity`)
    .map((q) => q.subject.value)
    .map((iri) => ({
      iri,
      startedAt: one(iri, `${NS.prov}startedAtTime`)?.value ?? '',
      endedAt: one(iri, `${NS.prov}endedAtTime`)?.value ?? '',
      used: objects(iri, `${NS.prov}used`)
        .map((u) => u.object.value)
        .sort(),
      description: one(iri, `${NS.dcterms}description`)?.value ?? '',
    }));
  return { links: links.sort((a, b) => (a.resource < b.resource ? -1 : 1)), activities, unevidenced };
}

const GITHUB = 'https://github.com/';

/** The address of the document: the file at its commit, else the file on the default branch, else the repository. */
export function documentIri(d: Pick<EvidenceDocument, 'repository' | 'path' | 'commit'>): string {
  const repo = `${GITHUB}${d.repository}`;
  if (!d.path) return repo;
  const file = d.path.split('/').map(encodeURIComponent).join('/');
  return `${repo}/blob/${d.commit ?? 'HEAD'}/${file}`;
}

const str = (s: string): string =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

/** An IRI written relative to the base where it lives under it, so the file follows a configured base. */
const iriRef = (iri: string, base: string): string => {
  const text = iri.startsWith(base) ? iri.slice(base.length) : iri;
  const safe = [...text].map((c) =>
    (c.codePointAt(0) ?? 0) <= 0x20 || '<>"{}|^`\\'.includes(c) ? encodeURIComponent(c) : c,
  );
  return `<${safe.join('')}>`;
};

const PREFIXES = `@prefix rdf: <${NS.rdf}> .
@prefix xsd: <${NS.xsd}> .
@prefix owl: <${NS.owl}> .
@prefix dcterms: <${NS.dcterms}> .
@prefix prov: <${NS.prov}> .
@prefix void: <${NS.void}> .
@prefix foaf: <${NS.foaf}> .
@prefix dqv: <${DQV}> .
@prefix wd: <${ENTITY_NS}> .`;

const npcscPrefix = (base: string) => `@prefix npcsc: <${base}ontology#> .`;

/** The Turtle of the links section (below the marker), deterministic for the same links. */
export function linksTurtle(links: readonly Link[], activities: readonly Activity[], base: string): string {
  const t = linksetTerms(base);
  const r = (iri: string) => iriRef(iri, base);
  const out: string[] = [MARKER, PREFIXES, npcscPrefix(base), ''];
  const documents = new Map<string, EvidenceDocument>();
  const people = new Map<string, string>();
  const sorted = [...links].sort((a, b) => (a.resource < b.resource ? -1 : 1));
  for (const l of sorted) out.push(`${r(l.resource)} owl:sameAs wd:${l.qid} .`);
  for (const l of sorted) {
    const node = t.linkNode(l.resource);
    // A person is a named node (a fragment of the dataset's IRI), not a blank node: documents are written
    // without blank nodes, and the same reviewer of several links is one agent.
    const agent = l.acceptedBy.kind === 'tool' ? r(t.tool) : r(t.person(l.acceptedBy.name));
    if (l.acceptedBy.kind === 'person') people.set(t.person(l.acceptedBy.name), l.acceptedBy.name);
    const quotations = (l.documents ?? []).map((d, i) => {
      documents.set(documentIri(d), d);
      return { iri: `${node}-evidence-${i + 1}`, d };
    });
    out.push(
      '',
      `${r(node)} a rdf:Statement , prov:Entity ;`,
      `    rdf:subject ${r(l.resource)} ;`,
      '    rdf:predicate owl:sameAs ;',
      `    rdf:object wd:${l.qid} ;`,
      `    void:inDataset ${r(t.linkset)} ;`,
      `    dcterms:description ${[...l.evidence].sort().map(str).join(' ,\n        ')} ;`,
      ...(l.score !== undefined ? [`    dqv:hasQualityMeasurement ${r(`${node}-score`)} ;`] : []),
      ...(quotations.length > 0 ? [`    prov:wasDerivedFrom ${quotations.map((x) => r(x.iri)).join(' , ')} ;`] : []),
      `    prov:generatedAtTime ${str(l.acceptedAt)}^^xsd:dateTime ;`,
      `    prov:wasGeneratedBy ${r(l.activity)} ;`,
      `    prov:wasAttributedTo ${agent} .`,
    );
    if (l.score !== undefined) {
      out.push(
        '',
        `${r(`${node}-score`)} a dqv:QualityMeasurement ;`,
        `    dqv:computedOn ${r(node)} ;`,
        `    dqv:isMeasurementOf ${r(t.metric)} ;`,
        `    dqv:value ${str(l.score.toFixed(3))}^^xsd:decimal .`,
      );
    }
    for (const x of quotations) {
      out.push(
        '',
        `${r(x.iri)} a prov:Entity ;`,
        `    prov:value ${str(x.d.quote)} ;`,
        `    dcterms:source ${r(documentIri(x.d))} .`,
      );
    }
  }
  for (const [iri, name] of [...people].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push('', `${r(iri)} a prov:Person , prov:Agent ;`, `    foaf:name ${str(name)} .`);
  }
  for (const [iri, d] of [...documents].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const title = `${d.path ? `File ${d.path} of the` : 'The'} GitHub repository ${d.repository}${d.commit ? `, commit ${d.commit}` : ''}`;
    out.push(
      '',
      `${r(iri)} a dcterms:BibliographicResource , prov:Entity ;`,
      `    dcterms:title ${str(title)}@en ;`,
      `    npcsc:repository ${r(`${GITHUB}${d.repository}`)} ;`,
      ...(d.path ? [`    npcsc:repositoryPath ${str(d.path)} ;`] : []),
      ...(d.commit ? [`    npcsc:commit ${str(d.commit)} ;`] : []),
      '    .',
    );
  }
  const used = new Set(sorted.map((l) => l.activity));
  for (const a of [...activities].filter((x) => used.has(x.iri)).sort((x, y) => (x.iri < y.iri ? -1 : 1))) {
    out.push(
      '',
      `${r(a.iri)} a prov:Activity ;`,
      `    dcterms:description ${str(a.description)} ;`,
      ...(a.startedAt ? [`    prov:startedAtTime ${str(a.startedAt)}^^xsd:dateTime ;`] : []),
      ...(a.endedAt ? [`    prov:endedAtTime ${str(a.endedAt)}^^xsd:dateTime ;`] : []),
      ...(a.used.length > 0 ? [`    prov:used ${a.used.map(r).join(' , ')} ;`] : []),
      `    prov:wasAssociatedWith ${r(t.tool)} .`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Rewrites the linkset with `links` (replacing any earlier link of the same resource), keeping the header.
 * The new text is parsed back before it replaces the file, so a bad write can never break the build.
 */
export function writeLinkset(
  linkset: Linkset,
  base: string,
  add: { links: readonly Link[]; activities: readonly Activity[] },
): Linkset {
  const byResource = new Map(linkset.links.map((l) => [l.resource, l]));
  for (const l of add.links) byResource.set(l.resource, l);
  const activities = new Map(linkset.activities.map((a) => [a.iri, a]));
  for (const a of add.activities) activities.set(a.iri, a);
  const links = [...byResource.values()];
  const header = linkset.header === '' ? '# The linkset to Wikidata, written by `npcsc-kg wikidata`.' : linkset.header;
  const text = `${header}\n\n${linksTurtle(links, [...activities.values()], base)}`;
  const check = interpret(parseTurtle(text, linkset.file, base), base);
  if (check.links.length !== links.length || check.unevidenced.length > 0) {
    throw new LinksetError(`${linkset.file}: the rewritten linkset does not read back (refusing to write)`);
  }
  writeFileAtomically(linkset.file, text);
  return { ...linkset, header, ...check };
}
