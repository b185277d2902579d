// Typed configuration for every part of npcsc-kg: one place for the base IRI, paths and limits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Limits {
  /** Longest SPARQL query text accepted, in characters. */
  queryLength: number;
  /** Largest request body accepted, in bytes (413 beyond). */
  bodyBytes: number;
  /** Most result rows (or triples) one response carries; more is signalled, never silently cut. */
  resultRows: number;
  /** Most bytes one answer's body carries (UTF-8); rows beyond are cut and signalled as the row cap is. */
  resultBytes: number;
  /** V8 heap one query thread may use, in MiB; a query past it loses its thread (503), not the server. */
  threadMemoryMb: number;
  /** Execution timeout of one query, in milliseconds. */
  timeoutMs: number;
  /** Queries executed at once; the excess waits briefly, then gets a 503. */
  concurrency: number;
}

/**
 * Where SPARQL runs. `memory` (the default, embedded): Oxigraph (WASM) answers local queries; a query with a
 * SERVICE to the allowlist is answered by Comunica, loaded in a query runner only when the first such query
 * arrives. `oxigraph`: Oxigraph alone, every SERVICE refused, Comunica never loaded; two runners, for large graphs.
 * `comunica`: Comunica over an RDF/JS copy for every query (what `memory` was before Oxigraph answered it; kept
 * for comparison). `sparql`: a remote SPARQL 1.1 store that the server loads the Graph into (named graph `graph`,
 * through the Graph Store Protocol at `graphStore`, or SPARQL Update at `update`) and sends every query to.
 */
export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'oxigraph' }
  | { kind: 'comunica' }
  | {
      kind: 'sparql';
      endpoint: string;
      update?: string;
      graphStore?: string;
      graph: string;
      /** The loader's account for `update` and `graphStore` (NPCSC_STORE_USER, NPCSC_STORE_PASSWORD). */
      credentials?: { user: string; password: string };
    };

export interface Config {
  /** Canonical base of every IRI in the dataset (identifiers never change with where it is served). */
  base: string;
  /** Public base where the running server answers (behind a proxy or on localhost); links use it. */
  publicBase: string;
  /** Project root: holds ontology/, data/ and queries/. */
  root: string;
  /** SPARQL SERVICE endpoints the engine may call; everything else is refused. */
  serviceAllowlist: string[];
  /**
   * Addresses of the reverse proxies in front of the server (--trusted-proxy): only from them is X-Forwarded-For
   * believed, to tell clients apart for their share of the query slots.
   */
  trustedProxies: string[];
  limits: Limits;
  store: StoreConfig;
}

export const DEFAULT_BASE = 'https://w3id.org/npcsc/';
export const WIKIDATA_QUERY_SERVICE = 'https://query.wikidata.org/sparql';

export const DEFAULT_LIMITS: Limits = {
  queryLength: 20_000,
  // Room for a query of the full length in any script as a form (percent-encoded Chinese: 9 bytes a character).
  bodyBytes: 256 * 1024,
  resultRows: 10_000,
  resultBytes: 16 * 1024 * 1024,
  threadMemoryMb: 512,
  timeoutMs: 10_000,
  concurrency: 8,
};

/** The repository root, found from this file's place in src/. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Adds the trailing slash an IRI base needs and rejects what is not an absolute http(s) IRI. */
export function normaliseBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`not an absolute IRI: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`base must be http or https: ${base}`);
  }
  if (url.search || url.hash) throw new Error(`base must not have a query or fragment: ${base}`);
  const s = url.toString();
  return s.endsWith('/') ? s : `${s}/`;
}

/** The named graph a remote store holds the dataset in, unless configured. */
export const defaultGraphName = (base: string): string => `${base}graph`;

/** Reads `--store`, `--endpoint`, `--update` and `--graph` into a StoreConfig; throws a message on a bad combination. */
export function storeConfig(
  values: {
    store?: string | undefined;
    endpoint?: string | undefined;
    update?: string | undefined;
    'graph-store'?: string | undefined;
    graph?: string | undefined;
  },
  base: string,
  /** Where the loader's account comes from: NPCSC_STORE_USER and NPCSC_STORE_PASSWORD (never the command line). */
  env: Readonly<Record<string, string | undefined>> = {},
): StoreConfig {
  const kind = values.store ?? (values.endpoint ? 'sparql' : 'memory');
  if (kind === 'memory' || kind === 'oxigraph' || kind === 'comunica') {
    if (values.endpoint || values.update || values['graph-store']) {
      throw new Error(`--endpoint, --update and --graph-store go with --store sparql, not ${kind}`);
    }
    return { kind };
  }
  if (kind !== 'sparql') throw new Error(`--store must be memory, oxigraph, comunica or sparql, not ${kind}`);
  if (!values.endpoint) throw new Error('--store sparql needs --endpoint URL (its SPARQL 1.1 query endpoint)');
  for (const url of [values.endpoint, values.update, values['graph-store'], values.graph]) {
    if (url !== undefined && !/^https?:\/\//.test(url)) throw new Error(`not an http(s) URL: ${url}`);
  }
  return {
    kind: 'sparql',
    endpoint: values.endpoint,
    ...(values.update ? { update: values.update } : {}),
    ...(values['graph-store'] ? { graphStore: values['graph-store'] } : {}),
    graph: values.graph ?? defaultGraphName(base),
    ...(env.NPCSC_STORE_USER
      ? { credentials: { user: env.NPCSC_STORE_USER, password: env.NPCSC_STORE_PASSWORD ?? '' } }
      : {}),
  };
}

export function makeConfig(overrides: Partial<Omit<Config, 'limits'>> & { limits?: Partial<Limits> } = {}): Config {
  const base = normaliseBase(overrides.base ?? DEFAULT_BASE);
  return {
    base,
    publicBase: normaliseBase(overrides.publicBase ?? base),
    root: overrides.root ?? PROJECT_ROOT,
    serviceAllowlist: overrides.serviceAllowlist ?? [WIKIDATA_QUERY_SERVICE],
    trustedProxies: overrides.trustedProxies ?? [],
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
    store: overrides.store ?? { kind: 'memory' },
  };
}
