// Shared by the publish and export tests: the app under test, RDF parsed back from every format, and a link crawler.
import jsonld from 'jsonld';
import { DataFactory, Parser, type Quad, Writer } from 'n3';
import * as rdflib from 'rdflib';
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import type { RouteModule } from '../../src/http/route.ts';
import type { Format } from '../../src/publish/formats.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { realGraph, testConfig } from '../support/graph.ts';

export async function ldApp(
  overrides: Parameters<typeof testConfig>[0] = {},
  modules: readonly RouteModule[] = [linkedDataRoutes],
) {
  const graph = await realGraph(overrides.base ? { base: overrides.base } : {});
  const config = testConfig(overrides);
  return { graph, config, app: createApp(graph, config, modules) };
}

const offline = async (url: string): Promise<never> => {
  throw new Error(`test refuses to load ${url}`);
};

/** Quads of a response body in any of the RDF formats (RDF/XML back through rdflib, JSON-LD through jsonld). */
export async function parseRdf(text: string, format: Format, baseIRI = 'http://invalid.example/'): Promise<Quad[]> {
  switch (format) {
    case 'turtle':
    case 'ntriples':
      return new Parser({ baseIRI, format: format === 'turtle' ? 'text/turtle' : 'application/n-triples' }).parse(text);
    case 'nquads':
    case 'trig':
      return new Parser({ baseIRI, format: format === 'trig' ? 'application/trig' : 'application/n-quads' }).parse(
        text,
      );
    case 'jsonld': {
      const nquads = (await jsonld.toRDF(JSON.parse(text), {
        format: 'application/n-quads',
        documentLoader: offline as never,
      })) as unknown as string;
      return new Parser({ format: 'application/n-quads' }).parse(nquads);
    }
    case 'rdfxml': {
      const store = rdflib.graph();
      rdflib.parse(text, store, baseIRI, 'application/rdf+xml');
      const { namedNode, literal, blankNode, quad } = DataFactory;
      const term = (t: { termType: string; value: string; language?: string; datatype?: { value: string } }) =>
        t.termType === 'NamedNode'
          ? namedNode(t.value)
          : t.termType === 'BlankNode'
            ? blankNode(t.value)
            : literal(t.value, t.language || (t.datatype ? namedNode(t.datatype.value) : undefined));
      return store.statements.map((s) =>
        quad(term(s.subject) as never, term(s.predicate) as never, term(s.object) as never),
      );
    }
    case 'html':
      throw new Error('HTML is not RDF');
  }
}

export function toNQuads(quads: readonly Quad[]): string {
  const w = new Writer({ format: 'N-Quads' });
  let out = '';
  w.addQuads(quads as Quad[]);
  w.end((_e, r: string) => {
    out = r;
  });
  return out;
}

/** Canonical N-Quads (RDFC-1.0), with language tags in one case (RDF compares them case-insensitively). */
export async function canonical(quads: readonly Quad[]): Promise<string> {
  const lowered = toNQuads(quads).replace(/"@([A-Za-z0-9-]+)/g, (_m, tag: string) => `"@${tag.toLowerCase()}`);
  const canonize = jsonld.canonize as unknown as (input: string, options: object) => Promise<string>;
  return canonize(lowered, { inputFormat: 'application/n-quads', format: 'application/n-quads' });
}

/** A triple as one comparable string (language tags lower-cased). */
export function tripleKey(q: Quad): string {
  const o = q.object;
  const obj =
    o.termType === 'Literal'
      ? `"${o.value}"${o.language ? `@${o.language.toLowerCase()}` : `^^${o.datatype.value}`}`
      : `<${o.value}>`;
  return `<${q.subject.value}> <${q.predicate.value}> ${obj}`;
}

/** The hrefs and srcs of a page, resolved against its URL, fragments kept. */
export function linksOf(html: string, pageUrl: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    const raw = (m[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"');
    try {
      out.push(new URL(raw, pageUrl).toString());
    } catch {
      out.push(raw);
    }
  }
  return out;
}

export interface CrawlResult {
  visited: Map<string, number>;
  broken: { url: string; status: number; from: string }[];
  missingAnchors: { url: string; from: string }[];
}

/**
 * Follows every internal link from `start` (hrefs and srcs in HTML), fetching each URL once; redirects are
 * followed (a 303 to a missing document is broken), fragments are checked against the target's ids.
 */
export async function crawl(
  start: readonly string[],
  fetchUrl: (url: string) => Promise<Response>,
  isInternal: (url: string) => boolean,
  limit = 5000,
): Promise<CrawlResult> {
  const visited = new Map<string, number>();
  const ids = new Map<string, Set<string>>();
  const broken: CrawlResult['broken'] = [];
  const anchors: { url: string; from: string }[] = [];
  const queue: { url: string; from: string }[] = start.map((url) => ({ url, from: '(start)' }));
  while (queue.length > 0 && visited.size < limit) {
    const { url, from } = queue.shift() as { url: string; from: string };
    const [doc, hash] = url.split('#') as [string, string | undefined];
    if (hash) anchors.push({ url, from });
    if (visited.has(doc)) continue;
    let res = await fetchUrl(doc);
    let hops = 0;
    while (res.status >= 300 && res.status < 400 && hops++ < 5) {
      const location = res.headers.get('location');
      if (!location) break;
      res = await fetchUrl(new URL(location, doc).toString());
    }
    visited.set(doc, res.status);
    if (res.status !== 200) {
      broken.push({ url: doc, status: res.status, from });
      continue;
    }
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
    const body = await res.text();
    ids.set(doc, new Set([...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? '')));
    for (const link of linksOf(body, doc)) {
      if (isInternal(link)) queue.push({ url: link, from: doc });
    }
  }
  const missingAnchors = anchors.filter(({ url }) => {
    const [doc, hash] = url.split('#') as [string, string];
    const set = ids.get(doc);
    return set !== undefined && !set.has(decodeURIComponent(hash));
  });
  return { visited, broken, missingAnchors };
}

export type { Config, Graph };
