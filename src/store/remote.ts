// A remote SPARQL 1.1 store as the query backend (Virtuoso, Fuseki, GraphDB, QLever…), and the loader that puts the Graph in it through SPARQL Update.
//
// Queries go out as standard SPARQL 1.1 generated from the parsed query (src/store/portable.ts), over one named
// graph given as the protocol's default-graph-uri, so the store's other graphs (Virtuoso's system graphs, say)
// never show. Every request goes through guardedFetch with an allowlist of exactly the configured endpoint and
// update URL. SERVICE is refused here: the remote store would make that call itself, past the outbound guard.
import { DataFactory, Parser, type Quad } from 'n3';
import { guardedFetch, OutboundRefused } from '../outbound.ts';
import { type Dump, lineChunks, verifiedChunks } from '../rdf/load.ts';
import type { QueryResult, RunOptions } from '../sparql/engine.ts';
import { type Backend, cut, type DatasetRunOptions, fromJsonResults, type JsonResults } from './backend.ts';
import { ntriplesChunks } from './oxigraph.ts';
import { portableQuery } from './portable.ts';

export interface RemoteStore {
  /** The SPARQL 1.1 query endpoint. */
  endpoint: string;
  /** The SPARQL 1.1 update endpoint the build may load through (often the same URL with update rights). */
  update?: string | undefined;
  /** The SPARQL 1.1 Graph Store Protocol endpoint the build loads through, preferred over `update` when given. */
  graphStore?: string | undefined;
  /** The named graph that holds this dataset in the store. */
  graph: string;
}

/** Where the loader records which content the graph holds, so that a restart on the same data loads nothing. */
export const metaGraph = (graph: string): string => `${graph}#meta`;
const CONTENT_HASH = 'https://w3id.org/npcsc/fn#contentHash';

/** Addresses in a store's own error text (URLs, host:port): the operator's, not a public client's. */
const ADDRESSES = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?|\[[0-9a-f:]+\](?::\d+)?/gi;

export class RemoteError extends Error {
  /** The message with any address in it masked: what a client may be told. */
  readonly reason: string;
  constructor(
    readonly status: number,
    message: string,
    /** The URL that answered, for the operator. */
    readonly url?: string,
  ) {
    super(message);
    this.name = 'RemoteError';
    this.reason = message.replace(ADDRESSES, '[address]');
  }

  /** The message with the store's address: for the operator's log. */
  get operatorMessage(): string {
    return this.url ? `${this.message} (${new URL(this.url).origin})` : this.message;
  }
}

/** The store could not be reached at all (refused, reset, no route, name not found): says where and why. */
export class StoreUnreachable extends Error {
  /** Why, without the store's address (the operator's, not the public's): what a client may be told. */
  readonly reason: string;
  constructor(url: string, error: unknown) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const why = cause instanceof Error ? cause.message : String(cause);
    const code = (cause as { code?: unknown } | undefined)?.code;
    super(`the SPARQL store at ${new URL(url).origin} cannot be reached: ${why}`);
    this.name = 'StoreUnreachable';
    this.reason = `the SPARQL store cannot be reached${typeof code === 'string' ? `: ${code}` : ''}`;
  }
}

/** An IRI that names no graph: a protocol dataset is never mapped onto the store's other graphs. */
const EMPTY_GRAPH = 'urn:x-npcsc-kg:empty-graph';

export class RemoteBackend implements Backend {
  readonly kind = 'sparql' as const;
  private readonly fetch: typeof fetch;

  constructor(
    readonly remote: RemoteStore,
    options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
  ) {
    const allowlist = [remote.endpoint, ...[remote.update, remote.graphStore].filter((u): u is string => !!u)];
    this.fetch = guardedFetch({ allowlist, timeoutMs: options.timeoutMs ?? 600_000, fetchImpl: options.fetchImpl });
  }

  async run(query: string, options: DatasetRunOptions = {}): Promise<QueryResult> {
    // A protocol dataset names graphs of the Graph, which has only its default graph: an empty dataset.
    return this.over(options.dataset ? EMPTY_GRAPH : this.remote.graph, query, options);
  }

