// Reads a SPARQL 1.1 Protocol query request (GET, form POST, direct POST) into its query text and dataset, refusing what the protocol refuses.
import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { Limits } from '../config.ts';
import { header } from '../http/caching.ts';
import { clientAddress } from '../http/client.ts';
import { badRequest, HttpError, notAcceptable, payloadTooLarge, unsupportedMediaType } from '../http/errors.ts';
import { negotiate } from '../http/negotiate.ts';
import type { AppContext } from '../http/route.ts';
import { checkServices, type Executor, respond, wantsFresh } from './execute.ts';
import { type Chosen, chooseFormat, offersFor } from './formats.ts';
import type { Dataset } from './job.ts';
import { type Parsed, parseSparql, SparqlSyntaxError } from './parse.ts';

export const FORM = 'application/x-www-form-urlencoded';
export const SPARQL_QUERY = 'application/sparql-query';
export const SPARQL_UPDATE = 'application/sparql-update';
/** More graphs than this in one request is not a dataset anyone means. */
const MAX_GRAPHS = 64;

export const updateRefused = () =>
  new HttpError(403, 'this endpoint is read-only: SPARQL Update is not accepted here; send a query instead');

export interface ProtocolRequest {
  /** The query text; undefined when the request names none. */
  query: string | undefined;
  /** The protocol's dataset, when default-graph-uri or named-graph-uri is given. */
  dataset: Dataset | undefined;
  /** Whether the request carried any parameter at all (a bare GET asks for the service description). */
  bare: boolean;
}

/** The media type of a Content-Type header, lower case, and its charset if it names one. */
function contentType(header: string | null | undefined): { type: string; charset: string | undefined } {
  if (header && !header.includes(';')) return { type: header.trim().toLowerCase(), charset: undefined };
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { type: type.trim().toLowerCase(), charset };
}

/** Reads the body as UTF-8, refusing more than `limit` bytes before reading them and bytes that are not UTF-8. */
export async function readBody(req: Request, limit: number): Promise<string> {
  const length = req.headers.get('content-length');
  const declared = Number(length);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  if (length !== null && Number.isInteger(declared) && !req.headers.has('transfer-encoding')) {
    // A declared length within the limit: Node's parser delivers exactly that many bytes, so the body is read in
    // one go, which @hono/node-server does straight from the socket (a ReadableStream costs more than a cache hit).
    let bytes: ArrayBuffer;
    try {
      bytes = await req.arrayBuffer();
    } catch {
      throw badRequest(DID_NOT_ARRIVE);
    }
    return utf8(new Uint8Array(bytes));
  }
  if (!req.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-body (or was cut at the request timeout): its fault, nothing to log.
      throw badRequest(DID_NOT_ARRIVE);
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return utf8(Buffer.concat(chunks));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function utf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw badRequest('the request body is not valid UTF-8');
  }
}

const DID_NOT_ARRIVE = 'the request body did not arrive in full';
const EMPTY = Buffer.alloc(0);

/**
 * readBody for Node's own request (the app on @hono/node-server): the same limit (by Content-Length before
 * reading, else as the bytes pass it, never holding more) and the same 400 for a body cut short, calling `done`
 * once. No Request, web stream or promise in between, which cost a POST answered from the cache more than its
 * answer did.
 */
