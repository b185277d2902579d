// The computed part of the dataset description (VoID, DCAT and schema.org Dataset), added to data/dataset.ttl at serve time.
//
// data/dataset.ttl says what does not change with the build (titles, licence, sources, vocabularies); this adds
// what the build and the deployment decide: statistics, the SPARQL endpoint, the dumps and where they are
// downloaded, and the schema.org Dataset view Google's Dataset search reads (name, description, license,
// keywords, distribution as DataDownload).
import { DataFactory, type Quad, type Term } from 'n3';
import type { Graph } from '../rdf/graph.ts';
import { NS } from '../rdf/ns.ts';
import type { Iris } from './iris.ts';
import { RDF_TYPE } from './view.ts';

const { namedNode, literal, quad } = DataFactory;

export interface Distribution {
  /** Fragment of the dataset IRI naming the distribution. */
  id: string;
  path: string;
  mediaType: string;
  title: string;
}

export const DUMPS: readonly Distribution[] = [
  { id: 'dump-turtle', path: 'dump.ttl', mediaType: 'text/turtle', title: 'Turtle dump of the whole graph' },
  {
    id: 'dump-ntriples',
    path: 'dump.nt',
    mediaType: 'application/n-triples',
    title: 'N-Triples dump of the whole graph',
  },
  {
    id: 'dump-jsonld',
    path: 'dump.jsonld',
    mediaType: 'application/ld+json',
    title: 'JSON-LD dump of the whole graph',
  },
  { id: 'dump-csv', path: 'dump.csv', mediaType: 'text/csv', title: 'Table of every tenure (CSV)' },
];

export interface DatasetOptions {
  /** Public URL of the SPARQL endpoint; absent in a static export without one. */
  sparqlEndpoint?: string | undefined;
}

/**
 * The day the published graph last changed: the dataset's dcterms:modified, kept in data/dataset.ttl beside the
 * graph it dates (tests/rdf/modified.test.ts fails when the graph changes and the day does not). Not a file's
 * modification time, which a checkout, a copy or a deploy sets to its own day, nor the day the server started:
 * every clone and every replica of the same data must give the same day, to the sitemap's lastmod, the
 * description's dcterms:modified and Last-Modified alike. The latest when there are several; undefined when the
 * data gives none (a generated graph), and then nothing claims a day.
 */
export function modifiedOf(graph: Graph, dataset: string): string | undefined {
  let latest: string | undefined;
  for (const o of graph.store.getObjects(dataset, `${NS.dcterms}modified`, null)) {
    if (o.termType !== 'Literal' || !/^\d{4}-\d{2}-\d{2}$/.test(o.value)) continue;
    if (latest === undefined || o.value > latest) latest = o.value;
  }
  return latest;
}

const int = (n: number) => literal(String(n), namedNode(`${NS.xsd}integer`));

/** Statistics of the graph as VoID counts them. */
export function statistics(
  graph: Graph,
): Record<'triples' | 'entities' | 'subjects' | 'objects' | 'properties' | 'classes', number> {
  const { store } = graph;
  const subjects = store.getSubjects(null, null, null);
  const idPrefix = `${graph.base}id/`;
  return {
    triples: store.size,
    entities: subjects.filter((s) => s.termType === 'NamedNode' && s.value.startsWith(idPrefix)).length,
    subjects: subjects.length,
    objects: store.getObjects(null, null, null).length,
    properties: store.getPredicates(null, null, null).length,
    classes: store.getObjects(null, RDF_TYPE, null).length,
  };
}

