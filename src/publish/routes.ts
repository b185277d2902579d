// The linked-data surface: dereferencing (/id → 303 → /doc), documents in every format, pages, dataset, dumps, sitemap.
//
// Paths are answered at the root of the app; behind a proxy that publishes the site under a path prefix
// (publicBase https://example.org/kg/), the proxy strips the prefix and every link still carries it.
// Routes are plain paths and wildcards (no regex parameters), so Hono keeps its fast RegExpRouter.
import type { Context, Hono } from 'hono';
import { methodNotAllowed, notAcceptable } from '../http/errors.ts';
import { SECURITY_HEADERS } from '../http/headers.ts';
import type { AppContext, RouteModule } from '../http/route.ts';
import { DUMP_NAMES } from './dumps.ts';
import {
  SUFFIXES as DOCUMENT_SUFFIXES,
  type Format,
  formatParam,
  LANGS,
  type Lang,
  langParam,
  MEDIA_TYPES,
  negotiateFormat,
  negotiateLang,
  OFFERED,
  RDF_FORMATS,
  splitSuffix,
  suffixOf,
} from './formats.ts';
import { Publisher, type PublishOptions, type Representation } from './publisher.ts';
import { lastModifiedOf, type Prepared, prepare, ResponseCache, send } from './respond.ts';

/** What a client may try on a document; all are refused (405 with Allow). */
const WRITE_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH'];

export const linkedDataRoutes: RouteModule = (app, ctx) => mountLinkedData(app, ctx, {});

/** What the routes can be given: a small sitemap limit, a response cache of one's own (tests read its accounting). */
export interface LinkedDataOptions extends Pick<PublishOptions, 'sitemapMaxUrls'> {
  responseCache?: ResponseCache;
}

/** The same routes with the sitemap split past `sitemapMaxUrls` URLs per file, or a given response cache. */
export const linkedDataRoutesWith =
  (options: LinkedDataOptions): RouteModule =>
  (app, ctx) =>
    mountLinkedData(app, ctx, options);

function mountLinkedData(app: Hono, { graph, config }: AppContext, options: LinkedDataOptions): void {
  const pub = new Publisher(graph, config, {
    sparqlEndpoint: `${config.publicBase}sparql`,
    apiDescription: `${config.publicBase}api/openapi.json`,
    search: `${config.publicBase}search`,
    sitemapMaxUrls: options.sitemapMaxUrls,
  });
  // Everything published here is fixed for the life of the Graph: one Last-Modified for all of it, from the data.
  const lastModified = lastModifiedOf(pub.modified);
  const h = handlers(pub, lastModified);
  const cache = options.responseCache ?? new ResponseCache();
  /**
   * Answers from the prepared-response cache; computes (and keeps) the response on a miss. A 404 is not kept: its
   * body names the unknown IRI, so one kept per URL would let a client fill the cache with its own kilobyte-long
   * URLs, and making it again is cheap. Every other method is a 405 naming GET and HEAD (the documents are
   * read-only), by name, as src/sparql/endpoint.ts explains.
   */
  const get = (path: string, make: (c: Context) => Prepared | Promise<Prepared>) =>
    app
      .on(WRITE_METHODS, path, () => {
        throw methodNotAllowed('GET, HEAD');
      })
      .get(path, (c): Response | Promise<Response> => {
        const key = ResponseCache.key(c);
        const hit = cache.get(key);
        // A hit answers synchronously: no promise for Hono or the Node adapter to wait on.
        if (hit) return send(c, hit);
        return Promise.resolve(make(c)).then((p): Response => {
          if (p.status !== 404) cache.set(key, p);
          return send(c, p);
        });
      });
  const file = (c: Context, rep: Representation | Promise<Representation>) =>
    Promise.resolve(rep).then((r) => prepare(r, c.req.header('accept-encoding'), { lastModified }));

  get('/', (c) => h.home(c, undefined));
  get('/index.html', (c) => h.home(c, 'en'));
  get('/index.zh-Hans.html', (c) => h.home(c, 'zh-Hans'));
  get('/id/*', (c) => h.identifier(c, c.req.path.slice('/id/'.length)));
  get('/doc/*', (c) => h.document(c, c.req.path.slice(1)));
  get('/ontology', (c) => h.document(c, 'ontology'));
  get('/ontology/alignments', (c) => h.document(c, 'ontology', 'ontology/alignments'));
  for (const suffix of DOCUMENT_SUFFIXES) get(`/ontology${suffix}`, (c) => h.document(c, c.req.path.slice(1)));
  get('/dataset', (c) => h.document(c, 'doc/dataset/npcsc-kg', 'dataset'));
  get('/.well-known/void', (c) => h.document(c, 'doc/dataset/npcsc-kg', '.well-known/void', true));
  for (const dump of DUMP_NAMES) get(`/${dump}`, (c) => file(c, pub.dump(dump)));
  get('/sitemap.xml', (c) => file(c, pub.sitemap()));
  // Past the protocol's limits sitemap.xml is an index of parts, each an exact path (their number is known now).
  for (let n = 1; n <= pub.sitemapParts(); n++) get(`/${pub.sitemapPartName(n)}`, (c) => file(c, pub.sitemapPart(n)));
  get('/robots.txt', (c) => file(c, pub.robots()));
  get('/context.jsonld', (c) => file(c, pub.context()));
  get('/assets/site.css', (c) => file(c, pub.asset('site.css')));
  get('/assets/favicon.svg', (c) => file(c, pub.asset('favicon.svg')));
}