export function readIncoming(
  incoming: IncomingMessage,
  limit: number,
  done: (error: HttpError | undefined, body: Buffer) => void,
): void {
  const length = incoming.headers['content-length'];
  const declared = length === undefined || incoming.headers['transfer-encoding'] ? Number.NaN : Number(length);
  if (declared > limit) throw payloadTooLarge(limit);
  // The handler runs as soon as the head is parsed; the body that came with it (what most clients send) is
  // parsed next, before the next tick. All of it there (Node's parser passes no more than Content-Length): it is
  // taken at once, with no 'data' events, and `done` waits for the message's end, which Node parses right after
  // its last byte: answered before it, the request would still be reading when the response closes, and
  // @hono/node-server would set timers to drain it.
  process.nextTick(() => {
    if (incoming.readableLength === declared && !incoming.readableDidRead && !incoming.destroyed) {
      const body = declared === 0 ? EMPTY : (incoming.read() as Buffer);
      incoming.once('end', () => done(undefined, body)).resume();
      return;
    }
    if (incoming.destroyed || incoming.readableEnded) return done(badRequest(DID_NOT_ARRIVE), EMPTY);
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', data).off('end', end).off('error', cut).off('close', cut);
    };
    const data = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      // Not read further: @hono/node-server drains a bounded amount after the answer, then closes.
      stop();
      incoming.pause();
      done(payloadTooLarge(limit), EMPTY);
    };
    const end = () => {
      stop();
      done(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    // The client went away mid-body (or was cut at the request timeout): its fault, nothing to log.
    const cut = () => {
      stop();
      done(badRequest(DID_NOT_ARRIVE), EMPTY);
    };
    incoming.on('data', data).on('end', end).on('error', cut).on('close', cut);
  });
}

function datasetOf(params: URLSearchParams[]): Dataset | undefined {
  if (!params.some((p) => p.has('default-graph-uri') || p.has('named-graph-uri'))) return undefined;
  const defaults = params.flatMap((p) => p.getAll('default-graph-uri'));
  const named = params.flatMap((p) => p.getAll('named-graph-uri'));
  if (defaults.length + named.length === 0) return undefined;
  if (defaults.length + named.length > MAX_GRAPHS) throw badRequest(`at most ${MAX_GRAPHS} graphs in one dataset`);
  return { default: defaults, named };
}

function singleQuery(params: URLSearchParams[], limits: Limits, status: number): string | undefined {
  const queries = params.flatMap((p) => p.getAll('query'));
  if (queries.length > 1) throw badRequest('the request has more than one query parameter; send exactly one');
  const query = queries[0];
  if (query === undefined) return undefined;
  if (query.trim() === '') throw badRequest('the query parameter is empty');
  if (query.length > limits.queryLength) {
    throw new HttpError(status, `query longer than ${limits.queryLength} characters`);
  }
  return query;
}

/** SPARQL Update's parameters, in the URL of any method: refused. */
function refuseUpdate(inUrl: URLSearchParams): void {
  if (inUrl.has('update') || inUrl.has('using-graph-uri') || inUrl.has('using-named-graph-uri')) throw updateRefused();
}

type PostKind = 'form' | 'direct';

/** What a POST is by its Content-Type (and URL), before its body is read: a form, a direct query, or refused. */
function postKind(inUrl: URLSearchParams, contentTypeHeader: string | null | undefined): PostKind {
  const { type, charset } = contentType(contentTypeHeader);
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw unsupportedMediaType(`${type}; charset=${charset}`, ['charset=utf-8']);
  }
  if (type === SPARQL_UPDATE) throw updateRefused();
  if (type === FORM) return 'form';
  if (type === SPARQL_QUERY) {
    if (inUrl.has('query')) throw badRequest('a direct POST carries its query in the body, not also in the URL');
    return 'direct';
  }
  throw unsupportedMediaType(type, [FORM, SPARQL_QUERY]);
}

/** A POST's request, from its body. */
function postRequest(kind: PostKind, inUrl: URLSearchParams, body: string, limits: Limits): ProtocolRequest {
  if (kind === 'form') {
    const form = new URLSearchParams(body);
    if (form.has('update')) throw updateRefused();
    const both = [inUrl, form];
    return { query: singleQuery(both, limits, 413), dataset: datasetOf(both), bare: false };
  }
  if (body.trim() === '') throw badRequest('the request body is empty; it should be the query');
  if (body.length > limits.queryLength) throw new HttpError(413, `query longer than ${limits.queryLength} characters`);
  return { query: body, dataset: datasetOf([inUrl]), bare: false };
}

