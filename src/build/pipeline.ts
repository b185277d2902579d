// The build: parses the ontology and data, derives with the rules, validates with the shapes and checks, and gives the Graph (or throws; nothing partial).
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { type Quad, Store } from 'n3';
import type { Config } from '../config.ts';
import { checkDates } from '../rdf/dates.ts';
import {
  type DeriveReport,
  type Graph,
  hashQuads,
  loadContext,
  ValidationFailed,
  type Violation,
} from '../rdf/graph.ts';
import { listFiles, parseTurtleFile } from '../rdf/load.ts';
import { FN, prefixesFor } from '../rdf/ns.ts';
import { loadQueryDir, type QueryFile } from '../rdf/queries.ts';
import { toNTriples } from '../rdf/serialize.ts';
import { extensionFunctions, type QueryResult } from '../store/comunica.ts';
import type { OxigraphBackend, prepare as Prepare } from '../store/oxigraph.ts';
import type { Prepared } from '../store/portable.ts';
import { derive, type RuleEngine } from './derive.ts';
import { type CheckRunner, validate } from './validate.ts';

/**
 * What derives and checks: Oxigraph over a copy of the n3 Store (`auto`, the default), or Comunica over the store
 * itself. Both give the same graph (tests/scale/build.test.ts); Oxigraph is faster at every size (measured on the
 * shipped data: 0.8-2.1 s against 5.8 s; at 13k triples 15 s for Comunica's rules; about a second a rule at 1M),
 * and a build on it never loads Comunica, which a server then loads only for a federated query.
 */
export type BuildEngine = 'auto' | 'comunica' | 'oxigraph';

export interface BuildInputs {
  /** Turtle files asserted into the graph: the ontology (less shapes) and data. */
  graphFiles: string[];
  shapesFiles: string[];
  rules: QueryFile[];
  checks: QueryFile[];
  contextFile: string;
}

/** What a normal build reads from the repository. */
export function defaultInputs(root: string): BuildInputs {
  const ontology = listFiles(path.join(root, 'ontology'), '.ttl');
  const isShapes = (f: string) => /shapes/.test(path.basename(f));
  return {
    graphFiles: [...ontology.filter((f) => !isShapes(f)), ...listFiles(path.join(root, 'data'), '.ttl')],
    shapesFiles: ontology.filter(isShapes),
    rules: loadQueryDir(path.join(root, 'queries', 'rules')),
    checks: loadQueryDir(path.join(root, 'queries', 'checks')),
    contextFile: path.join(root, 'ontology', 'context.jsonld'),
  };
}

/**
 * Builds the Graph. Throws DataSyntaxError (file:line:column) on bad Turtle, RuleError on a broken rule,
 * and ValidationFailed when a date is no calendar value or a shape or check reports a violation; nothing
 * partial is returned.
 */
export async function buildGraph(
  config: Config,
  inputs: BuildInputs = defaultInputs(config.root),
  engine: BuildEngine = 'auto',
): Promise<Graph> {
  return (await buildWithNTriples(config, inputs, engine)).graph;
}

/** buildGraph, with the sorted N-Triples its hash is of: the build cache writes them as they are. */
export async function buildWithNTriples(
  config: Config,
  inputs: BuildInputs = defaultInputs(config.root),
  engine: BuildEngine = 'auto',
): Promise<{ graph: Graph; nt: string }> {
  const { base, root } = config;
  const store = new Store();
  const badDates: Violation[] = [];
  for (const file of inputs.graphFiles) {
    const quads = parseTurtleFile(file, base, root);
    badDates.push(...checkDates(quads, path.relative(root, file) || file));
    store.addQuads(quads);
  }
  // Refused before any rule runs: a rule would derive bounds and durations from a day that does not exist.
  if (badDates.length > 0) throw new ValidationFailed(badDates);
  const asserted = store.size;
  const shapes: Quad[] = inputs.shapesFiles.flatMap((f) => parseTurtleFile(f, base, root));

  const useOxigraph = engine !== 'comunica';
  // Loaded only when used: a server starting from the cache never pays for the WASM module.
  const oxigraph = useOxigraph ? await import('../store/oxigraph.ts') : undefined;
  const copy =
    oxigraph &&
    baselineOnly(asserted, () => oxigraph.OxigraphBackend.fromQuads(store.getQuads(null, null, null, null)));
  let derivation: DeriveReport;
  let results: Violation[];
  try {
    const run = oxigraph && copy && onOxigraph(oxigraph.prepare, copy);
    derivation = await derive(store, inputs.rules, base, 8, run && oxigraphRules(run));
    results = await validate(store, shapes, inputs.checks, base, run && oxigraphChecks(run));
  } finally {
    copy?.close();
  }
  const violations = results.filter((r) => r.severity === 'violation');
  if (violations.length > 0) throw new ValidationFailed(violations);

  const nt = await toNTriples(store.getQuads(null, null, null, null));
  const graph: Graph = {
    store,
    base,
    hash: hashQuads(nt),
    prefixes: prefixesFor(base),
    context: loadContext(inputs.contextFile, base, root),
    counts: { asserted, derived: store.size - asserted, total: store.size },
    warnings: results.filter((r) => r.severity !== 'violation'),
    derivation,
    builtAt: new Date(),
  };
  return { graph, nt };
}

