// The schema.org block each page embeds for crawlers, built only from the page's own document, so it is true of it.
//
// Person pages use the Role pattern (Person -memberOf-> OrganizationRole {roleName, startDate, endDate}
// -memberOf-> GovernmentOrganization); organisations are GovernmentOrganization; the home and dataset pages a
// Dataset with DataDownload distributions. The context is inline ({"@vocab": "https://schema.org/"}, the same
// https namespace as the data), so the block is valid JSON-LD without fetching anything.
//
// Crawlers read names and dates as strings, not as value objects (crawlerForm): the context's default language is
// the page's, so a name in it is a plain string and still the document's language-tagged literal; a name in
// another language keeps its tag. A date is its lexical form as a plain string, ISO 8601 as schema.org's Date
// is, at its own precision (a month stays "1965-01", never padded to a day): the only triples of the block that
// are not the document's own, which types them xsd:date, xsd:gYearMonth or xsd:gYear.
import type { Term } from 'n3';
import { NS } from '../rdf/ns.ts';
import type { Lang } from './formats.ts';
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

type Value = { '@value': string; '@language'?: string; '@type'?: string };
const isValue = (v: unknown): v is Value => typeof v === 'object' && v !== null && '@value' in v;
const isNode = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isValue(v);
const DATE_TYPES = new Set([`${NS.xsd}date`, `${NS.xsd}gYearMonth`, `${NS.xsd}gYear`, `${NS.xsd}dateTime`]);

/** Text without a language: a plain string (xsd:string) or a date written as one. */
const isText = (v: unknown): boolean =>
  typeof v === 'string' || (isValue(v) && !v['@language'] && DATE_TYPES.has(v['@type'] ?? ''));
const isTagged = (v: unknown): boolean => isValue(v) && !!v['@language'];
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** The properties that carry text without a language and never a tagged one in the block: no default language. */
function textProperties(block: unknown): Set<string> {
  const text = new Set<string>();
  const tagged = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isNode(v)) {
      for (const [p, value] of Object.entries(v)) {
        if (p.startsWith('@')) {
          if (p === '@graph') walk(value);
          continue;
        }
        for (const x of list(value)) {
          if (isText(x)) text.add(p);
          if (isTagged(x)) tagged.add(p);
          walk(x);
        }
      }
    }
  };
  walk(block);
  return new Set([...text].filter((p) => !tagged.has(p)));
}

/**
 * The block as crawlers read it, for a page in `lang`: names in that language and dates as plain strings, true
 * booleans, with the same meaning as JSON-LD (see the head of this file). A node whose own text needs no
 * language under a property that otherwise has one (the dataset creator's name) sets its own default language.
 */
export function crawlerForm(block: object, lang: Lang): object {
  const textProps = textProperties(block);
  const value = (p: string, v: unknown, inherited: string | null): unknown => {
    if (isNode(v)) return node(v, inherited);
    if (typeof v === 'string') return textProps.has(p) || inherited === null ? v : { '@value': v };
    if (!isValue(v)) return v;
    if (v['@type'] === `${NS.xsd}boolean` && (v['@value'] === 'true' || v['@value'] === 'false')) {
      return v['@value'] === 'true';
    }
    if (isText(v)) return textProps.has(p) || inherited === null ? v['@value'] : v;
    if (v['@language'] && v['@language'] === inherited && !textProps.has(p)) return v['@value'];
    return v;
  };
  const node = (n: Record<string, unknown>, inherited: string | null): Record<string, unknown> => {
    const own = Object.entries(n).filter(([p]) => !p.startsWith('@'));
    const needsNone = own.some(([p, v]) => !textProps.has(p) && list(v).some(isText));
    const hasTagged = own.some(([, v]) => list(v).some(isTagged));
    const effective = needsNone ? null : inherited === null && hasTagged ? lang : inherited;
    const out: Record<string, unknown> = {};
    for (const [p, v] of Object.entries(n)) {
      if (p === '@context') continue;
      if (p === '@graph') out[p] = list(v).map((x) => value(p, x, effective));
      else if (p.startsWith('@')) out[p] = v;
      else if (Array.isArray(v)) {
        // Plain strings first: a reader that takes one name takes the page's.
        const rendered = v.map((x) => value(p, x, effective));
        out[p] = [...rendered.filter((x) => typeof x === 'string'), ...rendered.filter((x) => typeof x !== 'string')];
      } else out[p] = value(p, v, effective);
    }
    return effective === inherited ? out : { '@context': { '@language': effective }, ...out };
  };
  const context = {
    ...CONTEXT,
    '@language': lang,
    ...Object.fromEntries([...textProps].sort().map((p) => [p, { '@language': null }])),
  };
  return { '@context': context, ...node(block as Record<string, unknown>, lang) };
}
