// Turns a Representation into an HTTP response: ETag, Last-Modified and 304, Cache-Control, Vary, Link, br or gzip when accepted, security headers.
//
// Everything a response depends on (the representation, the request headers that chose it) is fixed for the
// life of the Graph, so a prepared response (status, header object, body) is kept per request signature and
// answering is a map lookup: the document routes then cost little more than the framework itself.
import type { Context } from 'hono';
import { BoundedCache, header, headersBytes, matchesEtag, stringBytes } from '../http/caching.ts';
import { chooseCoding, codedEtag, MIN_COMPRESS_BYTES } from '../http/compress.ts';
import { securityHeaders } from '../http/headers.ts';
import type { Lang } from './formats.ts';
import type { Representation } from './publisher.ts';

/** The pages' Content-Security-Policy, which src/http/headers.ts owns with the other security headers. */
export { PAGE_CSP as HTML_CSP } from '../http/headers.ts';

export interface RespondOptions {
  status?: number;
  /** Request headers the choice of representation depended on. */
  vary?: readonly string[];
  cacheControl?: string;
  /** URL of the specific representation, when the request URL was negotiated. */
  contentLocation?: string | undefined;
  lang?: Lang | undefined;
  /** Last-Modified, an HTTP date (see lastModifiedOf); only 200s carry it. */
  lastModified?: string | undefined;
  /** The Link header: the document's other formats, or what describes it. */
  link?: string | undefined;
}

/** A response ready to send any number of times: status, headers and body never change. */
export interface Prepared {
  status: number;
  etag: string;
  body: Uint8Array<ArrayBuffer> | null;
  headers: Readonly<Record<string, string>>;
  /** The headers of its 304 (no length, no encoding). */
  notModified: Readonly<Record<string, string>>;
  /** Last-Modified in milliseconds (whole seconds), for If-Modified-Since; undefined when it has none. */
  modifiedAt?: number | undefined;
}

/**
 * The Last-Modified of everything one Graph publishes: the start (00:00 UTC) of the day the published graph last
 * changed (the dataset's dcterms:modified, Publisher.modified), so every replica of the same data sends the same
 * one, as the sitemap's lastmod and the description say; undefined (no header) when the data gives no day. Not
 * the time the server loaded the graph, which differs per replica and per restart and made caches refetch
 * unchanged documents. A page also depends on the code that renders it, which this day does not follow: the ETag
 * (the bytes' own) does, and a client holding one sends If-None-Match, which wins over If-Modified-Since.
 */
export function lastModifiedOf(modified: string | undefined): string | undefined {
  if (modified === undefined) return undefined;
  const at = Date.parse(`${modified}T00:00:00Z`);
  return Number.isNaN(at) ? undefined : new Date(at).toUTCString();
}

export function prepare(rep: Representation, acceptEncoding: string | undefined, opts: RespondOptions = {}): Prepared {
  const status = opts.status ?? 200;
  const coding = chooseCoding(acceptEncoding);
  const coded = coding ? rep.encoded(coding) : undefined;
  // Whether the body is large enough to be compressed at all: only then does the response vary on Accept-Encoding.
  const sizeable = rep.body.byteLength >= MIN_COMPRESS_BYTES;
  const vary = sizeable ? [...(opts.vary ?? []), 'Accept-Encoding'] : [...(opts.vary ?? [])];
  const etag = rep.etag ? (coding && coded ? codedEtag(rep.etag, coding) : rep.etag) : '';
  const headers: Record<string, string> = {
    'content-type': rep.contentType,
    'cache-control': opts.cacheControl ?? (status === 200 ? 'public, max-age=3600' : 'public, max-age=60'),
    'access-control-allow-origin': '*',
    ...securityHeaders(rep.contentType),
  };
  if (etag) headers.etag = etag;
  const modifiedAt = status === 200 && opts.lastModified ? Date.parse(opts.lastModified) : undefined;
  if (modifiedAt !== undefined) headers['last-modified'] = opts.lastModified as string;
  if (vary.length) headers.vary = vary.join(', ');
  if (opts.contentLocation) headers['content-location'] = opts.contentLocation;
  if (opts.lang) headers['content-language'] = opts.lang;
  if (opts.link) headers.link = opts.link;
  const notModified = { ...headers };
  const body = coded ?? rep.body;
  if (coding && coded) headers['content-encoding'] = coding;
  headers['content-length'] = String(body.byteLength);
  return { status, etag: status === 200 ? etag : '', body, headers, notModified, modifiedAt };
}

/** The raw Node.js request, when @hono/node-server serves the app (absent in app.request() tests). */
interface NodeBindings {
  incoming?: { url?: string; headers: Record<string, string | string[] | undefined> };
}

/**
 * Sends a prepared response, or its 304 when If-None-Match names its ETag, or, when there is no If-None-Match
 * (which wins when both are sent, RFC 9110 §13.2.2), when If-Modified-Since is no earlier than its Last-Modified.
 */
export function send(c: Context, p: Prepared): Response {
  if (p.etag) {
    const inm = header(c, 'if-none-match');
    if (inm) {
      if (matchesEtag(inm, p.etag)) return new Response(null, { status: 304, headers: p.notModified });
      return new Response(p.body, { status: p.status, headers: p.headers });
    }
  }
  if (p.modifiedAt !== undefined) {
    const ims = header(c, 'if-modified-since');
    // An unparseable date is ignored (RFC 9110 §13.1.3), as NaN compares false.
    if (ims && p.modifiedAt <= Date.parse(ims)) return new Response(null, { status: 304, headers: p.notModified });
  }
  return new Response(p.body, { status: p.status, headers: p.headers });
}

export function respond(c: Context, rep: Representation, opts: RespondOptions = {}): Response {
  return send(c, prepare(rep, c.req.header('accept-encoding'), opts));
}

/**
 * Prepared responses by request signature (path, query and the headers that negotiate), bounded in entries and
 * in bytes (each counted for its key, its body, ETag and both header objects), so that neither a client sending
 * endless header variations or kilobyte-long URLs nor a crawler walking every page of a large graph can grow it.
 */
export class ResponseCache extends BoundedCache<Prepared> {
  constructor(maxEntries = 20_000, maxBytes = 256 * 1024 * 1024) {
    super(
      (p) => (p.body?.byteLength ?? 0) + stringBytes(p.etag) + headersBytes(p.headers) + headersBytes(p.notModified),
      maxEntries,
      maxBytes,
    );
  }

  static key(c: Context): string {
    const incoming = (c.env as NodeBindings | undefined)?.incoming;
    if (incoming?.url !== undefined) {
      const h = incoming.headers;
      return `${incoming.url}\u0000${h.accept ?? ''}\u0000${h['accept-language'] ?? ''}\u0000${h['accept-encoding'] ?? ''}`;
    }
    const url = c.req.url;
    const q = url.indexOf('?');
    return `${c.req.path}\u0000${q >= 0 ? url.slice(q) : ''}\u0000${c.req.header('accept') ?? ''}\u0000${
      c.req.header('accept-language') ?? ''
    }\u0000${c.req.header('accept-encoding') ?? ''}`;
  }
}
