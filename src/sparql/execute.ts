// Runs a planned query through the answer cache and the worker pool, and turns the answer into a response: ETag, 304, Cache-Control, limits.
import type { Context } from 'hono';
import { header } from '../http/caching.ts';
import { Variants } from '../http/compress.ts';
import { badRequest, HttpError, serviceUnavailable } from '../http/errors.ts';
import { SECURITY_HEADERS } from '../http/headers.ts';
import type { AppContext } from '../http/route.ts';
import { serviceRefusal } from '../outbound.ts';
import { prepareStore } from '../store/open.ts';
import { type Answer, AnswerCache, etagOf } from './cache.ts';
import type { Job } from './job.ts';
import type { Parsed } from './parse.ts';
import { QueryError, type QueryPool } from './pool.ts';
import { withPrepared } from './prepared.ts';

/** Freshness of a cacheable answer: the Graph only changes when the server restarts on new data. */
export const CACHE_CONTROL = 'public, max-age=300';

/** Headers every response of /sparql and /api carries so that scripts on other origins can read it. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Results-Truncated, Results-Limit, Results-Limit-Bytes, Retry-After',
};

/** Answers a CORS preflight for GET and POST with the headers the protocol uses. */
export const preflight = (): Response =>
  new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      'access-control-allow-methods': 'GET, HEAD, POST, OPTIONS',
      'access-control-allow-headers': 'Accept, Cache-Control, Content-Type, If-None-Match',
      'access-control-max-age': '86400',
      ...SECURITY_HEADERS,
    },
  });

export interface Plan {
  /** Identifies the body: equal for requests that must get the same bytes. Undefined when never reused. */
  key: string | undefined;
  job: Job;
  contentType: string;
  /** Who asks (src/http/client.ts): one client holds at most its share of the query slots. */
  client?: string | undefined;
}

/**
 * Refuses a SERVICE the allowlist does not name, and any endpoint IRI with userinfo, a query string or a fragment
 * (SILENT ones off the allowlist fail quietly inside the engine instead, still without a request).
 */
export function checkServices(parsed: Extract<Parsed, { kind: 'query' }>, allowlist: readonly string[]): void {
  for (const s of parsed.services) {
    if (s.iri === undefined) throw badRequest('SERVICE needs an endpoint IRI here, not a variable');
    const why = serviceRefusal(s.iri, allowlist);
    if (why && (!s.silent || why !== 'it is not on the allowlist')) {
      throw badRequest(
        `SERVICE <${s.iri}> is not allowed; this endpoint reaches only: ${allowlist.join(', ') || 'no endpoint'} (${why})`,
      );
    }
  }
}

export class Executor {
  private readonly answers = new AnswerCache();
  /** The keys each kept answer is under, so that all are counted again when a compressed copy is added. */
  private readonly keysOf = new WeakMap<Answer, string[]>();
  /** Answers being computed, by cache key: the same request arriving meanwhile waits for that run. */
  private readonly running = new Map<string, Promise<Answer>>();

