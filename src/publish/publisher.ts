// Renders every representation of the site once per Graph and keeps it: documents, pages, dumps, sitemap, assets.
//
// The Graph is immutable, so a representation depends only on (graph, deployment, path, format, language): it
// is rendered on first request, kept, and identified by an ETag made of its bytes. Nothing here reads the clock
// or a file's time: two servers (or a server and the static export) on the same build publish the same bytes
// under the same ETag, whatever day each started.
import { createHash } from 'node:crypto';
import type { Quad } from 'n3';
import type { Config } from '../config.ts';
import { BoundedCache } from '../http/caching.ts';
import { type Coding, compress, MIN_COMPRESS_BYTES } from '../http/compress.ts';
import type { Graph } from '../rdf/graph.ts';
import { serialize } from '../rdf/serialize.ts';
import { FAVICON_SVG, SITE_CSS } from './assets.ts';
import { datasetComputed, modifiedOf, statistics } from './dataset.ts';
import { describe, describeOntology, documentKeys, documentMetadata } from './documents.ts';
import { DUMP_TYPES, type DumpName, dumpBody } from './dumps.ts';
import { CONTENT_TYPES, type Format, type Lang } from './formats.ts';
import { strings } from './i18n.ts';
import { Iris } from './iris.ts';
import type { PageCtx } from './pages/common.ts';
import { homePage } from './pages/home.ts';
import { notFoundPage } from './pages/not-found.ts';
import { ontologyPage } from './pages/ontology.ts';
import { resourcePage } from './pages/resource.ts';
import { robotsTxt, Sitemap } from './sitemap.ts';
import { Index, StoreView, type View } from './view.ts';
import { Vocabulary } from './vocabulary.ts';

export interface PublishOptions {
  /** Public URL of the SPARQL endpoint to link to (pages, VoID); none in a static export by default. */
  sparqlEndpoint?: string | undefined;
  /** Public URL of the API description to link to. */
  apiDescription?: string | undefined;
  /** Public URL of the search route the pages' search box sends to; no box without one. */
  search?: string | undefined;
  /**
   * The day drawn as "now" on timelines, as UTC milliseconds. Default: the day the data was last changed
   * (modifiedOf), not today: a page drawn to the day it was rendered would be another page every day, on every
   * replica, and what the data asserts about an incumbent is known as of that day, not after.
   */
  now?: number | undefined;
  /** Most URLs in one sitemap file (default 50,000, the protocol's limit); past it sitemap.xml indexes parts. */
  sitemapMaxUrls?: number | undefined;
  /**
   * Bytes of rendered documents kept for the next request (default DOCUMENT_CACHE_BYTES); past it the least
   * recently used go. 0 keeps none: the static export renders each file once. Dumps, the home page, the sitemap
   * and the other fixed files are always kept.
   */
  documentCacheBytes?: number | undefined;
}

/** Bytes of rendered documents a server keeps by default: every document of the dataset, a working set at 1M. */
export const DOCUMENT_CACHE_BYTES = 256 * 1024 * 1024;
/** Documents whose quads are kept by default (the formats of one document share them). */
const QUAD_CACHE_ENTRIES = 4096;

