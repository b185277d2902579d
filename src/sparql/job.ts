// What crosses the thread boundary between the query pool and its workers: jobs, terms and replies.
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { ThreadStore } from '../store/open.ts';
import type { Prepared, QueryForm } from '../store/portable.ts';
import type { Format } from './formats.ts';

/** The descriptor a runner reads the verified dump from: the fifth of its stdio (after stdin, out, err and IPC). */
export const DUMP_FD = 4;

/**
 * What a worker is started with: the store's quads (or the verified dump that holds them, or the backend that
 * holds them: `store`, see src/store/open.ts) and what serializers need.
 */
export interface WorkerInit extends ThreadStore {
  nquads: string;
  prefixes: Record<string, string>;
  context: object;
  base: string;
}

/** An RDF term as it crosses the thread boundary. */
export type WireTerm =
  | { termType: 'NamedNode'; value: string }
  | { termType: 'BlankNode'; value: string }
  | { termType: 'Literal'; value: string; language: string; datatype: string };

/** The protocol's dataset: graphs merged into the default graph, and graphs offered by name. */
export interface Dataset {
  default: string[];
  named: string[];
}

export interface Job {
  query: string;
  baseIRI: string;
  format: Format;
  /** When set, the query runs over these graphs of the store, not over the store's own default graph. */
  dataset?: Dataset;
  extensions: boolean;
  allowlist: string[];
  maxResults: number;
  /** Most bytes of body (UTF-8): rows past it are cut as those past maxResults are. */
  maxBytes: number;
  timeoutMs: number;
  bindings?: Record<string, WireTerm>;
  /** Where a cut result points for the documentation of the limits. */
  limitsDocs: string;
  /** The query's form, when the sender parsed it: a SELECT may be answered in the text the engine writes. */
  form?: QueryForm;
  /** The query as Oxigraph takes it, made by the server (src/sparql/prepared.ts): the runner need not parse it. */
  prepared?: Prepared;
}

export interface Done {
  body: string;
  truncated: boolean;
  /** Rows, or triples, in the body. */
  count: number;
  /** Set when the body was cut at the byte cap (Job.maxBytes) rather than, or as well as, at the row cap. */
  cutBy?: 'bytes';
}

/**
 * Whose fault a failed query is: the client's, the time limit's, a remote SERVICE's or the remote store's
 * (upstream: it failed; upstream-timeout: the store did not answer in time; store-lost: its graph is not this
 * build's), the thread's memory limit's, or ours.
 */
export type FailKind = 'client' | 'timeout' | 'memory' | 'upstream' | 'upstream-timeout' | 'store-lost' | 'internal';
/**
 * Every reply says how much heap the thread holds (`heapMb`, V8's total, MiB) and its external (WASM, buffers)
 * bytes (`memory`), after it loaded or after the job, so that a grown thread can be replaced.
 */
export type Reply =
  | { type: 'ready'; heapMb: number; memory?: number }
  /**
   * The runner is loading Comunica for job `id` (its first SERVICE query: src/store/embedded.ts), or has loaded
   * it (`heapMb` and `memory` then are its new baseline): the load does not count against the query's time.
   */
  | { type: 'federating'; id: number; loaded: false }
  | { type: 'federating'; id: number; loaded: true; heapMb: number; memory: number }
  /** The thread could not load its data (the reason is for the operator's log); it takes no job. */
  | { type: 'failed'; reason: string }
  | ({ type: 'done'; id: number; heapMb: number; memory?: number } & Done)
  | { type: 'fail'; id: number; heapMb: number; kind: FailKind; message: string; detail?: string; memory?: number };

export const toWire = (t: RDF.Term): WireTerm =>
  t.termType === 'Literal'
    ? { termType: 'Literal', value: t.value, language: t.language, datatype: t.datatype.value }
    : { termType: t.termType === 'BlankNode' ? 'BlankNode' : 'NamedNode', value: t.value };

export const fromWire = (t: WireTerm): RDF.Term => {
  if (t.termType === 'NamedNode') return DataFactory.namedNode(t.value);
  if (t.termType === 'BlankNode') return DataFactory.blankNode(t.value);
  return DataFactory.literal(t.value, t.language || DataFactory.namedNode(t.datatype));
};
