// Reads the W3C SPARQL 1.1 Protocol and Service Description manifests and builds the harness's own app over their data.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as RDF from '@rdfjs/types';
import { DataFactory, Parser, Store, Writer } from 'n3';
import { createApp } from '../../src/app.ts';
import { makeConfig, type StoreConfig } from '../../src/config.ts';
import { type Graph, hashQuads } from '../../src/rdf/graph.ts';
import { sparqlRoutes } from '../../src/sparql/endpoint.ts';
import { poolFor } from '../../src/sparql/pool.ts';

const { namedNode } = DataFactory;

/** The repository's root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the W3C test suite is: the folder NPCSC_CONFORMANCE_DIR names (relative to the repository's root), by default
 * `../shared/conformance`, which CI lays beside the clone. The suite is W3C's, not ours, so it is not in the
 * repository; the folder holds either `sparql11-protocol/` and `sparql11-service-description/` (CI's copy) or
 * `protocol/` and `service-description/` (the `sparql/sparql11/` folder of a w3c/rdf-tests checkout).
 */
export const CONFORMANCE_DIR = path.resolve(
  REPO,
  process.env.NPCSC_CONFORMANCE_DIR || path.join('..', 'shared', 'conformance'),
);

/** The folder of one suite ('protocol' or 'service-description'), or undefined when the suite is not there. */
function suiteDir(name: 'protocol' | 'service-description'): string | undefined {
  return [`sparql11-${name}`, name]
    .map((d) => path.join(CONFORMANCE_DIR, d))
    .find((d) => existsSync(path.join(d, 'manifest.ttl')));
}

/** The folders of the two suites, or why the conformance tests are skipped. */
export const SUITES = (() => {
  const protocol = suiteDir('protocol');
  const serviceDescription = suiteDir('service-description');
  if (protocol && serviceDescription) return { protocol, serviceDescription, missing: undefined };
  return {
    protocol: '',
    serviceDescription: '',
    missing:
      `skipped: the W3C SPARQL 1.1 Protocol and Service Description manifests are not in ${CONFORMANCE_DIR}; ` +
      'set NPCSC_CONFORMANCE_DIR to the sparql/sparql11 folder of a checkout of https://github.com/w3c/rdf-tests',
  };
})();
if (SUITES.missing) console.warn(`W3C conformance tests ${SUITES.missing}`);

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  mf: 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#',
  ht: 'http://www.w3.org/2011/http#',
  cnt: 'http://www.w3.org/2011/content#',
  hts: 'http://www.w3.org/2011/http-statusCodes#',
  ut: 'http://www.w3.org/2009/sparql/tests/test-update#',
  sd: 'http://www.w3.org/ns/sparql-service-description#',
};

/** A manifest as a store, with helpers to walk it. */
export class Manifest {
  readonly store: Store;
  readonly file: string;

  constructor(file: string) {
    this.file = file;
    const text = readFileSync(file, 'utf8');
    this.store = new Store(new Parser({ baseIRI: pathToFileURL(file).href }).parse(text));
  }

  one(s: RDF.Term, p: string): RDF.Term | undefined {
    return this.store.getObjects(s as RDF.Quad_Subject, namedNode(p), null)[0];
  }

  all(s: RDF.Term, p: string): RDF.Term[] {
    return this.store.getObjects(s as RDF.Quad_Subject, namedNode(p), null);
  }

  list(head: RDF.Term | undefined): RDF.Term[] {
    const out: RDF.Term[] = [];
    let node = head;
    while (node && node.value !== `${NS.rdf}nil`) {
      const first = this.one(node, `${NS.rdf}first`);
      if (first) out.push(first);
      node = this.one(node, `${NS.rdf}rest`);
    }
    return out;
  }

  /** The entries of the manifest, in order. */
  entries(): RDF.Term[] {
    const manifest = this.store.getSubjects(namedNode(`${NS.rdf}type`), namedNode(`${NS.mf}Manifest`), null)[0];
    if (!manifest) throw new Error(`${this.file}: no mf:Manifest`);
    return this.list(this.one(manifest, `${NS.mf}entries`));
  }
}

export const localName = (t: RDF.Term): string => t.value.slice(t.value.lastIndexOf('#') + 1);

export interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: { chars: string; encoding: string } | undefined;
  expectedStatus: string[];
  expectedFormat: string | undefined;
  expectedBoolean: boolean | undefined;
}

export interface ProtocolTest {
  id: string;
  name: string;
  requests: HttpRequestSpec[];
  /** Graph files of the test and the IRIs they are loaded under. */
  graphData: { file: string; name: string }[];
}

export function protocolTests(m: Manifest): ProtocolTest[] {
  return m.entries().map((entry) => {
    const action = m.one(entry, `${NS.mf}action`);
    const requests = m.list(action && m.one(action, `${NS.ht}requests`)).map((r): HttpRequestSpec => {
      const headers: Record<string, string> = {};
      for (const h of m.list(m.one(r, `${NS.ht}headers`))) {
        headers[m.one(h, `${NS.ht}fieldName`)?.value ?? ''] = m.one(h, `${NS.ht}fieldValue`)?.value ?? '';
      }
      const body = m.one(r, `${NS.ht}body`);
      const resp = m.one(r, `${NS.ht}resp`);
      const bool = resp && m.one(resp, `${NS.mf}expectedBoolean`);
      return {
        method: m.one(r, `${NS.ht}methodName`)?.value ?? 'GET',
        path: m.one(r, `${NS.ht}absolutePath`)?.value ?? '/sparql/',
        headers,
        body: body && {
          chars: m.one(body, `${NS.cnt}chars`)?.value ?? '',
          encoding: m.one(body, `${NS.cnt}characterEncoding`)?.value ?? 'UTF-8',
        },
        expectedStatus: resp ? m.all(resp, `${NS.mf}expectedStatus`).map(localName) : [],
        expectedFormat: resp && m.one(resp, `${NS.mf}expectedFormat`)?.value,
        expectedBoolean: bool ? bool.value === 'true' : undefined,
      };
    });
    const graphData = m.all(entry, `${NS.ut}graphData`).map((g) => ({
      file: fileURLToPath(m.one(g, `${NS.ut}graph`)?.value ?? ''),
      name: m.one(g, `${NS.rdfs}label`)?.value ?? '',
    }));
    return { id: localName(entry), name: m.one(entry, `${NS.mf}name`)?.value ?? '', requests, graphData };
  });
}

/**
 * The request the manifest describes, against the harness's own endpoint at http://www.example/sparql, or at
 * `origin` (the same app on a real socket).
 */
export function toRequest(spec: HttpRequestSpec, origin = 'http://www.example'): Request {
  const url = `${origin}${spec.path.replace(/^\/sparql\//, '/sparql')}`;
  const body = spec.body
    ? spec.body.encoding.toUpperCase() === 'UTF-16'
      ? new Uint8Array(Buffer.from(`\ufeff${spec.body.chars}`, 'utf16le'))
      : new TextEncoder().encode(spec.body.chars)
    : undefined;
  // A byte body, so that fetch adds no Content-Type of its own where the test sends none.
  return new Request(url, { method: spec.method, headers: spec.headers, ...(body ? { body } : {}) });
}

/** A Graph holding the given N-Triples files as named graphs, and nothing in the default graph. */
export function namedGraphs(files: { file: string; name: string }[]): Graph {
  const store = new Store();
  for (const { file, name } of files) {
    const quads = new Parser({ format: 'N-Triples' }).parse(readFileSync(file, 'utf8'));
    for (const q of quads) store.addQuad(q.subject, q.predicate, q.object, namedNode(name));
  }
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString(store.getQuads(null, null, null, null));
  return {
    store,
    base: 'http://www.example/',
    hash: hashQuads(nquads),
    prefixes: {},
    context: {},
    counts: { asserted: store.size, derived: 0, total: store.size },
    warnings: [],
    derivation: {} as Graph['derivation'],
    builtAt: new Date(),
  };
}

/** The harness's own app: its data only, served as http://www.example/ (the manifests' authority), on `store`. */
export async function harnessApp(graph: Graph, store: StoreConfig = { kind: 'memory' }) {
  const config = makeConfig({
    base: 'http://www.example/',
    publicBase: 'http://www.example/',
    serviceAllowlist: [],
    store,
  });
  const app = createApp(graph, config, [sparqlRoutes]);
  await poolFor(graph, config.limits.concurrency, store).ready();
  return app;
}
