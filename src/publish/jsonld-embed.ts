// The schema.org block each page embeds for crawlers, built only from the page's own document, so it is true of it.
//
// Person pages use the Role pattern (Person -memberOf-> OrganizationRole {roleName, startDate, endDate}
// -memberOf-> GovernmentOrganization); organisations are GovernmentOrganization; the home and dataset pages a
// Dataset with DataDownload distributions. The context is inline ({"@vocab": "https://schema.org/"}, the same
// https namespace as the data), so the block is valid JSON-LD without fetching anything. Dates keep their
// datatype (xsd:gYearMonth stays a month), so the block's triples are exactly the document's.
import type { Term } from 'n3';
import { NS } from '../rdf/ns.ts';
import { bcp47, type View } from './view.ts';

type JsonValue = string | { '@id': string } | { '@value': string; '@language'?: string; '@type'?: string } | JsonNode;
interface JsonNode {
  '@id': string;
  '@type'?: string | string[];
  [k: string]: unknown;
}

const S = NS.schema;
const CONTEXT = { '@vocab': S };

function toJson(t: Term): JsonValue {
  if (t.termType === 'NamedNode') return { '@id': t.value };
  if (t.termType !== 'Literal') return t.value;
  if (t.language) return { '@value': t.value, '@language': bcp47(t.language) };
  if (t.datatype.value === `${NS.xsd}string`) return t.value;
  return { '@value': t.value, '@type': t.datatype.value };
}

/** A node with the schema.org types and the listed schema.org properties the document gives `iri`. */
function node(ix: View, iri: string, props: readonly string[]): JsonNode {
  const out: JsonNode = { '@id': iri };
  const types = ix
    .types(iri)
    .filter((t) => t.startsWith(S))
    .map((t) => t.slice(S.length));
  if (types.length === 1) out['@type'] = types[0];
  else if (types.length > 1) out['@type'] = types.sort();
  for (const p of props) {
    const values = ix.objects(iri, `${S}${p}`).map(toJson);
    if (values.length === 1) out[p] = values[0];
    else if (values.length > 1) out[p] = values;
  }
  return out;
}

const org = (ix: View, iri: string) => node(ix, iri, ['name', 'sameAs']);

function role(ix: View, iri: string): JsonNode {
  const n = node(ix, iri, ['roleName', 'startDate', 'endDate']);
  const orgs = ix.iris(iri, `${S}memberOf`).map((o) => org(ix, o));
  if (orgs.length) n.memberOf = orgs.length === 1 ? orgs[0] : orgs;
  return n;
}

/** A Person with the roles the document holds for them; `only` restricts the roles to one office's. */
function person(ix: View, iri: string, only?: (role: string) => boolean): JsonNode {
  const n = node(ix, iri, ['name', 'birthDate', 'deathDate', 'sameAs']);
  const roles = ix
    .iris(iri, `${S}memberOf`)
    .filter((r) => ix.isA(r, `${S}OrganizationRole`) && (!only || only(r)))
    .sort()
    .map((r) => role(ix, r));
  if (roles.length) n.memberOf = roles;
  return n;
}

function block(main: JsonNode | JsonNode[]): object {
  return Array.isArray(main) ? { '@context': CONTEXT, '@graph': main } : { '@context': CONTEXT, ...main };
}

export function personEmbed(ix: View, iri: string): object {
  return block(person(ix, iri));
}

/** A tenure page: the holder as a Person whose role is this tenure. */
export function tenureEmbed(ix: View, iri: string): object {
  const holders = ix.subjects(`${S}memberOf`, iri).filter((p) => ix.isA(p, `${S}Person`));
  if (holders.length === 0) return block(role(ix, iri));
  return block(holders.map((p) => person(ix, p, (r) => r === iri)));
}

/** An office page: the office by name, then every holder with their tenures of this office. */
export function officeEmbed(ix: View, iri: string, npcsc: string): object {
  const tenures = new Set(ix.subjects(`${npcsc}office`, iri));
  const holders = new Set<string>();
  for (const t of tenures) for (const p of ix.subjects(`${S}memberOf`, t)) holders.add(p);
  const nodes = [node(ix, iri, ['name', 'description', 'foundingDate', 'sameAs'])];
  for (const p of [...holders].sort()) nodes.push(person(ix, p, (r) => tenures.has(r)));
  return block(nodes);
}

export function organisationEmbed(ix: View, iri: string): object {
  return block(node(ix, iri, ['name', 'description', 'foundingDate', 'sameAs']));
}

export function datasetEmbed(ix: View, iri: string): object {
  const n = node(ix, iri, [
    'name',
    'description',
    'license',
    'keywords',
    'url',
    'isAccessibleForFree',
    'inLanguage',
    'temporalCoverage',
  ]);
  const creators = ix.iris(iri, `${S}creator`).map((c) => node(ix, c, ['name']));
  if (creators.length) n.creator = creators.length === 1 ? creators[0] : creators;
  const dists = ix
    .iris(iri, `${S}distribution`)
    .sort()
    .map((d) => node(ix, d, ['name', 'encodingFormat', 'contentUrl']));
  if (dists.length) n.distribution = dists;
  return block(n);
}

export function ontologyEmbed(ix: View, iri: string): object {
  const n = node(ix, iri, ['name']);
  const terms = ix
    .iris(iri, `${S}hasDefinedTerm`)
    .sort()
    .map((t) => node(ix, t, ['name']));
  if (terms.length) n.hasDefinedTerm = terms;
  return block(n);
}

/** Anything else: its schema.org types (if any), name and description. */
export function thingEmbed(ix: View, iri: string): object {
  return block(node(ix, iri, ['name', 'description', 'sameAs']));
}
