// The build cache: the Graph of a digest of the inputs and the build's code, kept as N-Triples and read back instead of rebuilt.
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
import { writeFileAtomically } from '../atomic.ts';
import { codeDigest } from '../code-digest.ts';
import type { Config } from '../config.ts';
import { type DeriveReport, type Graph, hashFile, loadContext, readNTriples, type Violation } from '../rdf/graph.ts';
import type { Dump } from '../rdf/load.ts';
import { prefixesFor } from '../rdf/ns.ts';
import { type BuildInputs, buildWithNTriples, defaultInputs } from './pipeline.ts';

/**
 * The folders of the code a build runs, under the running code's root (src/ or lib/): by the import rule
 * (.dependency-cruiser.cjs) the build stands on these floors and the ground files directly in the root.
 */
export const BUILD_CODE = ['rdf', 'store', 'build'];
/** The running code's root (src/ or lib/): this file is one folder down in it. */
const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Files whose content decides what a build produces: the inputs and the code that derives and validates. */
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

/** Where the build cache keeps the graph of `config` (whether or not it has been built yet). */
export function cacheFiles(config: Config, inputs: BuildInputs = defaultInputs(config.root)) {
  const digest = buildDigest(config, inputs);
  const dir = path.join(config.root, 'node_modules', '.cache', 'npcsc-kg');
  return { digest, dir, ntFile: path.join(dir, `${digest}.nt`), metaFile: path.join(dir, `${digest}.json`) };
}

/**
 * The Graph, from the build cache when nothing that decides its content has changed since it was built and
 * validated; otherwise built (and cached). Start-up then costs a parse of N-Triples, not a derivation.
 */
export async function loadGraph(
  config: Config,
  inputs: BuildInputs = defaultInputs(config.root),
  /**
   * Called, when the graph comes from the cache, with the Graph as soon as its dump is verified and before its
   * N-Triples are parsed (tens of milliseconds to seconds): what reads the dump (a query runner, which reads it
   * in a process of its own) can start then. Its `store` is read only once loadGraph has resolved.
   */
  pinned?: (graph: Graph) => void,
): Promise<Graph> {
  const { digest, dir, ntFile, metaFile } = cacheFiles(config, inputs);
  try {
    // Only regular files are read: a directory, a link, a pipe (which would block the read for ever) or a socket
    // in an entry's place is damage like any other, and rebuilt.
    if (!isFile(metaFile) || !isFile(ntFile)) throw new Error('no usable cache entry');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
    const dump = meta.digest === digest ? pinDump(ntFile, meta.hash) : undefined;
    if (dump) {
      // Marks the entry as in use, so that pruning (below) leaves it; a read-only cache is left as it is.
      try {
        const now = new Date();
        utimesSync(metaFile, now, now);
      } catch {}
      let store: Graph['store'] | undefined;
      const graph: Graph = {
        get store(): Graph['store'] {
          if (!store) throw new Error('the graph is still loading');
          return store;
        },
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
      pinned?.(graph);
      store = readNTriples(dump.fd);
      // A plain property from now on, as a built Graph's is.
      Object.defineProperty(graph, 'store', { value: store, enumerable: true, writable: false });
      return graph;
    }
  } catch {
    // No usable cache entry: build.
  }
  // The N-Triples the build hashed are what the entry keeps: the graph is not written out twice.
  const { graph, nt } = await buildWithNTriples(config, inputs);
  try {
    // Whatever stands where the entry goes, of whatever kind, goes first: a rename cannot replace a directory.
    for (const f of [metaFile, ntFile]) rmSync(f, { recursive: true, force: true });
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
