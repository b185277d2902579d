// The SPARQL 1.1 Service Description of /sparql: endpoint, language, result formats, features, and the default dataset with VoID statistics.
import type * as RDF from '@rdfjs/types';
import type { Context } from 'hono';
import { DataFactory, type Quad } from 'n3';
import type { Config } from '../config.ts';
import { SECURITY_HEADERS } from '../http/headers.ts';
import type { AppContext } from '../http/route.ts';
import type { Graph } from '../rdf/graph.ts';
import { NS } from '../rdf/ns.ts';
import { type RdfFormat, serialize } from '../rdf/serialize.ts';
import { type Answer, etagOf } from './cache.ts';
import { CACHE_CONTROL, CORS_HEADERS, respond } from './execute.ts';
import type { Chosen } from './formats.ts';

const { namedNode, literal, quad, blankNode } = DataFactory;
const FORMATS = 'http://www.w3.org/ns/formats/';
const SD = NS.sd;
const VOID = NS.void;

/** Result formats by their W3C format IRI: every format /sparql answers in. */
export const RESULT_FORMAT_IRIS = [
  'SPARQL_Results_JSON',
  'SPARQL_Results_XML',
  'SPARQL_Results_CSV',
  'SPARQL_Results_TSV',
  'Turtle',
  'N-Triples',
  'JSON-LD',
  'RDF_XML',
].map((f) => `${FORMATS}${f}`);

export interface VoidStatistics {
  triples: number;
  distinctSubjects: number;
  distinctObjects: number;
  properties: number;
  classes: number;
}

const RDF_TYPE = `${NS.rdf}type`;

/** VoID statistics of the quads in `graph` (the default graph unless named). */
export function statistics(quads: Iterable<RDF.Quad>): VoidStatistics {
  const subjects = new Set<string>();
  const objects = new Set<string>();
  const properties = new Set<string>();
  const classes = new Set<string>();
  let triples = 0;
  const key = (t: RDF.Term) =>
    `${t.termType}:${t.value}:${t.termType === 'Literal' ? `${t.language}|${t.datatype.value}` : ''}`;
  for (const q of quads) {
    triples++;
    subjects.add(key(q.subject));
    objects.add(key(q.object));
    properties.add(q.predicate.value);
    if (q.predicate.value === RDF_TYPE) classes.add(q.object.value);
  }
  return {
    triples,
    distinctSubjects: subjects.size,
    distinctObjects: objects.size,
    properties: properties.size,
    classes: classes.size,
  };
}

export const endpointUrl = (config: Config): string => `${config.publicBase}sparql`;

