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
  /** Execution timeout of one query, in milliseconds. */
  timeoutMs: number;
  /** Queries executed at once; the excess waits briefly, then gets a 503. */
  concurrency: number;
}

export interface Config {
  /** Canonical base of every IRI in the dataset (identifiers never change with where it is served). */
  base: string;
  /** Public base where the running server answers (behind a proxy or on localhost); links use it. */
  publicBase: string;
  /** Project root: holds ontology/, data/ and queries/. */
  root: string;
  /** SPARQL SERVICE endpoints the engine may call; everything else is refused. */
  serviceAllowlist: string[];
  limits: Limits;
}

export const DEFAULT_BASE = 'https://w3id.org/npcsc/';
export const WIKIDATA_QUERY_SERVICE = 'https://query.wikidata.org/sparql';

export const DEFAULT_LIMITS: Limits = {
  queryLength: 20_000,
  bodyBytes: 64 * 1024,
  resultRows: 10_000,
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

export function makeConfig(overrides: Partial<Omit<Config, 'limits'>> & { limits?: Partial<Limits> } = {}): Config {
  const base = normaliseBase(overrides.base ?? DEFAULT_BASE);
  return {
    base,
    publicBase: normaliseBase(overrides.publicBase ?? base),
    root: overrides.root ?? PROJECT_ROOT,
    serviceAllowlist: overrides.serviceAllowlist ?? [WIKIDATA_QUERY_SERVICE],
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
  };
}