export function datasetComputed(graph: Graph, iris: Iris, opts: DatasetOptions): Quad[] {
  const ds = namedNode(iris.dataset);
  const { store } = graph;
  const p = (ns: keyof typeof NS, local: string) => namedNode(`${NS[ns]}${local}`);
  const type = namedNode(RDF_TYPE);
  const out: Quad[] = [];
  const add = (s: Quad['subject'], pred: Quad['predicate'], o: Term) => out.push(quad(s, pred, o as Quad['object']));

  const stats = statistics(graph);
  add(ds, p('void', 'triples'), int(stats.triples));
  add(ds, p('void', 'entities'), int(stats.entities));
  add(ds, p('void', 'distinctSubjects'), int(stats.subjects));
  add(ds, p('void', 'distinctObjects'), int(stats.objects));
  add(ds, p('void', 'properties'), int(stats.properties));
  add(ds, p('void', 'classes'), int(stats.classes));
  add(ds, p('void', 'uriSpace'), literal(`${graph.base}id/`));
  add(ds, p('void', 'exampleResource'), namedNode(`${graph.base}id/office/secretary-general`));
  add(ds, p('void', 'exampleResource'), namedNode(`${graph.base}id/person/peng-zhen`));
  for (const f of ['Turtle', 'N-Triples', 'JSON-LD', 'RDF_XML']) {
    add(ds, p('void', 'feature'), namedNode(`http://www.w3.org/ns/formats/${f}`));
  }
  if (opts.sparqlEndpoint) {
    const endpoint = namedNode(opts.sparqlEndpoint);
    const service = namedNode(`${iris.dataset}#sparql`);
    add(ds, p('void', 'sparqlEndpoint'), endpoint);
    add(service, type, p('dcat', 'DataService'));
    add(service, p('dcat', 'endpointURL'), endpoint);
    add(service, p('dcat', 'servesDataset'), ds);
    add(service, p('dcterms', 'title'), literal('SPARQL 1.1 endpoint', 'en'));
  }

  // Distributions, in DCAT and as schema.org DataDownload.
  for (const d of DUMPS) {
    const url = namedNode(iris.url(d.path));
    const dist = namedNode(`${iris.dataset}#${d.id}`);
    if (d.mediaType !== 'text/csv') add(ds, p('void', 'dataDump'), url);
    add(ds, p('dcat', 'distribution'), dist);
    add(ds, p('schema', 'distribution'), dist);
    add(dist, type, p('dcat', 'Distribution'));
    add(dist, type, p('schema', 'DataDownload'));
    add(dist, p('dcterms', 'title'), literal(d.title, 'en'));
    add(dist, p('schema', 'name'), literal(d.title, 'en'));
    add(dist, p('dcat', 'downloadURL'), url);
    add(dist, p('dcat', 'accessURL'), url);
    add(dist, p('dcat', 'mediaType'), namedNode(`https://www.iana.org/assignments/media-types/${d.mediaType}`));
    add(dist, p('dcterms', 'format'), literal(d.mediaType));
    add(dist, p('schema', 'encodingFormat'), literal(d.mediaType));
    add(dist, p('schema', 'contentUrl'), url);
    for (const licence of store.getObjects(ds, `${NS.dcterms}license`, null)) {
      add(dist, p('dcterms', 'license'), licence);
    }
  }

  // The schema.org Dataset view of the static description.
  add(ds, type, p('schema', 'Dataset'));
  add(ds, p('schema', 'url'), namedNode(iris.url('')));
  add(ds, p('schema', 'isAccessibleForFree'), literal('true', namedNode(`${NS.xsd}boolean`)));
  for (const t of store.getObjects(ds, `${NS.dcterms}title`, null)) add(ds, p('schema', 'name'), t);
  for (const t of store.getObjects(ds, `${NS.dcterms}description`, null)) add(ds, p('schema', 'description'), t);
  for (const t of store.getObjects(ds, `${NS.dcterms}license`, null)) add(ds, p('schema', 'license'), t);
  for (const t of store.getObjects(ds, `${NS.dcterms}modified`, null)) add(ds, p('schema', 'dateModified'), t);
  for (const t of store.getObjects(ds, `${NS.dcat}keyword`, null)) add(ds, p('schema', 'keywords'), t);
  for (const lang of ['en', 'zh-Hans']) add(ds, p('schema', 'inLanguage'), literal(lang));
  for (const t of store.getObjects(ds, `${NS.dcterms}creator`, null)) {
    const creator = namedNode(`${iris.dataset}#creator`);
    add(ds, p('schema', 'creator'), creator);
    add(creator, type, p('schema', 'Organization'));
    add(creator, p('schema', 'name'), literal(t.value));
  }
  for (const period of store.getObjects(ds, `${NS.dcterms}temporal`, null)) {
    const start = store.getObjects(period, `${NS.dcat}startDate`, null)[0];
    if (start) add(ds, p('schema', 'temporalCoverage'), literal(`${start.value}/..`));
  }
  return out;
}