/**
 * Below this many asserted triples, the build's WASM code stays on V8's baseline compiler (Liftoff). On the
 * shipped data the optimizing compiler's background threads took about a second of CPU during a build that runs
 * each rule three times (measured on this 2-core machine: process CPU 3.4-4.1 s against 2.6-3.3 s, the main
 * thread's unchanged), competing with the server's start for the second core; on a large graph the optimized code
 * pays for itself (at 53k triples the main thread took 7% longer without it).
 */
const BASELINE_WASM_BELOW = 20_000;

/**
 * Runs `open` (which compiles Oxigraph's module, if it is the process's first) on the baseline compiler when the
 * graph is small. V8 fixes a module's tiering when it compiles it, so the flag is put back at once: a module
 * compiled later in the process is optimized as usual.
 */
function baselineOnly<T>(asserted: number, open: () => T): T {
  if (asserted >= BASELINE_WASM_BELOW) return open();
  setFlagsFromString('--liftoff-only');
  try {
    return open();
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}

/** The local names of the project's functions: an IRI naming one spells it (a query reads no escape in it). */
const FUNCTION_NAMES = Object.keys(extensionFunctions).map((iri) => iri.slice(FN.length));
const callsNoFunction = (text: string): boolean => !FUNCTION_NAMES.some((name) => text.includes(name));

/** A query run by Oxigraph over the build's copy of the store. */
interface OnOxigraph {
  copy: OxigraphBackend;
  run(text: string, baseIRI: string): QueryResult;
}

/**
 * Runs queries as OxigraphBackend.runSync does, each text made portable once: the rules run again every round,
 * and making one portable (a parse and a generation) cost more than running it on the shipped data.
 */
function onOxigraph(prepare: typeof Prepare, copy: OxigraphBackend): OnOxigraph {
  const prepared = new Map<string, Prepared>();
  return {
    copy,
    run: (text, baseIRI) => {
      const key = `${baseIRI}\0${text}`;
      let portable = prepared.get(key);
      if (!portable) {
        // A text that names none of the functions goes as Oxigraph reads it where it can (see asWritten),
        // without a parse: that spares the SPARQL parser most of the shipped rules and checks.
        portable = prepare(text, callsNoFunction(text) ? { baseIRI, extensions: false } : { baseIRI });
        prepared.set(key, portable);
      }
      // runSync refuses a SERVICE: the WASM build cannot call one, and the build calls no other endpoint.
      return copy.runSync(text, { baseIRI, prepared: portable });
    },
  };
}

/** The rules evaluated by Oxigraph over its copy, which is told of every triple they add. */
function oxigraphRules({ copy, run }: OnOxigraph): RuleEngine {
  return {
    construct: async (text, baseIRI) => {
      const r = run(text, baseIRI);
      if (r.type !== 'quads') throw new Error('a rule must be a CONSTRUCT query');
      return r.quads;
    },
    added: (quads) => copy.addQuads(quads),
  };
}

/** The checks evaluated by Oxigraph over its copy. */
function oxigraphChecks({ run }: OnOxigraph): CheckRunner {
  return async (text, baseIRI) => {
    const r = run(text, baseIRI);
    if (r.type !== 'bindings') throw new Error('a check must be a SELECT query');
    return r.rows;
  };
}
