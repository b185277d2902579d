// The Graph: load, derive, validate, then an immutable store with its content hash, built once.
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Quad, Store } from 'n3';
import { writeFileAtomically } from '../atomic.ts';
import { codeDigest } from '../code-digest.ts';
import { type Config, DEFAULT_BASE } from '../config.ts';
import { checkDates } from './dates.ts';
import { type DeriveReport, derive } from './derive.ts';
import { FrozenStore } from './frozen.ts';
import { type Dump, eachLineChunk, InputFileError, listFiles, parseTurtleFile, readUtf8 } from './load.ts';
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
  /** Where the build cache keeps the N-Triples of exactly this graph, when it does. Others may remove it. */
  readonly ntFile?: string;
  /**
   * This process's own verified copy of those N-Triples, when there is one: what query threads load (never the
   * cache file, which pruning by another process, a redeploy or a truncation can change under them).
   */
  readonly dump?: Dump;
}

/**
 * What derives and checks: Comunica over the n3 Store, or Oxigraph over a copy of it. Comunica takes seconds
 * per rule from some ten thousand triples on (measured: 15 s for the rules at 13k triples, far too long at 1M),
 * Oxigraph about a second per rule at 1M; `auto` picks Oxigraph above AUTO_OXIGRAPH asserted triples. Both give
 * the same graph (tests/scale/build.test.ts).
 */
export type BuildEngine = 'auto' | 'comunica' | 'oxigraph';
export const AUTO_OXIGRAPH = 20_000;

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
 * The context file names the default base; a server with another base gets its own. Throws InputFileError,
 * naming the file, when it is not JSON or refers to a remote context: the server never fetches one (DESIGN.md),
 * so every JSON-LD answer would fail later, far from the cause.
 */
export function loadContext(file: string, base: string, root?: string): object {
  const shown = (root && path.relative(root, file)) || file;
  let context: unknown;
  try {
    context = JSON.parse(readUtf8(file, shown).split(DEFAULT_BASE).join(base));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new InputFileError(shown, `not valid JSON: ${e.message}`);
  }
  const remote = remoteContext(context);
  if (remote) {
    throw new InputFileError(
      shown,
      `"${remote.key}": "${remote.url}" names a remote context, which this server never fetches; put its terms in this file instead`,
    );
  }
  return context as object;
}

/** The first `@context` or `@import` anywhere in `value` that is a reference (a string), not a context itself. */
function remoteContext(value: unknown): { key: string; url: string } | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = remoteContext(v);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key === '@context' || key === '@import') {
      const refs = (Array.isArray(v) ? v : [v]).filter((r): r is string => typeof r === 'string');
      if (refs[0] !== undefined) return { key, url: refs[0] };
    }
    const found = remoteContext(v);
    if (found) return found;
  }
  return undefined;
}

