// A remote SPARQL 1.1 store as the query backend (Virtuoso, Fuseki, GraphDB, QLever…), and the loader that puts the Graph in it through SPARQL Update.
//
// Queries go out as standard SPARQL 1.1 generated from the parsed query (src/store/portable.ts), over one named
// graph given as the protocol's default-graph-uri, so the store's other graphs (Virtuoso's system graphs, say)
// never show. Every request goes through guardedFetch with an allowlist of exactly the configured endpoint and
// update URL. SERVICE is refused here: the remote store would make that call itself, past the outbound guard.
import { DataFactory, Parser, type Quad } from 'n3';
import { guardedFetch, OutboundRefused } from '../outbound.ts';
import { type Dump, lineChunks, verifiedChunks } from '../rdf/load.ts';
import { type Backend, cut, type DatasetRunOptions, fromJsonResults, type JsonResults } from './backend.ts';
import type { QueryResult, RunOptions } from './comunica.ts';
import { authenticatingFetch, type Credentials } from './digest.ts';
import { ntriplesChunks } from './oxigraph.ts';
import { type PortableOptions, portableQuery } from './portable.ts';

export interface RemoteStore {
  /** The SPARQL 1.1 query endpoint. */
  endpoint: string;
  /** The SPARQL 1.1 update endpoint the build may load through (often the same URL with update rights). */
  update?: string | undefined;
  /** The SPARQL 1.1 Graph Store Protocol endpoint the build loads through, preferred over `update` when given. */
  graphStore?: string | undefined;
  /** The named graph that holds this dataset in the store. */
  graph: string;
  /**
   * The loader's account, for the update and Graph Store endpoints only: public queries go to `endpoint` under
   * the store's read-only account, so that a write slipped into one is refused by the store itself.
   */
  credentials?: Credentials | undefined;
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
  /** When set, every public query is answered only if the store's graph is still this content (see verify). */
  private readonly expected: Expected | undefined;
  /** The fetch of the load requests: signs in as the loader when the store asks. */
  private readonly loadFetch: typeof fetch;
  /** The content check in flight (see verify). */
  private checking: Promise<void> | undefined;

  constructor(
    readonly remote: RemoteStore,
    options: { timeoutMs?: number; fetchImpl?: typeof fetch; expected?: Expected | undefined } = {},
  ) {
    this.expected = options.expected;
    const allowlist = [remote.endpoint, ...[remote.update, remote.graphStore].filter((u): u is string => !!u)];
    this.fetch = guardedFetch({ allowlist, timeoutMs: options.timeoutMs ?? 600_000, fetchImpl: options.fetchImpl });
    this.loadFetch = remote.credentials ? authenticatingFetch(this.fetch, remote.credentials) : this.fetch;
  }

  /**
   * Runs a public query: confined (src/store/confine.ts) to the store's graph as its only graph, or to no graph at
   * all when the protocol names a dataset (graphs of the Graph, which has only its default graph: an empty one).
   */
  async run(query: string, options: DatasetRunOptions = {}): Promise<QueryResult> {
    const graph = options.dataset ? EMPTY_GRAPH : this.remote.graph;
    // Built and confined first: a query refused here (400) sends nothing to the store, not even the content check.
    const request = this.request(graph, query, { ...options, confineTo: { graph, emptyGraph: EMPTY_GRAPH } });
    const answer = this.send(request, options);
    if (!this.expected) return answer;
    // Both at once: the check costs no extra wait, and its failure wins over whatever the query answered.
    const [result, check] = await Promise.allSettled([answer, this.verify(this.expected, options.timeoutMs)]);
    if (check.status === 'rejected' && check.reason instanceof StoreLost) throw check.reason;
    if (result.status === 'rejected') throw result.reason;
    if (check.status === 'rejected') throw check.reason;
    return result.value;
  }

  /** Runs `query` with the store's graph `graph` as the default graph (and no named graphs). */
  private async over(graph: string, query: string, options: RunOptions & PortableOptions): Promise<QueryResult> {
    return this.send(this.request(graph, query, options), options);
  }

  /**
   * The request that runs `query` over `graph`: the text generated from the parsed (and, with `confineTo`,
   * confined) query, never the client's. Throws, before anything is sent, when the query cannot be sent.
   */
  private request(
    graph: string,
    query: string,
    options: PortableOptions,
  ): { body: URLSearchParams; graphForm: boolean } {
    const portable = portableQuery(query, options);
    if (portable.services.length > 0) throw new OutboundRefused(portable.services[0] ?? 'a SERVICE endpoint');
    const body = new URLSearchParams({ query: portable.text });
    body.append('default-graph-uri', portable.graph ?? graph);
    return { body, graphForm: portable.form === 'construct' || portable.form === 'describe' };
  }

