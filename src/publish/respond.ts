// Turns a Representation into an HTTP response: ETag and 304, Cache-Control, Vary, gzip when accepted, security headers.
//
// Everything a response depends on (the representation, the request headers that chose it) is fixed for the
// life of the Graph, so a prepared response (status, header object, body) is kept per request signature and
// answering is a map lookup: the document routes then cost little more than the framework itself.
import type { Context } from 'hono';
import { securityHeaders } from '../http/app.ts';
import { BoundedCache, header, headersBytes, matchesEtag, stringBytes } from '../http/caching.ts';
import type { Lang } from './formats.ts';
import type { Representation } from './publisher.ts';

/** The pages' Content-Security-Policy, which src/http/app.ts owns with the other security headers. */
export { PAGE_CSP as HTML_CSP } from '../http/app.ts';

export interface RespondOptions {
  status?: number;
  /** Request headers the choice of representation depended on. */
  vary?: readonly string[];
  cacheControl?: string;
  /** URL of the specific representation, when the request URL was negotiated. */
  contentLocation?: string | undefined;
  lang?: Lang | undefined;
}

/** A response ready to send any number of times: status, headers and body never change. */
export interface Prepared {
  status: number;
  etag: string;
  body: Uint8Array<ArrayBuffer> | null;
  headers: Readonly<Record<string, string>>;
  /** The headers of its 304 (no length, no encoding). */
  notModified: Readonly<Record<string, string>>;
}

/** True when Accept-Encoding admits gzip (q > 0, by name or by *). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*' && coding !== 'x-gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

export function prepare(rep: Representation, acceptEncoding: string | undefined, opts: RespondOptions = {}): Prepared {
  const status = opts.status ?? 200;
  const gz = rep.gzipped();
  const useGzip = gz !== undefined && acceptsGzip(acceptEncoding);
  const vary = gz ? [...(opts.vary ?? []), 'Accept-Encoding'] : [...(opts.vary ?? [])];
  const etag = rep.etag ? (useGzip ? `${rep.etag.slice(0, -1)}-gz"` : rep.etag) : '';
  const headers: Record<string, string> = {
    'content-type': rep.contentType,
    'cache-control': opts.cacheControl ?? (status === 200 ? 'public, max-age=3600' : 'public, max-age=60'),
    'access-control-allow-origin': '*',
    ...securityHeaders(rep.contentType),
  };
  if (etag) headers.etag = etag;
  if (vary.length) headers.vary = vary.join(', ');
  if (opts.contentLocation) headers['content-location'] = opts.contentLocation;
  if (opts.lang) headers['content-language'] = opts.lang;
  const notModified = { ...headers };
  const body = useGzip && gz ? gz : rep.body;
  if (useGzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.byteLength);
  return { status, etag: status === 200 ? etag : '', body, headers, notModified };
}

/** The raw Node.js request, when @hono/node-server serves the app (absent in app.request() tests). */
interface NodeBindings {
  incoming?: { url?: string; headers: Record<string, string | string[] | undefined> };
}

/** Sends a prepared response, or its 304 when If-None-Match names its ETag. */
export function send(c: Context, p: Prepared): Response {
  if (p.etag) {
    const inm = header(c, 'if-none-match');
    if (inm && matchesEtag(inm, p.etag)) return new Response(null, { status: 304, headers: p.notModified });
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