interface Choice {
  format: Format;
  lang: Lang;
  /** Request headers the choice depended on (for Vary). */
  vary: string[];
}

/** Picks format and language: ?format= over a file suffix over Accept; ?lang= over the suffix over Accept-Language. */
function choose(c: Context, fixed: { format?: Format; lang?: Lang }, rdfFirst = false): Choice | undefined {
  const vary: string[] = [];
  let format = formatParam(c.req.query('format')) ?? fixed.format;
  if (!format) {
    vary.push('Accept');
    format = negotiateFormat(c.req.header('accept'), rdfFirst);
    if (!format) return undefined;
  }
  let lang = langParam(c.req.query('lang')) ?? fixed.lang;
  if (!lang) {
    if (format === 'html') vary.push('Accept-Language');
    lang = negotiateLang(c.req.header('accept-language'));
  }
  return { format, lang, vary };
}

/**
 * `target` (a path from the site's root) as a reference relative to the request's path, so that the Link header
 * stays short and holds behind a proxy that serves the site under a prefix.
 */
export function relativeRef(requestPath: string, target: string): string {
  const from = requestPath.replace(/^\//, '').split('/').slice(0, -1);
  const to = target.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const ref = `${'../'.repeat(from.length - common)}${to.slice(common).join('/')}`;
  // A first segment with a colon would read as a scheme.
  return /^[^/]*:/.test(ref) ? `./${ref}` : ref;
}

/**
 * The Link header of a document in `format` (and `lang`): every other format as rel="alternate" with its type,
 * the list the HTML page's <link rel=alternate> elements carry, and for a page the other language's page. That one
 * is the page's absolute public URL (`pageUrl`): search engines read hreflang only from fully-qualified URLs.
 */
export function documentLink(
  requestPath: string,
  key: string,
  format: Format,
  lang: Lang,
  pageUrl: (lang: Lang) => string,
): string {
  const links: string[] = [];
  for (const f of ['html' as const, ...RDF_FORMATS]) {
    if (f === format) continue;
    links.push(`<${relativeRef(requestPath, key + suffixOf(f, lang))}>; rel="alternate"; type="${MEDIA_TYPES[f]}"`);
  }
  if (format === 'html') {
    for (const other of LANGS) {
      if (other === lang) continue;
      links.push(`<${pageUrl(other)}>; rel="alternate"; type="text/html"; hreflang="${other}"`);
    }
  }
  return links.join(', ');
}

function handlers(pub: Publisher, lastModified: string | undefined) {
  const { iris } = pub;

  /** Unknown identifier: 404 in the format the client asked for (plain text when it accepts none). */
  const notFound = async (c: Context, iri: string, fixed: { format?: Format; lang?: Lang } = {}): Promise<Prepared> => {
    const choice = choose(c, fixed) ?? { format: 'turtle' as Format, lang: 'en' as Lang, vary: ['Accept'] };
    const rep = await pub.notFound(iri, choice.format, choice.lang);
    return prepare(rep, c.req.header('accept-encoding'), {
      status: 404,
      vary: choice.vary,
      lang: choice.format === 'html' ? choice.lang : undefined,
    });
  };

  return {
    /** `/id/{kind}/{slug}`: 303 See Other to the document in the negotiated format (Location on the public base). */
    async identifier(c: Context, rest: string): Promise<Prepared> {
      const key = `doc/${rest}`;
      if (!pub.has(key)) return notFound(c, `${iris.base}id/${rest}`);
      const choice = choose(c, {});
      if (!choice) throw notAcceptable(OFFERED);
      const location = iris.docUrl(key, choice.format, choice.lang);
      const headers = {
        location,
        // What describes the thing: the document the 303 sends the client to, in the format it chose.
        link: `<${location}>; rel="describedby"; type="${MEDIA_TYPES[choice.format]}"`,
        vary: 'Accept, Accept-Language',
        'cache-control': 'public, max-age=3600',
        'access-control-allow-origin': '*',
        'content-length': '0',
        ...SECURITY_HEADERS,
      };
      return { status: 303, etag: '', body: null, headers, notModified: headers };
    },

    /**
     * A document by path: `doc/…`, `ontology`, with an optional suffix (`.ttl`, `.zh-Hans.html`, …).
     * `alias` serves the document at another path (/dataset, /.well-known/void); Content-Location names it.
     */
    async document(c: Context, path: string, alias?: string, rdfFirst = false): Promise<Prepared> {
      const { stem, format, lang } = alias ? { stem: path, format: undefined, lang: undefined } : splitSuffix(path);
      const fixed = { ...(format ? { format } : {}), ...(lang ? { lang } : {}) };
      if (!pub.has(stem)) {
        return notFound(c, stem.startsWith('doc/') ? `${iris.base}id/${stem.slice(4)}` : `${iris.base}${stem}`, fixed);
      }
      const choice = choose(c, fixed, rdfFirst);
      if (!choice) throw notAcceptable(OFFERED);
      const rep = await pub.document(stem, choice.format, choice.lang);
      const negotiated = choice.vary.length > 0 || alias !== undefined;
      return prepare(rep, c.req.header('accept-encoding'), {
        vary: choice.vary,
        contentLocation: negotiated ? iris.docUrl(stem, choice.format, choice.lang) : undefined,
        lang: choice.format === 'html' ? choice.lang : undefined,
        lastModified,
        link: documentLink(c.req.path, stem, choice.format, choice.lang, (l) => iris.docUrl(stem, 'html', l)),
      });
    },

    /** The home page; RDF clients asking for `/` get the dataset description. */
    async home(c: Context, lang: Lang | undefined): Promise<Prepared> {
      const choice = choose(c, lang ? { format: 'html', lang } : {});
      if (!choice) throw notAcceptable(OFFERED);
      if (choice.format !== 'html') {
        const rep = await pub.document('doc/dataset/npcsc-kg', choice.format, choice.lang);
        return prepare(rep, c.req.header('accept-encoding'), {
          vary: choice.vary,
          contentLocation: iris.docUrl('doc/dataset/npcsc-kg', choice.format),
          lastModified,
        });
      }
      return prepare(await pub.home(choice.lang), c.req.header('accept-encoding'), {
        vary: choice.vary,
        lang: choice.lang,
        lastModified,
      });
    },
  };
}
