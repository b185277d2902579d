// The Wikidata API and Query Service client: wikibase-sdk URLs, the outbound guard, pacing, retries and timeouts.
import { WBK } from 'wikibase-sdk';
import { WIKIDATA_QUERY_SERVICE } from '../config.ts';
import { guardedFetch, OutboundRefused } from '../outbound.ts';
import { FETCH_LANGUAGES, ITEM_ID, type WdEntity } from './entity.ts';

export const WIKIDATA_API = 'https://www.wikidata.org/w/api.php';
export { WIKIDATA_QUERY_SERVICE };

/** Wikidata's own IRI space for entities (the one its RDF and the Query Service use). */
export const ENTITY_NS = 'http://www.wikidata.org/entity/';

/** A request that did not get a usable answer: the caller must write nothing. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface ClientOptions {
  /** The MediaWiki action API, e.g. https://www.wikidata.org/w/api.php. */
  api: string;
  /** The SPARQL endpoint, e.g. https://query.wikidata.org/sparql. */
  sparql: string;
  /** At least this many milliseconds between the end of one request and the start of the next. */
  paceMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries after a 429, a 503 or a maxlag error, each after the server's Retry-After. */
  maxRetries?: number;
  /** The maxlag parameter sent with API requests, in seconds (Wikidata's bot etiquette). */
  maxlag?: number;
  /** Longest wait a Retry-After may ask for before the client gives up, in milliseconds. */
  maxWaitMs?: number;
  fetchImpl?: typeof fetch;
}

export interface SearchHit {
  id: string;
  label?: string;
  description?: string;
  match?: { type: string; language: string; text: string };
}

export interface SparqlJson {
  head: { vars: string[] };
  results: { bindings: Record<string, { type: string; value: string; datatype?: string; 'xml:lang'?: string }>[] };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds (or an HTTP date) in a Retry-After header, as milliseconds; default when absent. */
export function retryAfterMs(header: string | null, fallbackMs: number): number {
  if (header === null || header.trim() === '') return fallbackMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - Date.now());
}

/** Where wikibase-sdk should build URLs: the instance root and script path of an api.php address. */
function instanceOf(api: string): { instance: string; wgScriptPath: string } {
  const url = new URL(api);
  const m = /^\/(.+)\/api\.php$/.exec(url.pathname);
  if (!m?.[1]) throw new Error(`--api must be the address of a MediaWiki api.php, got ${api}`);
  return { instance: url.origin, wgScriptPath: m[1] };
}

export class WikidataClient {
  /** Exactly the two configured endpoints: nothing else can be fetched. */
  readonly allowlist: readonly string[];
  /** Requests sent so far (retries included). */
  requests = 0;
  private readonly wbk: ReturnType<typeof WBK>;
  private readonly fetch: typeof fetch;
  private readonly paceMs: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxlag: number;
  private readonly maxWaitMs: number;
  private lastEnded = 0;

  constructor(readonly options: ClientOptions) {
    this.allowlist = [options.api, options.sparql];
    this.wbk = WBK({ ...instanceOf(options.api), sparqlEndpoint: options.sparql });
    this.paceMs = options.paceMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxlag = options.maxlag ?? 5;
    this.maxWaitMs = options.maxWaitMs ?? 120_000;
    this.fetch = guardedFetch({
      allowlist: this.allowlist,
      timeoutMs: this.timeoutMs,
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    });
  }

  /** wbsearchentities: items whose label or alias starts with `text` in `language`. */
  async search(text: string, language: string, limit = 10): Promise<SearchHit[]> {
    const url = this.wbk.searchEntities({ search: text, language, limit, type: 'item', format: 'json' });
    const body = (await this.getJson(this.withMaxlag(url), 'application/json')) as { search?: SearchHit[] };
    return (body.search ?? []).filter((h) => ITEM_ID.test(h.id));
  }