  /** Whether the remote store's last answer was a failure: the operator hears of an outage once, and of its end. */
  private storeFailing = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly pool: QueryPool,
  ) {}

  /**
   * Tells the operator (console.warn) when the remote store starts failing, with its address and the cause, and
   * when it answers again; the failures between go to the clients only (502/504), not to the log one by one.
   */
  private storeHealth(failure: QueryError | undefined): void {
    if (this.ctx.config.store.kind !== 'sparql') return;
    if (failure && !this.storeFailing) {
      this.storeFailing = true;
      console.warn(`npcsc-kg: the SPARQL store is failing: ${failure.detail ?? failure.message}`);
    } else if (!failure && this.storeFailing) {
      this.storeFailing = false;
      console.warn('npcsc-kg: the SPARQL store answers again');
    }
  }

  /** The reload under way after the store lost the graph: one at a time, whatever the number of queries noticing. */
  private reloading: Promise<void> | undefined;

  /**
   * The remote store's graph is not the build's (restarted empty, cleared, loaded with other data): the operator
   * is told why, and the graph is loaded again (when an update or Graph Store endpoint is configured); meanwhile
   * queries are answered 503, never from what the store holds.
   */
  private storeLost(failure: QueryError): void {
    if (this.reloading) return;
    const { graph, config } = this.ctx;
    const store = config.store;
    console.warn(`npcsc-kg: ${failure.detail ?? failure.message}; queries are refused (503) until it holds it again`);
    if (store.kind !== 'sparql') return;
    this.reloading = prepareStore(graph, store)
      .then((report) =>
        console.warn(`npcsc-kg: the SPARQL store holds the graph again (${report?.triples ?? 0} triples loaded)`),
      )
      .catch((e: unknown) => console.warn(`npcsc-kg: reloading the SPARQL store failed: ${(e as Error).message}`))
      .finally(() => {
        this.reloading = undefined;
      });
  }

  /** Resolves when no reload of the remote store is under way (for tests and operators). */
  async settled(): Promise<void> {
    await this.reloading;
  }

  /** The job fields every query shares: the graph's base for relative IRIs, the limits and the allowlist. */
  jobDefaults(): Omit<Job, 'query' | 'format' | 'extensions'> {
    const { config, graph } = this.ctx;
    return {
      baseIRI: graph.base,
      allowlist: config.serviceAllowlist,
      maxResults: config.limits.resultRows,
      maxBytes: config.limits.resultBytes,
      timeoutMs: config.limits.timeoutMs,
      limitsDocs: `${config.publicBase}sparql#limits`,
    };
  }

  /** An answer stored under the exact request or the request's words (src/sparql/protocol.ts): no parsing here. */
  exact(key: string): Answer | undefined {
    return this.answers.get(`=${key}`);
  }

  remember(key: string, answer: Answer): void {
    if (answer.etag) this.keep(`=${key}`, answer);
  }

  private keep(key: string, answer: Answer): void {
    this.answers.set(key, answer);
    const keys = this.keysOf.get(answer);
    if (!keys) this.keysOf.set(answer, [key]);
    else if (!keys.includes(key)) keys.push(key);
  }

  /** Counts an answer again under each of its keys: a compressed copy was just made. */
  private grew(answer: Answer): void {
    for (const key of this.keysOf.get(answer) ?? []) this.answers.remeasure(key);
  }

  /**
   * The answer to `plan`: from the cache when the same normalised request was answered before, unless the client
   * asked for a fresh one (Cache-Control: no-cache); the fresh answer then replaces the kept one.
   */
  async run(plan: Plan, fresh = false): Promise<Answer> {
    const cacheKey = plan.key === undefined ? undefined : `~${plan.key}\u0000${plan.contentType}`;
    if (!cacheKey) return this.compute(plan, undefined);
    const hit = !fresh && (this.answers.get(cacheKey) ?? this.running.get(cacheKey));
    if (hit) return hit;
    const computing = this.compute(plan, cacheKey).finally(() => this.running.delete(cacheKey));
    this.running.set(cacheKey, computing);
    return computing;
  }

  private async compute(plan: Plan, cacheKey: string | undefined): Promise<Answer> {
    let done: Awaited<ReturnType<QueryPool['run']>>;
    try {
      done = await this.pool.run(withPrepared(plan.job, this.ctx.config.store.kind), plan.client);
    } catch (e) {
      if (e instanceof QueryError && (e.kind === 'upstream' || e.kind === 'upstream-timeout')) this.storeHealth(e);
      if (e instanceof QueryError && e.kind === 'store-lost') this.storeLost(e);
      throw asHttpError(e);
    }
    this.storeHealth(undefined);
    const etag = cacheKey ? etagOf(this.ctx.graph.hash, cacheKey) : undefined;
    const headers: Record<string, string> = {
      'content-type': plan.contentType,
      'cache-control': etag ? CACHE_CONTROL : 'no-store',
      vary: 'Accept',
      ...CORS_HEADERS,
      ...SECURITY_HEADERS,
    };
    if (etag) headers.etag = etag;
    if (done.truncated) {
      headers['results-truncated'] = 'true';
      headers['results-limit'] = String(plan.job.maxResults);
      if (done.cutBy === 'bytes') headers['results-limit-bytes'] = String(plan.job.maxBytes);
    }
    const answer: Answer = { status: 200, body: done.body, headers, etag };
    // Compressed once per kept answer (on the first request that takes each coding), not once per request.
    answer.variants = new Variants(done.body, headers, etag, () => this.grew(answer), 'fast');
    if (cacheKey) this.keep(cacheKey, answer);
    return answer;
  }
}

/** Whether the client asks for an answer computed now (Cache-Control: no-cache, or the older Pragma). */
export const wantsFresh = (c: Context): boolean =>
  /\bno-cache\b/i.test(header(c, 'cache-control') ?? '') || /\bno-cache\b/i.test(header(c, 'pragma') ?? '');

/**
 * Makes the response for `answer`, compressed when the client accepts it and the body is sizeable, or a 304 when
 * the client's If-None-Match already names the ETag of what it would get.
 */
export function respond(answer: Answer, c: Context): Response {
  answer.variants ??= new Variants(answer.body, answer.headers, answer.etag, undefined, 'fast');
  const conditional = c.req.method === 'GET' || c.req.method === 'HEAD';
  return answer.variants.respond(
    header(c, 'accept-encoding'),
    conditional ? header(c, 'if-none-match') : undefined,
    answer.status,
  );
}

function asHttpError(e: unknown): Error {
  if (!(e instanceof QueryError)) return e as Error;
  switch (e.kind) {
    case 'busy':
      return serviceUnavailable(e.message, 1);
    case 'unavailable':
      // Already in the log, with the reason, when the pool gave up starting threads (src/sparql/pool.ts).
      return serviceUnavailable(e.message, 60);
    case 'timeout':
    case 'memory':
      return new HttpError(503, e.message);
    case 'client':
      return badRequest(e.message);
    case 'upstream':
      return new HttpError(502, e.message);
    case 'upstream-timeout':
      return new HttpError(504, e.message);
    case 'store-lost':
      return serviceUnavailable(e.message, 5);
    case 'internal':
      return new Error(`query failed: ${e.message}`);
  }
}
