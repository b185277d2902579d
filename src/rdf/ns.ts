// Namespaces and prefixes: the fixed W3C/schema.org ones and those that hang off the configured base.
export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  dcterms: 'http://purl.org/dc/terms/',
  prov: 'http://www.w3.org/ns/prov#',
  org: 'http://www.w3.org/ns/org#',
  time: 'http://www.w3.org/2006/time#',
  schema: 'https://schema.org/',
  void: 'http://rdfs.org/ns/void#',
  dcat: 'http://www.w3.org/ns/dcat#',
  foaf: 'http://xmlns.com/foaf/0.1/',
  sh: 'http://www.w3.org/ns/shacl#',
  sd: 'http://www.w3.org/ns/sparql-service-description#',
  wdt: 'http://www.wikidata.org/prop/direct/',
  wd: 'http://www.wikidata.org/entity/',
  p: 'http://www.wikidata.org/prop/',
  ps: 'http://www.wikidata.org/prop/statement/',
  pq: 'http://www.wikidata.org/prop/qualifier/',
} as const;

/** Namespace of the project's own SPARQL extension functions; code-level, so not tied to the base. */
export const FN = 'https://w3id.org/npcsc/fn#';

/** Prefixes for writing documents: the fixed ones plus npcsc: and the id/ kinds under the base. */
export function prefixesFor(base: string): Record<string, string> {
  return {
    npcsc: `${base}ontology#`,
    person: `${base}id/person/`,
    office: `${base}id/office/`,
    npcorg: `${base}id/org/`,
    term: `${base}id/npc-term/`,
    ...NS,
  };
}

export const ontologyIri = (base: string): string => `${base}ontology`;
export const vocab = (base: string, term: string): string => `${base}ontology#${term}`;

/** Shortens an IRI with the first matching prefix, for people reading a terminal. */
export function compactIri(iri: string, prefixes: Record<string, string>): string {
  let best: [string, string] | undefined;
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
}