  /** wbgetentities in batches of 50: labels, aliases, descriptions and claims in our languages. */
  async entities(ids: readonly string[]): Promise<Map<string, WdEntity>> {
    const out = new Map<string, WdEntity>();
    const unique = [...new Set(ids)].filter((id) => ITEM_ID.test(id)).sort();
    for (let i = 0; i < unique.length; i += 50) {
      const batch = unique.slice(i, i + 50) as `Q${number}`[];
      const url = this.wbk.getEntities({
        ids: batch,
        languages: FETCH_LANGUAGES,
        props: ['labels', 'aliases', 'descriptions', 'claims'],
        format: 'json',
      });
      const body = (await this.getJson(this.withMaxlag(url), 'application/json')) as {
        entities?: Record<string, WdEntity>;
      };
      for (const [key, entity] of Object.entries(body.entities ?? {})) out.set(key, entity);
    }
    return out;
  }

  /** Labels only (English), for the items that claims point to (instance of, citizenship, country). */
  async labels(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(ids)].filter((id) => ITEM_ID.test(id)).sort();
    for (let i = 0; i < unique.length; i += 50) {
      const batch = unique.slice(i, i + 50) as `Q${number}`[];
      const url = this.wbk.getEntities({ ids: batch, languages: ['en'], props: ['labels'], format: 'json' });
      const body = (await this.getJson(this.withMaxlag(url), 'application/json')) as {
        entities?: Record<string, WdEntity>;
      };
      for (const [key, entity] of Object.entries(body.entities ?? {})) {
        const label = entity.labels?.en?.value;
        if (label) out.set(key, label);
      }
    }
    return out;
  }

  /** A SELECT on the Query Service, as SPARQL 1.1 JSON results. */
  async sparql(query: string): Promise<SparqlJson> {
    const body = (await this.getJson(this.wbk.sparqlQuery(query), 'application/sparql-results+json')) as SparqlJson;
    if (!body?.results?.bindings)
      throw new NetworkError('the Query Service answered without SPARQL results', this.options.sparql);
    return body;
  }

  private withMaxlag(url: string): string {
    return `${url}&maxlag=${this.maxlag}`;
  }

  /** One GET, paced, retried on 429/503/maxlag after Retry-After, and turned into a NetworkError on failure. */
  private async getJson(url: string, accept: string): Promise<unknown> {
    const endpoint = url.split('?')[0] ?? url;
    for (let attempt = 0; ; attempt++) {
      const wait = this.lastEnded + this.paceMs - Date.now();
      if (wait > 0) await sleep(wait);
      this.requests++;
      let response: Response;
      let text: string;
      try {
        response = await this.fetch(url, { headers: { accept } });
        text = await response.text();
      } catch (e) {
        const err = e as Error;
        if (err instanceof OutboundRefused) throw err;
        if (err.name === 'TimeoutError' || err.name === 'AbortError') {
          throw new NetworkError(`no answer from ${endpoint} within ${this.timeoutMs} ms`, endpoint);
        }
        const cause = (err as Error & { cause?: Error }).cause?.message;
        throw new NetworkError(`cannot reach ${endpoint}: ${cause ?? err.message}`, endpoint);
      } finally {
        this.lastEnded = Date.now();
      }
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const apiError = (body as { error?: { code?: string; info?: string } } | undefined)?.error;
      const busy = response.status === 429 || response.status === 503 || apiError?.code === 'maxlag';
      if (busy) {
        const delay = retryAfterMs(response.headers.get('retry-after'), 5000);
        if (attempt >= this.maxRetries || delay > this.maxWaitMs) {
          throw new NetworkError(
            `${endpoint} is busy (${apiError?.code ?? `HTTP ${response.status}`}) after ${attempt + 1} attempt(s)`,
            endpoint,
          );
        }
        await sleep(delay);
        continue;
      }
      if (!response.ok) throw new NetworkError(`HTTP ${response.status} from ${endpoint}`, endpoint);
      if (apiError) throw new NetworkError(`Wikidata API error ${apiError.code}: ${apiError.info ?? ''}`, endpoint);
      if (body === undefined) throw new NetworkError(`${endpoint} did not answer with JSON`, endpoint);
      return body;
    }
  }
}
