// The Graph: load, derive, validate, then an immutable store with its content hash, built once.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Quad, Store } from 'n3';
import { type Config, DEFAULT_BASE } from '../config.ts';
import { type DeriveReport, derive } from './derive.ts';
import { listFiles, parseTurtle, parseTurtleFile } from './load.ts';
import { prefixesFor } from './ns.ts';
import { loadQueryDir, type QueryFile } from './queries.ts';
import { toNTriples } from './serialize.ts';
import { ValidationFailed, type Violation, validate } from './validate.ts';

export interface Graph {
  readonly store: Store;
  readonly base: string;
  /** sha256 of the sorted N-Triples: changes exactly when the content does. */
  readonly hash: string;
  readonly prefixes: Record<string, string>;
  /** The JSON-LD context, rewritten for the configured base. */
  readonly context: object;
  readonly counts: { asserted: number; derived: number; total: number };
  /** Warnings (and infos) the build let through. */
  readonly warnings: readonly Violation[];
  readonly derivation: DeriveReport;
  readonly builtAt: Date;
}

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

/** The context file names the default base; a server with another base gets its own. */
export function loadContext(file: string, base: string): object {
  const text = readFileSync(file, 'utf8').split(DEFAULT_BASE).join(base);
  return JSON.parse(text) as object;
}

export function hashQuads(ntriples: string): string {
  return createHash('sha256').update(ntriples).digest('hex');
}

/**
 * Builds the Graph. Throws DataSyntaxError (file:line:column) on bad Turtle, RuleError on a broken rule,
 * and ValidationFailed when a shape or check reports a violation; nothing partial is returned.
 */
export async function buildGraph(config: Config, inputs: BuildInputs = defaultInputs(config.root)): Promise<Graph> {
  const { base, root } = config;
  const store = new Store();
  for (const file of inputs.graphFiles) store.addQuads(parseTurtleFile(file, base, root));
  const asserted = store.size;
  const shapes: Quad[] = inputs.shapesFiles.flatMap((f) => parseTurtleFile(f, base, root));

  const derivation = await derive(store, inputs.rules, base);
  const results = await validate(store, shapes, inputs.checks, base);
  const violations = results.filter((r) => r.severity === 'violation');
  if (violations.length > 0) throw new ValidationFailed(violations);

  const nt = await toNTriples(store.getQuads(null, null, null, null));
  return {
    store,
    base,
    hash: hashQuads(nt),
    prefixes: prefixesFor(base),
    context: loadContext(inputs.contextFile, base),
    counts: { asserted, derived: store.size - asserted, total: store.size },
    warnings: results.filter((r) => r.severity !== 'violation'),
    derivation,
    builtAt: new Date(),
  };
}

/** Files whose content decides what a build produces: the inputs and the code that derives and validates. */
function buildDigest(config: Config, inputs: BuildInputs): string {
  const code = [
    ...listFiles(path.join(config.root, 'src', 'rdf'), '.ts'),
    path.join(config.root, 'src', 'sparql', 'engine.ts'),
  ];
  const files = [...inputs.graphFiles, ...inputs.shapesFiles, ...inputs.rules.map((r) => r.file)];
  const h = createHash('sha256').update(config.base);
  for (const f of [...files, ...inputs.checks.map((c) => c.file), inputs.contextFile, ...code]) {
    h.update(`\0${path.relative(config.root, f)}\0`).update(readFileSync(f));
  }
  return h.digest('hex');
}

interface CacheMeta {
  digest: string;
  hash: string;
  counts: Graph['counts'];
  warnings: Violation[];
  derivation: DeriveReport;
}

/**
 * The Graph, from the build cache when nothing that decides its content has changed since it was built and
 * validated; otherwise built (and cached). Start-up then costs a parse of N-Triples, not a derivation.
 */
export async function loadGraph(config: Config, inputs: BuildInputs = defaultInputs(config.root)): Promise<Graph> {
  const digest = buildDigest(config, inputs);
  const dir = path.join(config.root, 'node_modules', '.cache', 'npcsc-kg');
  const ntFile = path.join(dir, `${digest}.nt`);
  const metaFile = path.join(dir, `${digest}.json`);
  try {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
    const nt = readFileSync(ntFile, 'utf8');
    if (meta.digest === digest && hashQuads(nt) === meta.hash) {
      const store = new Store(parseTurtle(nt, ntFile, config.base));
      return {
        store,
        base: config.base,
        hash: meta.hash,
        prefixes: prefixesFor(config.base),
        context: loadContext(inputs.contextFile, config.base),
        counts: meta.counts,
        warnings: meta.warnings,
        derivation: meta.derivation,
        builtAt: new Date(),
      };
    }
  } catch {
    // No usable cache entry: build.
  }
  const graph = await buildGraph(config, inputs);
  try {
    mkdirSync(dir, { recursive: true });
    const nt = await toNTriples(graph.store.getQuads(null, null, null, null));
    const meta: CacheMeta = {
      digest,
      hash: graph.hash,
      counts: graph.counts,
      warnings: [...graph.warnings],
      derivation: graph.derivation,
    };
    writeFileSync(`${ntFile}.${process.pid}.tmp`, nt);
    renameSync(`${ntFile}.${process.pid}.tmp`, ntFile);
    writeFileSync(`${metaFile}.${process.pid}.tmp`, JSON.stringify(meta));
    renameSync(`${metaFile}.${process.pid}.tmp`, metaFile);
  } catch {
    // A read-only checkout still serves; it only rebuilds at every start.
  }
  return graph;
}