/** Reads a /sparql request of any method the protocol allows; throws HttpError for what it refuses. */
export async function readProtocolRequest(req: Request, url: URL, limits: Limits): Promise<ProtocolRequest> {
  const inUrl = url.searchParams;
  refuseUpdate(inUrl);
  if (req.method === 'GET' || req.method === 'HEAD') {
    return { query: singleQuery([inUrl], limits, 414), dataset: datasetOf([inUrl]), bare: inUrl.size === 0 };
  }
  const kind = postKind(inUrl, req.headers.get('content-type'));
  return postRequest(kind, inUrl, await readBody(req, limits.bodyBytes), limits);
}

/** Node's own request when the app runs on @hono/node-server over HTTP/1 (absent under app.fetch elsewhere). */
function incomingOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

const NO_PARAMS = new URLSearchParams();

/** The query string of a request target, as new URL() would read it (up to a '#'). */
function paramsOf(target: string): URLSearchParams {
  const q = target.indexOf('?');
  if (q < 0) return NO_PARAMS;
  const hash = target.indexOf('#', q);
  return new URLSearchParams(target.slice(q + 1, hash < 0 ? undefined : hash));
}

/**
 * The key of the exact-request cache: path, query string and Accept. Read from Node's own request when the app
 * runs on @hono/node-server (it has them parsed already), else from the Request.
 */
function exactKey(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const url = incoming?.url ?? c.req.url.slice(c.req.url.indexOf('/', c.req.url.indexOf('//') + 2));
  return `${url}\n${header(c, 'accept') ?? ''}`;
}

/**
 * The key of an answer by what the request asks, whichever way it was sent (GET, form POST, direct POST): the
 * query text as sent, the protocol's dataset and the Accept header as sent. It starts with a NUL, so it never
 * meets an exact-request key (a path). The graph's hash is not in it: the cache belongs to one graph.
 */
function textKey(query: string, dataset: Dataset | undefined, accept: string | null): string {
  return `\u0000${accept ?? ''}\u0000${dataset ? JSON.stringify(dataset) : ''}\u0000${query}`;
}

/** Parses the query for the protocol: a syntax error is a 400 naming line and column, an update a 403. */
function parseQuery(text: string, base: string): Extract<Parsed, { kind: 'query' }> {
  let parsed: Parsed;
  try {
    parsed = parseSparql(text, base);
  } catch (e) {
    if (e instanceof SparqlSyntaxError) throw badRequest(e.message);
    throw e;
  }
  if (parsed.kind === 'update') throw updateRefused();
  return parsed;
}

export interface SparqlHandlerParts {
  exec: Executor;
  describe: (c: Context, chosen: Chosen) => Promise<Response>;
  page: (c: Context) => Response;
}