/** A strong ETag made of the bytes alone: the same bytes have it wherever and whenever they are made. */
export function etagOfBytes(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * One rendered representation: its bytes, their type, and an ETag that names exactly this content. Bytes are
 * Node Buffers, which the socket writes as they are (a plain Uint8Array is wrapped at every write).
 */
export class Representation {
  private readonly coded: Partial<Record<Coding, Uint8Array<ArrayBuffer>>> = {};
  private tag: string | undefined;
  constructor(
    readonly body: Uint8Array<ArrayBuffer>,
    readonly contentType: string,
    /** '' for none (a 404 names the request); by default the bytes' own (etagOfBytes), hashed on first use. */
    etag?: string,
    /** Told when a compressed copy is made: a cache holding this representation counts it from then on. */
    private readonly grew?: () => void,
  ) {
    this.tag = etag;
  }

  /**
   * From the bytes, not from the graph's hash and the document's name: the code that renders a page is part of
   * what it is, so a new release with the same data must not answer an old page's ETag with a 304. Computed on
   * first use: the static export, which sends no header, never pays for it.
   */
  get etag(): string {
    this.tag ??= etagOfBytes(this.body);
    return this.tag;
  }
  /** The bytes compressed with `coding` (computed once); undefined when compressing is not worth it. */
  encoded(coding: Coding): Uint8Array<ArrayBuffer> | undefined {
    if (this.body.byteLength < MIN_COMPRESS_BYTES) return undefined;
    let copy = this.coded[coding];
    if (!copy) {
      copy = compress(this.body, coding);
      this.coded[coding] = copy;
      this.grew?.();
    }
    return copy;
  }

  /** The gzipped bytes (computed once); undefined when compressing is not worth it. */
  gzipped(): Uint8Array<ArrayBuffer> | undefined {
    return this.encoded('gzip');
  }

  /** Bytes it holds: its body, the compressed copies once made, its type and ETag. */
  get bytes(): number {
    return (
      this.body.byteLength +
      (this.coded.gzip?.byteLength ?? 0) +
      (this.coded.br?.byteLength ?? 0) +
      this.contentType.length +
      // Its ETag as it is or will be (etagOfBytes has a fixed length): counting it must not compute it.
      (this.tag ?? '"0123456789abcdefghijklmnopq"').length
    );
  }
}

export class Publisher {
  readonly iris: Iris;
  readonly vocab: Vocabulary;
  /** Document key → the subjects it describes (the topic and its fragment IRIs). */
  readonly keys: ReadonlyMap<string, readonly string[]>;
  /** The day the published graph last changed (the dataset's dcterms:modified), when the data says. */
  readonly modified: string | undefined;
  /** The day timelines draw as "now" (UTC milliseconds); undefined: the latest day they show. */
  readonly now: number | undefined;
  /** The fixed files (home page, dumps, sitemap, assets): few, kept for the life of the Graph. */
  private readonly cache = new Map<string, Representation | Promise<Representation>>();
  /** Rendered documents, within `documentCacheBytes` (the least recently used go first). */
  private readonly docs: BoundedCache<Representation>;
  /** Documents being rendered: a second request meanwhile waits for the same render. */
  private readonly rendering = new Map<string, Promise<Representation>>();
  /** Documents' quads (the formats of one document share them), bounded in entries. */
  private readonly quadCache: BoundedCache<Quad[]>;
  private sitemapPlan: Sitemap | undefined;

  constructor(
    readonly graph: Graph,
    readonly config: Config,
    readonly options: PublishOptions = {},
  ) {
    const documentCacheBytes = options.documentCacheBytes ?? DOCUMENT_CACHE_BYTES;
    this.docs = new BoundedCache((rep) => rep.bytes, Number.POSITIVE_INFINITY, documentCacheBytes);
    // With no documents kept, the formats of the document at hand still share its quads.
    this.quadCache = new BoundedCache(
      () => 0,
      documentCacheBytes > 0 ? QUAD_CACHE_ENTRIES : 1,
      Number.POSITIVE_INFINITY,
    );
    this.iris = new Iris(graph.base, config.publicBase);
    this.vocab = new Vocabulary(graph);
    const keys = documentKeys(graph.store, this.iris);
    if (!keys.has('ontology')) keys.set('ontology', [this.iris.ontology]);
    this.keys = new Map([...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.modified = modifiedOf(graph, this.iris.dataset);
    this.now = options.now ?? (this.modified === undefined ? undefined : Date.parse(`${this.modified}T00:00:00Z`));
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Document keys of resources (doc/…), in order; the ontology is listed apart. */
  documentKeys(): string[] {
    return [...this.keys.keys()].filter((k) => k.startsWith('doc/'));
  }

  /** The quads of a document: its description, any computed part, and its own metadata. */
  quads(key: string): Quad[] {
    let quads = this.quadCache.get(key);
    if (quads) return quads;
    const topic = this.iris.topicOf(key);
    if (key === 'ontology') quads = describeOntology(this.graph);
    else {
      quads = describe(this.graph, topic, this.keys.get(key) ?? [topic]);
      if (topic === this.iris.dataset) {
        quads = dedupe([
          ...quads,
          ...datasetComputed(this.graph, this.iris, { sparqlEndpoint: this.options.sparqlEndpoint }),
        ]);
      }
      quads = [...quads, ...documentMetadata(this.iris, key, topic)];
    }
    this.quadCache.set(key, quads);
    return quads;
  }

  /** A cached representation, rendered by `render` on first use. */
  private cached(
    id: string,
    type: string,
    render: () => string | Promise<string>,
  ): Representation | Promise<Representation> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const made = Promise.resolve()
      .then(render)
      .then((text) => {
        const rep = new Representation(Buffer.from(text), type);
        this.cache.set(id, rep);
        return rep;
      });
    made.catch(() => this.cache.delete(id));
    this.cache.set(id, made);
    return made;
  }

  /**
   * A rendered document, kept within `documentCacheBytes` (a crawler walking a million-triple graph would
   * otherwise keep every page of it); renders in flight are shared, not counted.
   */
  private keptDocument(
    id: string,
    type: string,
    render: () => string | Promise<string>,
  ): Representation | Promise<Representation> {
    const hit = this.docs.get(id) ?? this.rendering.get(id);
    if (hit) return hit;
    const made = Promise.resolve()
      .then(render)
      .then((text) => {
        const rep = new Representation(Buffer.from(text), type, undefined, () => this.docs.remeasure(id));
        this.docs.set(id, rep);
        return rep;
      })
      .finally(() => this.rendering.delete(id));
    this.rendering.set(id, made);
    return made;
  }

  /** What the document cache holds now: rendered documents and the bytes counted for them (BoundedCache). */
  documentCacheUse(): { entries: number; bytes: number } {
    return { entries: this.docs.size, bytes: this.docs.bytes };
  }

  /** A document in one format (and, for HTML, one language). */
  document(key: string, format: Format, lang: Lang): Representation | Promise<Representation> {
    const id = `doc\u0000${key}\u0000${format}\u0000${format === 'html' ? lang : ''}`;
    return this.keptDocument(id, CONTENT_TYPES[format], () => {
      const quads = this.quads(key);
      if (format !== 'html') {
        // base '' keeps every IRI absolute: rdflib writes IRIs relative to a given base without an xml:base,
        // which a client would resolve against the document's URL, not the dataset's base.
        return serialize(format, quads, { prefixes: this.graph.prefixes, context: this.graph.context, base: '' });
      }
      // The page shows the resource, not the document's description of itself. The ontology's document carries
      // none, and where the site is served at the canonical base its address is the ontology's own IRI.
      const self = this.iris.genericDocUrl(key);
      const own = key === 'ontology' ? quads : quads.filter((q) => q.subject.value !== self);
      const ctx = this.pageCtx(lang, new Index(own));
      if (key === 'ontology') return ontologyPage(ctx, own);
      const topic = this.iris.topicOf(key);
      const fragments = [...new Set(quads.map((q) => q.subject.value).filter((s) => s.startsWith(`${topic}#`)))];
      return resourcePage(ctx, { key, topic, fragments, now: this.now });
    });
  }

  home(lang: Lang): Representation | Promise<Representation> {
    return this.cached(`home\u0000${lang}`, CONTENT_TYPES.html, () => {
      const datasetIx = new Index(this.quads('doc/dataset/npcsc-kg'));
      return homePage(this.pageCtx(lang, new StoreView(this.graph.store)), {
        datasetIx,
        stats: statistics(this.graph),
      });
    });
  }

  dump(name: DumpName): Representation | Promise<Representation> {
    return this.cached(`dump\u0000${name}`, DUMP_TYPES[name], () => dumpBody(this.graph, name));
  }

  /** The sitemap files, planned once: sitemap.xml and the number of its parts come from this one plan. */
  private get sitemapFiles(): Sitemap {
    this.sitemapPlan ??= new Sitemap(this.iris, [...this.keys.keys()], this.modified, {
      maxUrls: this.options.sitemapMaxUrls,
    });
    return this.sitemapPlan;
  }

  /** sitemap.xml: every page, or (past the protocol's limits) the index of sitemap-1.xml … sitemap-N.xml. */
  sitemap(): Representation | Promise<Representation> {
    return this.cached('sitemap', 'application/xml; charset=utf-8', () => this.sitemapFiles.main());
  }

  /** How many parts sitemap.xml names (0 when it lists every page itself). */
  sitemapParts(): number {
    return this.sitemapFiles.parts;
  }

  /** The file name of sitemap part `n` (1-based): `sitemap-{n}.xml`. */
  sitemapPartName(n: number): string {
    return Sitemap.partName(n);
  }

  /** Sitemap part `n` (1 … sitemapParts()); a RangeError for any other. */
  sitemapPart(n: number): Representation | Promise<Representation> {
    if (!Number.isInteger(n) || n < 1 || n > this.sitemapParts()) {
      throw new RangeError(`no sitemap part ${n} (there are ${this.sitemapParts()})`);
    }
    return this.cached(`sitemap\u0000${n}`, 'application/xml; charset=utf-8', () => this.sitemapFiles.part(n));
  }

  robots(): Representation | Promise<Representation> {
    return this.cached('robots', 'text/plain; charset=utf-8', () =>
      robotsTxt(this.iris, !!this.options.sparqlEndpoint),
    );
  }

  context(): Representation | Promise<Representation> {
    return this.cached(
      'context',
      'application/ld+json; charset=utf-8',
      () => `${JSON.stringify(this.graph.context, null, 2)}\n`,
    );
  }

  asset(name: 'site.css' | 'favicon.svg'): Representation | Promise<Representation> {
    return name === 'site.css'
      ? this.cached('css', 'text/css; charset=utf-8', () => SITE_CSS)
      : this.cached('favicon', 'image/svg+xml', () => FAVICON_SVG);
  }

  /** The 404 body for an unknown identifier, in the negotiated format (never cached: it names the request). */
  async notFound(iri: string, format: Format, lang: Lang): Promise<Representation> {
    let text: string;
    if (format === 'html') text = notFoundPage(this.pageCtx(lang, new Index([])), iri);
    else if (format === 'jsonld')
      text = `${JSON.stringify({ '@context': this.graph.context, '@graph': [] }, null, 2)}\n`;
    else if (format === 'rdfxml')
      text = `<?xml version="1.0" encoding="utf-8"?>\n<!-- No resource ${xmlComment(iri)} in this dataset. -->\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n`;
    else text = `# No resource <${iri.replace(/[\r\n>]/g, '')}> in this dataset.\n`;
    return new Representation(Buffer.from(text), CONTENT_TYPES[format], '');
  }

  pageCtx(lang: Lang, ix: View): PageCtx {
    return {
      lang,
      t: strings(lang),
      iris: this.iris,
      vocab: this.vocab,
      ix,
      sparql: this.options.sparqlEndpoint,
      api: this.options.apiDescription,
      search: this.options.search,
    };
  }
}

const xmlComment = (s: string) => s.replace(/--/g, '- -').replace(/[<>&]/g, '');

function dedupe(quads: Quad[]): Quad[] {
  const seen = new Set<string>();
  return quads.filter((q) => {
    const k = `${q.subject.value} ${q.predicate.value} ${q.object.termType === 'Literal' ? JSON.stringify([q.object.value, q.object.language, q.object.datatype.value]) : q.object.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