  /** Runs `query` with the store's graph `graph` as the default graph (and no named graphs). */
  private async over(graph: string, query: string, options: RunOptions): Promise<QueryResult> {
    const portable = portableQuery(query, options);
    if (portable.services.length > 0) throw new OutboundRefused(portable.services[0] ?? 'a SERVICE endpoint');
    const graphForm = portable.form === 'construct' || portable.form === 'describe';
    const body = new URLSearchParams({ query: portable.text });
    body.append('default-graph-uri', graph);
    const res = await this.post(this.remote.endpoint, body, {
      accept: graphForm ? 'application/n-triples, text/turtle;q=0.9' : 'application/sparql-results+json',
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    const max = options.maxResults ?? Number.POSITIVE_INFINITY;
    if (graphForm) {
      const type = res.headers.get('content-type') ?? '';
      const text = await res.text();
      return cut(new Parser({ format: /turtle/.test(type) ? 'text/turtle' : 'N-Triples' }).parse(text), max);
    }
    const results = await res.json().catch(() => {
      throw new RemoteError(
        res.status,
        `the SPARQL store answered ${res.status} with ${res.headers.get('content-type') ?? 'no content type'}, not SPARQL JSON results`,
        this.remote.endpoint,
      );
    });
    return fromJsonResults(results as JsonResults, max);
  }

  /** Runs SPARQL Update text at the update endpoint. */
  async runUpdate(text: string): Promise<void> {
    if (!this.remote.update) throw new Error('no update endpoint configured (--update URL)');
    await this.post(this.remote.update, new URLSearchParams({ update: text }), { accept: '*/*' });
  }

  /** Puts (replacing) or posts (adding) N-Triples into `graph` through the Graph Store Protocol. */
  async storeGraph(method: 'PUT' | 'POST', graph: string, ntriples: string): Promise<void> {
    if (!this.remote.graphStore) throw new Error('no Graph Store Protocol endpoint configured (--graph-store URL)');
    const url = new URL(this.remote.graphStore);
    url.searchParams.set('graph', graph);
    await this.post(url.href, ntriples, { accept: '*/*', method, type: 'application/n-triples' });
  }

  private async post(
    url: string,
    body: URLSearchParams | string,
    opts: { accept: string; timeoutMs?: number; method?: string; type?: string },
  ): Promise<Response> {
    const signal = opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined;
    const res = await this.fetch(url, {
      method: opts.method ?? 'POST',
      headers: { accept: opts.accept, 'content-type': opts.type ?? 'application/x-www-form-urlencoded' },
      body,
      ...(signal ? { signal } : {}),
    }).catch((e: unknown) => {
      // fetch's own "fetch failed" names neither the store nor the cause; timeouts and refusals pass as they are.
      if (e instanceof TypeError && e.message === 'fetch failed') throw new StoreUnreachable(url, e);
      throw e;
    });
    if (!res.ok) {
      const detail = (await res.text()).slice(0, 600).trim();
      throw new RemoteError(res.status, `the SPARQL store answered ${res.status} ${res.statusText}: ${detail}`, url);
    }
    return res;
  }

  private get origin(): string {
    return new URL(this.remote.endpoint).origin;
  }

  /**
   * Whether the store's graph already holds the content with this hash (loaded before, by this loader). Throws
   * when the store cannot be reached, is too slow, or fails otherwise.
   */
  async holds(hash: string): Promise<boolean> {
    const { namedNode, literal } = DataFactory;
    const r = await this.over(metaGraph(this.remote.graph), 'ASK { ?graph ?contentHash ?hash }', {
      bindings: { graph: namedNode(this.remote.graph), contentHash: namedNode(CONTENT_HASH), hash: literal(hash) },
    }).catch((e: unknown) => {
      // A store that says it has no such graph (404) or will not take the request for it (400) does not hold it;
      // any other answer (401, 403, 5xx, not SPARQL at all) is a fault to report, not a reason to load afresh.
      if (e instanceof RemoteError && (e.status === 400 || e.status === 404)) return undefined;
      if (e instanceof RemoteError) throw new RemoteError(e.status, `${this.origin}: ${e.message}`, e.url);
      throw e;
    });
    return r?.type === 'boolean' && r.value;
  }
}

export interface LoadReport {
  /** False when the store already held this content (nothing was sent). */
  loaded: boolean;
  triples: number;
  requests: number;
  ms: number;
}

/** Triples per INSERT DATA request: Virtuoso refuses much more than this (its SQL translation grows past a limit). */
const TRIPLES_PER_UPDATE = 1_000;
/** Triples per Graph Store Protocol request: plain N-Triples, which stores parse in bulk. */
const TRIPLES_PER_PUT = 50_000;

/**
 * Loads the Graph into the remote store's named graph: through the Graph Store Protocol when a --graph-store
 * endpoint is configured (PUT the first chunk, which replaces the graph, then POST the rest), else through SPARQL
 * Update (DROP SILENT GRAPH, then INSERT DATA in chunks of N-Triples lines, which are SPARQL triples as they are);
 * then the content hash in the meta graph. Reads the build cache's dump when there is one, so the graph is never
 * one string, and skips everything when the meta graph says the store holds this content already. Blank nodes
 * would not survive the chunking (each request has its own labels); the Graph has none.
 */
export async function loadRemote(
  backend: RemoteBackend,
  graph: {
    hash: string;
    dump?: Dump | undefined;
    ntFile?: string | undefined;
    store: { getQuads: (...a: null[]) => Quad[] };
  },
): Promise<LoadReport> {
  const started = performance.now();
  if (await backend.holds(graph.hash))
    return { loaded: false, triples: 0, requests: 0, ms: performance.now() - started };
  const { graph: name, graphStore } = backend.remote;
  const meta = metaGraph(name);
  const marker = `<${name}> <${CONTENT_HASH}> "${graph.hash}" .`;
  const perRequest = graphStore ? TRIPLES_PER_PUT : TRIPLES_PER_UPDATE;
  let triples = 0;
  let requests = 0;
  let batch: string[] = [];
  const send = async (last = false) => {
    if (batch.length === 0 && !(last && requests === 0)) return;
    const lines = batch.join('\n');
    if (graphStore) await backend.storeGraph(requests === 0 ? 'PUT' : 'POST', name, `${lines}\n`);
    else await backend.runUpdate(`INSERT DATA { GRAPH <${name}> {\n${lines}\n} }`);
    triples += batch.length;
    requests++;
    batch = [];
  };
  if (graphStore) await backend.storeGraph('PUT', meta, '');
  else await backend.runUpdate(`DROP SILENT GRAPH <${name}> ; DROP SILENT GRAPH <${meta}>`);
  // The verified dump first: the cache file itself may have changed since it was checked.
  const chunks = graph.dump
    ? verifiedChunks(graph.dump)
    : graph.ntFile
      ? lineChunks(graph.ntFile)
      : ntriplesChunks(graph.store.getQuads(null, null, null, null));
  for (const chunk of chunks) {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      batch.push(line);
      if (batch.length >= perRequest) await send();
    }
  }
  await send(true);
  if (graphStore) await backend.storeGraph('PUT', meta, `${marker}\n`);
  else await backend.runUpdate(`INSERT DATA { GRAPH <${meta}> { ${marker} } }`);
  return { loaded: true, triples, requests: requests + 2, ms: performance.now() - started };
}