/** GET, HEAD and POST /sparql: the query operation, the service description, or the query page for browsers. */
export function sparqlHandler(ctx: AppContext, { exec, describe, page }: SparqlHandlerParts) {
  const { config, graph } = ctx;

  /** The answer to a request read: from the cache at once when it was answered before, else computed. */
  const answer = (
    c: Context,
    request: ProtocolRequest,
    isGet: boolean,
    fresh: boolean,
    key: string | undefined,
  ): Response | Promise<Response> => {
    const accept = header(c, 'accept') ?? null;
    if (request.query === undefined) {
      if (!(isGet && request.bare)) {
        throw badRequest('no query: send query=… in the URL or a form, or POST the query as application/sparql-query');
      }
      const wanted = negotiate(accept, [...offersFor('construct'), 'text/html']);
      if (wanted === 'text/html') return page(c);
      const chosen = chooseFormat('construct', accept);
      if (!chosen) throw notAcceptable([...offersFor('construct'), 'text/html']);
      return describe(c, chosen);
    }

    // The answer is looked up by the request's words before they are parsed. Safe: an answer is kept under this
    // key only after the same text parsed as a query, passed the SERVICE allowlist and found a format for this
    // Accept (below), and none of that can turn out otherwise later, since the text, the Accept, the dataset, the
    // configuration and the graph (the cache lives and dies with it) are the same. A text that fails any of those
    // checks is never kept, so it reaches the parser again and gets its 400, 403 or 406 each time.
    const byText = textKey(request.query, request.dataset, accept);
    const kept = fresh ? undefined : exec.exact(byText);
    if (kept) {
      if (key) exec.remember(key, kept);
      return respond(kept, c);
    }
    return compute(c, request.query, request.dataset, accept, isGet, fresh, key, byText);
  };

  const compute = async (
    c: Context,
    text: string,
    dataset: Dataset | undefined,
    accept: string | null,
    isGet: boolean,
    fresh: boolean,
    key: string | undefined,
    byText: string,
  ): Promise<Response> => {
    const parsed = parseQuery(text, graph.base);
    const wantsPage = negotiate(accept, [...offersFor(parsed.form), 'text/html']) === 'text/html';
    if (isGet && wantsPage) return page(c);
    const chosen = chooseFormat(parsed.form, accept);
    if (!chosen) throw notAcceptable(offersFor(parsed.form));
    checkServices(parsed, config.serviceAllowlist);

    // The protocol's dataset replaces the query's own FROM and FROM NAMED; the row cap goes into the query.
    const defaults = exec.jobDefaults();
    const query = parsed.capped(dataset ? parsed.withoutDataset() : text, defaults.maxResults);
    const result = await exec.run(
      {
        key: parsed.deterministic
          ? `sparql\u0000${parsed.normal}\u0000${JSON.stringify(dataset ?? null)}\u0000${chosen.format}`
          : undefined,
        contentType: chosen.contentType,
        client: clientAddress(c, config.trustedProxies),
        job: {
          ...defaults,
          query,
          form: parsed.form,
          format: chosen.format,
          extensions: false,
          ...(dataset ? { dataset } : {}),
        },
      },
      fresh,
    );
    if (key) exec.remember(key, result);
    // Not when a GET with this Accept would get the query page: a POST's results there would answer that GET.
    if (!wantsPage) exec.remember(byText, result);
    return respond(result, c);
  };

  /**
   * A POST on @hono/node-server: checked by its head, its body read straight off Node's request, and a cache hit
   * answered the moment the body is in.
   */
  const answerPost = (c: Context, incoming: IncomingMessage, fresh: boolean): Promise<Response> => {
    const inUrl = paramsOf(incoming.url ?? '');
    refuseUpdate(inUrl);
    const kind = postKind(inUrl, incoming.headers['content-type']);
    return new Promise((resolve, reject) =>
      readIncoming(incoming, config.limits.bodyBytes, (error, body) => {
        if (error) return reject(error);
        try {
          resolve(answer(c, postRequest(kind, inUrl, utf8(body), config.limits), false, fresh, undefined));
        } catch (e) {
          reject(e);
        }
      }),
    );
  };

  // Not async: a request answered from the cache returns its Response at once, which @hono/node-server writes
  // without a detour through a promise.
  return (c: Context): Response | Promise<Response> => {
    const isGet = c.req.method === 'GET' || c.req.method === 'HEAD';
    const fresh = wantsFresh(c);
    if (isGet) {
      // The hot path: the same URL with the same Accept, answered before, is answered without parsing anything.
      const key = exactKey(c);
      const hit = !fresh && exec.exact(key);
      if (hit) return respond(hit, c);
      return readProtocolRequest(c.req.raw, new URL(c.req.url), config.limits).then((request) =>
        answer(c, request, true, fresh, key),
      );
    }
    const incoming = incomingOf(c);
    if (incoming) return answerPost(c, incoming, fresh);
    return readProtocolRequest(c.req.raw, new URL(c.req.url), config.limits).then((request) =>
      answer(c, request, false, fresh, undefined),
    );
  };
}
