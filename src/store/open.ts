// Opens the configured backend for a Graph: in this thread (CLI, tests, bench) or inside a query thread, and loads a remote store.
import type { StoreConfig } from '../config.ts';
import type { Graph } from '../rdf/graph.ts';
import type { Dump } from '../rdf/load.ts';
import { type Backend, comunicaBackend } from './backend.ts';
import { EmbeddedBackend } from './embedded.ts';
import { OxigraphBackend } from './oxigraph.ts';
import { type Expected, type LoadReport, loadRemote, RemoteBackend } from './remote.ts';

/** The backend `store` names over `graph`. Oxigraph reads the Graph's verified dump when it has one. */
export function openBackend(graph: Graph, store: StoreConfig, options: { timeoutMs?: number } = {}): Backend {
  const oxigraph = () =>
    graph.dump
      ? OxigraphBackend.fromDump(graph.dump)
      : OxigraphBackend.fromQuads(graph.store.getQuads(null, null, null, null));
  switch (store.kind) {
    case 'memory':
      return new EmbeddedBackend(oxigraph(), async () => comunicaBackend(graph.store));
    case 'comunica':
      return comunicaBackend(graph.store);
    case 'oxigraph':
      return oxigraph();
    case 'sparql':
      return new RemoteBackend(store, options);
  }
}

/**
 * Makes the configured store ready to answer for `graph`: a remote store is loaded (unless it holds this content
 * already); the embedded ones need nothing. Throws when the remote store cannot be reached or refuses the load.
 */
export async function prepareStore(graph: Graph, store: StoreConfig): Promise<LoadReport | undefined> {
  if (store.kind !== 'sparql') return undefined;
  if (!store.update && !store.graphStore) {
    // Without an endpoint to load through, the store must already hold the Graph (loaded by an operator, say).
    const backend = new RemoteBackend(store);
    if (!(await backend.holds(graph.hash, graph.counts.total))) {
      throw new Error(
        `${store.endpoint} does not hold this graph (content ${graph.hash.slice(0, 12)}) in <${store.graph}>, and no --graph-store or --update endpoint is given to load it`,
      );
    }
    return { loaded: false, triples: 0, requests: 0, ms: 0 };
  }
  return loadRemote(new RemoteBackend(store), graph);
}

/** What a query thread is told about its backend (see src/sparql/job.ts WorkerInit). */
export interface ThreadStore {
  store?: StoreConfig | undefined;
  /**
   * The Graph's verified dump (src/rdf/load.ts Dump), read by the thread itself instead of a serialized copy, and
   * hashed as it reads: never the build cache's file, which may change after the main thread checked it.
   */
  dump?: Dump | undefined;
  /** What a remote store's graph must hold for a query to be answered from it (src/store/remote.ts verify). */
  expected?: Expected | undefined;
  nquads: string;
}

/**
 * Inside a query thread: the backend for the configured store, or undefined for `comunica` (the thread builds its
 * own copy, src/sparql/comunica-copy.ts). On the default store, `federation` makes the Comunica backend the first
 * SERVICE query needs.
 */
export function threadBackend(
  init: ThreadStore,
  timeoutMs?: number,
  federation?: () => Promise<Backend>,
): Backend | undefined {
  const store = init.store ?? { kind: 'memory' };
  if (store.kind === 'comunica') return undefined;
  // Each query also carries its own time limit (the job's); past it the pool ends the thread, and its request.
  if (store.kind === 'sparql') {
    return new RemoteBackend(store, { expected: init.expected, ...(timeoutMs ? { timeoutMs } : {}) });
  }
  const local = init.dump ? OxigraphBackend.fromDump(init.dump) : OxigraphBackend.fromNTriples(init.nquads, 'N-Quads');
  if (store.kind === 'oxigraph' || !federation) return local;
  return new EmbeddedBackend(local, federation);
}