/** The description as quads; `endpoint` is where this server answers (config.publicBase + sparql). */
export function serviceDescription(graph: Graph, config: Config): Quad[] {
  const endpoint = endpointUrl(config);
  const service = namedNode(`${endpoint}#service`);
  const dataset = namedNode(`${endpoint}#dataset`);
  const defaultGraph = namedNode(`${endpoint}#default-graph`);
  const out: Quad[] = [];
  const add = (s: RDF.Quad_Subject, p: string, o: RDF.Quad_Object) => out.push(quad(s, namedNode(p), o));
  const int = (n: number) => literal(String(n), namedNode(`${NS.xsd}integer`));
  const L = config.limits;

  add(service, RDF_TYPE, namedNode(`${SD}Service`));
  add(service, `${SD}endpoint`, namedNode(endpoint));
  add(service, `${SD}supportedLanguage`, namedNode(`${SD}SPARQL11Query`));
  for (const f of RESULT_FORMAT_IRIS) add(service, `${SD}resultFormat`, namedNode(f));
  add(service, `${SD}defaultEntailmentRegime`, namedNode('http://www.w3.org/ns/entailment/Simple'));
  if (config.serviceAllowlist.length > 0) add(service, `${SD}feature`, namedNode(`${SD}BasicFederatedQuery`));
  add(service, `${NS.dcterms}title`, literal('SPARQL endpoint of npcsc-kg', 'en'));
  add(
    service,
    `${NS.rdfs}comment`,
    literal(
      `Read-only SPARQL 1.1 query endpoint. Limits: queries of at most ${L.queryLength} characters, ` +
        `request bodies of at most ${L.bodyBytes} bytes, at most ${L.resultRows} result rows or triples per ` +
        `response (a longer result is cut and says so in the Results-Truncated header, and in SPARQL JSON in a ` +
        `top-level "truncated" member), ${L.timeoutMs} ms of execution per query (then the query is stopped), ` +
        `${L.concurrency} queries at once (then 503 with Retry-After). SERVICE reaches only: ` +
        `${config.serviceAllowlist.join(', ') || 'no endpoint'}. FROM, FROM NAMED and IRIs are never dereferenced.`,
      'en',
    ),
  );
  add(service, `${SD}defaultDataset`, dataset);

  add(dataset, RDF_TYPE, namedNode(`${SD}Dataset`));
  add(dataset, `${SD}defaultGraph`, defaultGraph);
  // The dataset's own VoID/DCAT description, where the graph holds one.
  const described = namedNode(`${graph.base}id/dataset/npcsc-kg`);
  if (graph.store.countQuads(described, null, null, null) > 0) add(dataset, `${NS.rdfs}seeAlso`, described);
  const describeGraph = (node: RDF.Quad_Subject, stats: VoidStatistics) => {
    add(node, RDF_TYPE, namedNode(`${SD}Graph`));
    add(node, RDF_TYPE, namedNode(`${VOID}Dataset`));
    add(node, `${VOID}triples`, int(stats.triples));
    add(node, `${VOID}distinctSubjects`, int(stats.distinctSubjects));
    add(node, `${VOID}distinctObjects`, int(stats.distinctObjects));
    add(node, `${VOID}properties`, int(stats.properties));
    add(node, `${VOID}classes`, int(stats.classes));
    add(node, `${VOID}sparqlEndpoint`, namedNode(endpoint));
  };
  describeGraph(defaultGraph, statistics(graph.store.readQuads(null, null, null, DataFactory.defaultGraph())));
  for (const g of graph.store.getGraphs(null, null, null)) {
    if (g.termType !== 'NamedNode') continue;
    const named = blankNode();
    const inner = blankNode();
    add(dataset, `${SD}namedGraph`, named);
    add(named, RDF_TYPE, namedNode(`${SD}NamedGraph`));
    add(named, `${SD}name`, g);
    add(named, `${SD}graph`, inner);
    describeGraph(inner, statistics(graph.store.readQuads(null, null, null, g)));
  }
  return out;
}

/** Serves the description in the negotiated RDF format, each format written once and kept with its ETag. */
export function serviceDescriptionHandler(ctx: AppContext): (c: Context, chosen: Chosen) => Promise<Response> {
  const written = new Map<string, Promise<Answer>>();
  const write = async (chosen: Chosen): Promise<Answer> => {
    const { graph, config } = ctx;
    const body = await serialize(chosen.format as RdfFormat, serviceDescription(graph, config), {
      prefixes: { sd: SD, void: VOID, formats: FORMATS, ...graph.prefixes },
      context: graph.context,
      base: graph.base,
    });
    const headers = {
      'content-type': chosen.contentType,
      'cache-control': CACHE_CONTROL,
      vary: 'Accept',
      ...CORS_HEADERS,
      ...SECURITY_HEADERS,
    };
    const etag = etagOf(graph.hash, endpointUrl(config), chosen.contentType, body);
    return { status: 200, body, headers: { ...headers, etag }, etag };
  };
  return async (c, chosen) => {
    let answer = written.get(chosen.contentType);
    if (!answer) {
      answer = write(chosen);
      written.set(chosen.contentType, answer);
    }
    return respond(await answer, c);
  };
}