  /** Sends a built request to the query endpoint and reads the answer, cut at `maxResults`. */
  private async send(
    { body, graphForm }: { body: URLSearchParams; graphForm: boolean },
    options: RunOptions,
  ): Promise<QueryResult> {
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
    await this.post(this.remote.update, new URLSearchParams({ update: text }), { accept: '*/*', load: true });
  }

  /** Puts (replacing) or posts (adding) N-Triples into `graph` through the Graph Store Protocol. */
  async storeGraph(method: 'PUT' | 'POST', graph: string, ntriples: string): Promise<void> {
    if (!this.remote.graphStore) throw new Error('no Graph Store Protocol endpoint configured (--graph-store URL)');
    const url = new URL(this.remote.graphStore);
    url.searchParams.set('graph', graph);
    await this.post(url.href, ntriples, { accept: '*/*', method, type: 'application/n-triples', load: true });
  }

  private async post(
    url: string,
    body: URLSearchParams | string,
    opts: { accept: string; timeoutMs?: number; method?: string; type?: string; load?: boolean },
  ): Promise<Response> {
    const signal = opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined;
    const res = await (opts.load ? this.loadFetch : this.fetch)(url, {
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
   * What the store's graph holds now: its size, and the content hash the loader's marker names (undefined when
   * there is no marker). Two requests, each over one graph as the default graph, so any SPARQL 1.1 store answers
   * them. Throws when the store cannot be reached, is too slow, or fails otherwise.
   */
  async content(timeoutMs?: number): Promise<{ triples: number; hash: string | undefined }> {
    const { namedNode } = DataFactory;
    const limit = timeoutMs ? { timeoutMs } : {};
    const [count, marker] = await Promise.all([
      this.over(this.remote.graph, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }', limit),
      this.over(metaGraph(this.remote.graph), 'SELECT ?hash WHERE { ?graph ?contentHash ?hash }', {
        ...limit,
        bindings: { graph: namedNode(this.remote.graph), contentHash: namedNode(CONTENT_HASH) },
      }),
    ]).catch((e: unknown) => {
      // A store that says it has no such graph (404) or will not take the request for it (400) holds nothing;
      // any other answer (401, 403, 5xx, not SPARQL at all) is a fault to report, not a reason to load afresh.
      if (e instanceof RemoteError && (e.status === 400 || e.status === 404)) return [undefined, undefined];
      if (e instanceof RemoteError) throw new RemoteError(e.status, `${this.origin}: ${e.message}`, e.url);
      throw e;
    });
    const n = count?.type === 'bindings' ? Number(count.rows[0]?.n?.value ?? 0) : 0;
    const hashes = marker?.type === 'bindings' ? marker.rows.map((r) => r.hash?.value) : [];
    // Two markers (two loads mixed) name no content.
    return { triples: Number.isFinite(n) ? n : 0, hash: hashes.length === 1 ? hashes[0] : undefined };
  }

  /** Whether the store's graph holds the content with this hash and size (loaded before, by this loader). */
  async holds(hash: string, triples?: number): Promise<boolean> {
    const held = await this.content();
    return held.hash === hash && (triples === undefined || held.triples === triples);
  }

  /**
   * Throws StoreLost unless the store's graph is the build's (`expected`): run beside every public query, so
   * that a store restarted empty, cleared or loaded with other data is noticed by the first query, never
   * answered from. Checks running at once share one pair of requests.
   */
  verify(expected: Expected, timeoutMs?: number): Promise<void> {
    this.checking ??= this.content(timeoutMs)
      .then((held) => {
        const problems = [
          ...(held.triples === expected.triples
            ? []
            : [`${held.triples} triples where the build has ${expected.triples}`]),
          ...(held.hash === expected.hash
            ? []
            : [held.hash ? `its marker names content ${held.hash.slice(0, 12)}` : 'its load marker is gone']),
        ];
        if (problems.length > 0) throw new StoreLost(this.remote.graph, problems.join(', '));
      })
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }
}

/** What the store's graph must hold: the build's content hash and its number of triples. */
export interface Expected {
  hash: string;
  triples: number;
}

/** The store's graph is not the build's (gone, cleared, other data): no query is answered from it. */
export class StoreLost extends Error {
  /** What a client may be told. */
  readonly reason = 'the SPARQL store does not hold this dataset at the moment; try again shortly';
  constructor(
    readonly graph: string,
    readonly why: string,
  ) {
    super(`the SPARQL store's graph <${graph}> is not this build's: ${why}`);
    this.name = 'StoreLost';
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
    counts?: { total: number } | undefined;
    dump?: Dump | undefined;
    ntFile?: string | undefined;
    store: { getQuads: (...a: null[]) => Quad[] };
  },
): Promise<LoadReport> {
  const started = performance.now();
  if (await backend.holds(graph.hash, graph.counts?.total))
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