export function hashQuads(ntriples: string): string {
  return createHash('sha256').update(ntriples).digest('hex');
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

  const useOxigraph = engine === 'oxigraph' || (engine === 'auto' && asserted > AUTO_OXIGRAPH);
  // Loaded only when used: the small graph and a server starting from the cache never pay for the WASM module.
  const copy = useOxigraph
    ? (await import('../store/oxigraph.ts')).OxigraphBackend.fromQuads(store.getQuads(null, null, null, null))
    : undefined;
  let derivation: DeriveReport;
  let results: Violation[];
  try {
    derivation = await derive(store, inputs.rules, base, 8, copy?.ruleEngine());
    results = await validate(store, shapes, inputs.checks, base, copy?.checkRunner());
  } finally {
    copy?.close();
  }
  const violations = results.filter((r) => r.severity === 'violation');
  if (violations.length > 0) throw new ValidationFailed(violations);

  const nt = await toNTriples(store.getQuads(null, null, null, null));
  return {
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
}

/**
 * The code that decides what a build produces, as folders of the running code (src/, or lib/ compiled): the rules'
 * engines and the build (rdf/, build/, store/, and sparql/ for the Comunica engine), with the ground beside them.
 */
export const BUILD_CODE = ['rdf', 'build', 'store', 'sparql'];
/** The running code's root (src/ or lib/): this file is one folder down in it. */
const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What decides what a build produces: the inputs and the code that derives and validates. */
function buildDigest(config: Config, inputs: BuildInputs): string {
  const files = [...inputs.graphFiles, ...inputs.shapesFiles, ...inputs.rules.map((r) => r.file)];
  const h = createHash('sha256').update(config.base);
  for (const f of [...files, ...inputs.checks.map((c) => c.file), inputs.contextFile]) {
    h.update(`\0${path.relative(config.root, f)}\0`).update(readFileSync(f));
  }
  // The code is where this file is, not under config.root (which holds only the inputs).
  h.update(`\0code\0${codeDigest(CODE_ROOT, BUILD_CODE)}`);
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
/** Where the build cache keeps the graph of `config` (whether or not it has been built yet). */
export function cacheFiles(config: Config, inputs: BuildInputs = defaultInputs(config.root)) {
  const digest = buildDigest(config, inputs);
  const dir = path.join(config.root, 'node_modules', '.cache', 'npcsc-kg');
  return { digest, dir, ntFile: path.join(dir, `${digest}.nt`), metaFile: path.join(dir, `${digest}.json`) };
}

export async function loadGraph(config: Config, inputs: BuildInputs = defaultInputs(config.root)): Promise<Graph> {
  const { digest, dir, ntFile, metaFile } = cacheFiles(config, inputs);
  try {
    // Only regular files are read: a directory, a link, a pipe (which would block the read for ever) or a socket
    // in an entry's place is damage like any other, and rebuilt.
    if (!isFile(metaFile) || !isFile(ntFile)) throw new Error('no usable cache entry');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
    const dump = meta.digest === digest ? pinDump(ntFile, meta.hash) : undefined;
    if (dump) {
      const store = readNTriples(dump.fd);
      // Marks the entry as in use, so that pruning (below) leaves it; a read-only cache is left as it is.
      try {
        const now = new Date();
        utimesSync(metaFile, now, now);
      } catch {}
      return {
        store,
        base: config.base,
        hash: meta.hash,
        prefixes: prefixesFor(config.base),
        context: loadContext(inputs.contextFile, config.base, config.root),
        counts: meta.counts,
        warnings: meta.warnings,
        derivation: meta.derivation,
        builtAt: new Date(),
        ntFile,
        dump,
      };
    }
  } catch {
    // No usable cache entry: build.
  }
  const graph = await buildGraph(config, inputs);
  try {
    // Whatever stands where the entry goes, of whatever kind, goes first: a rename cannot replace a directory.
    for (const f of [metaFile, ntFile]) rmSync(f, { recursive: true, force: true });
    const nt = await toNTriples(graph.store.getQuads(null, null, null, null));
    const meta: CacheMeta = {
      digest,
      hash: graph.hash,
      counts: graph.counts,
      warnings: [...graph.warnings],
      derivation: graph.derivation,
    };
    // The dump first: an entry is read only through its meta file, which comes last.
    writeFileAtomically(ntFile, nt);
    writeFileAtomically(metaFile, JSON.stringify(meta));
    pruneCache(dir);
    const dump = pinDump(ntFile, graph.hash);
    return dump ? { ...graph, ntFile, dump } : { ...graph, ntFile };
  } catch {
    // A read-only checkout still serves; it only rebuilds at every start.
  }
  return graph;
}

function isFile(file: string): boolean {
  try {
    return lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** Closes a pinned dump's descriptor once nothing holds the dump (its Graph and every pool over it are gone). */
const unpin = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {}
});

/**
 * A private copy of the cache file `ntFile`, if its bytes hash to `hash`: copied (a reflink where the file system
 * can), opened, and unlinked at once, so no other process (pruning, `npm ci`, an editor) can remove or change
 * it; its blocks stay for as long as the descriptor is open. Undefined when the file is missing or its bytes
 * are not those of `hash`.
 */
function pinDump(ntFile: string, hash: string): Dump | undefined {
  const copy = `${ntFile}.${process.pid}.${randomUUID()}.pin`;
  let fd: number;
  try {
    copyFileSync(ntFile, copy, constants.COPYFILE_FICLONE);
    fd = openSync(copy, 'r');
  } catch {
    return undefined;
  } finally {
    rmSync(copy, { force: true });
  }
  if (hashFile(fd) !== hash) {
    closeSync(fd);
    return undefined;
  }
  const dump: Dump = { fd, hash };
  unpin.register(dump, fd);
  return dump;
}

/** Cache entries not used for this long are removed when a new one is written. */
const CACHE_UNUSED_MS = 7 * 24 * 3600 * 1000;

/**
 * Removes the build cache's entries (digest.json and digest.nt) unused for CACHE_UNUSED_MS: every change to the
 * inputs or the build code makes a new entry, and a 1M-triple one is 166 MB. A recent entry stays, since another
 * process (a server, a query thread) may be reading it.
 */
function pruneCache(dir: string): void {
  const cutoff = Date.now() - CACHE_UNUSED_MS;
  for (const name of readdirSync(dir)) {
    const m = /^([0-9a-f]{64})\.json$/.exec(name);
    if (!m) continue;
    try {
      if (statSync(path.join(dir, name)).mtimeMs >= cutoff) continue;
      rmSync(path.join(dir, `${m[1]}.nt`), { force: true });
      rmSync(path.join(dir, name), { force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

/** sha256 of a file (or open descriptor), read in chunks (the digest hashQuads gives its text). */
export function hashFile(file: string | number): string {
  const h = createHash('sha256');
  eachLineChunk(file, (chunk) => h.update(chunk));
  return h.digest('hex');
}

/**
 * The Graph's store from an N-Triples file, read a few megabytes at a time: a FrozenStore (an n3 Store to every
 * reader, in typed arrays), measured at 1M triples at about a tenth of an n3 Store's memory.
 */
export function readNTriples(file: string | number): Store {
  return FrozenStore.fromFile(file);
}
