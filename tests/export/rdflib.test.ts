// Python's rdflib against the site, as the users ran it: every /id/ IRI read with each of rdflib's formats
// (turtle, xml, json-ld, nt, trig: rdflib sends its own Accept header for each) from the running server and from the
// static export behind nginx, and compared with the server's Turtle of that document. One python3 run per source
// (tests/export/rdflib_check.py). Skipped where python3 with rdflib (or nginx) is absent, except in CI (.ci/run installs them).
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { exportSite } from '../../src/export/site.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import type { Daemon } from '../support/daemon.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { freePort } from '../support/net.ts';
import { nginxBinary, startNginx } from '../support/nginx.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rdflib_check.py');
const FORMATS = ['turtle', 'xml', 'json-ld', 'nt', 'trig'];

/** A python3 with rdflib: the one on the PATH, or Debian's (where python3-rdflib installs it, under pyenv and the like). */
function findPython(): { python: string; version: string } | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const version = execFileSync(python, ['-c', 'import rdflib; print(rdflib.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      return { python, version };
    } catch {}
  }
  return undefined;
}
const found = findPython();
// In CI (.ci/run installs python3-rdflib and nginx) the tests run even so: a skip there would hide a failure.
const version = found?.version ?? (process.env.CI ? 'missing' : undefined);

interface Report {
  rdflib: string;
  checked: number;
  triples: number;
  mismatches: { iri: string; format: string; expected: number; got: number; missing: string[]; extra: string[] }[];
  errors: { iri: string; format: string; error: string }[];
  /** TriG reads done with a later rdflib's Accept header, where this rdflib sends none for TriG (rdflib_check.py). */
  trig_with_later_accept: number;
  seconds: { read: number; compare: number };
}

let work: string;
let graph: Graph;
/** Every identifier with a document: its path under the base (`id/person/x`). */
let ids: string[];

/**
 * Writes the reference Turtle of every document (`turtle(key)`), and the plan, runs the script against `root` (where
 * `id/…` answers), and returns its report. Asynchronous: the server may be in this very process.
 */
async function check(
  name: string,
  publicBase: string,
  root: string,
  turtle: (key: string) => Promise<string>,
): Promise<Report> {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  const cases = [];
  for (const [i, id] of ids.entries()) {
    const reference = path.join(dir, `${i}.ttl`);
    writeFileSync(reference, await turtle(`doc/${id.slice(3)}`));
    cases.push({ url: `${root}${id}`, reference, document: `${publicBase}doc/${id.slice(3)}.ttl` });
  }
  const plan = path.join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ formats: FORMATS, cases }));
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(found?.python ?? 'python3', [SCRIPT, plan], { maxBuffer: 64 * 1024 * 1024 }, (e, out, err) =>
      e ? reject(new Error(`rdflib_check.py failed: ${err || e.message}`)) : resolve(out),
    ),
  );
  return JSON.parse(stdout) as Report;
}

/** What the test prints, and what its assertion shows on failure: the counts and the first few problems. */
const summary = (r: Report) =>
  `rdflib ${r.rdflib}: ${r.checked} reads (${r.checked / FORMATS.length} IRIs × ${FORMATS.length} formats), ` +
  `${r.mismatches.length} mismatches, ${r.errors.length} errors; ${r.triples} reference triples ` +
  `(reading ${r.seconds.read.toFixed(1)} s, comparing ${r.seconds.compare.toFixed(1)} s)` +
  (r.trig_with_later_accept ? `; ${r.trig_with_later_accept} TriG reads with a later rdflib's Accept header` : '') +
  '\n' +
  JSON.stringify([...r.errors.slice(0, 5), ...r.mismatches.slice(0, 5)], null, 1);

beforeAll(async () => {
  if (version === undefined) return;
  work = mkdtempSync(path.join(tmpdir(), 'npcsc-rdflib-'));
  graph = await realGraph();
  ids = [...new Publisher(graph, testConfig()).keys.keys()]
    .filter((key) => key.startsWith('doc/'))
    .map((key) => `id/${key.slice(4)}`);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(version === undefined)("rdflib reading every identifier in each of rdflib's formats", () => {
  describe('from the running server', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      server.on(
        'request',
        getRequestListener(createApp(graph, testConfig({ publicBase: base }), [linkedDataRoutes]).fetch),
      );
    });
    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it("gets the server's Turtle triples, whatever the format", async () => {
      // The server's own Turtle document, by its suffix (no negotiation).
      const report = await check('server', base, base, async (key) => {
        const res = await fetch(`${base}${key}.ttl`);
        expect(res.status, key).toBe(200);
        return res.text();
      });
      console.info(`server: ${summary(report)}`);
      expect(report.checked).toBe(ids.length * FORMATS.length);
      expect(report.errors, summary(report)).toEqual([]);
      expect(report.mismatches, summary(report)).toEqual([]);
    }, 600_000);
  });

  describe.skipIf(nginxBinary() === undefined && !process.env.CI)('from the static export behind nginx', () => {
    let nginx: Daemon | undefined;
    let base: string;
    beforeAll(async () => {
      const www = path.join(work, 'www');
      const out = path.join(www, 'kg');
      const port = await freePort();
      base = `http://127.0.0.1:${port}/kg/`;
      await exportSite(graph, testConfig({ publicBase: base }), out);
      nginx = await startNginx({ work, www, export: out, port, ready: base });
    }, 300_000);
    afterAll(async () => {
      await nginx?.stop();
    });

    it("gets the server's Turtle triples, whatever the format", async () => {
      // The server's Turtle for the export's deployment: a static host has no SPARQL endpoint to describe.
      const publisher = new Publisher(graph, testConfig({ publicBase: base }));
      const report = await check('nginx', base, base, async (key) =>
        Buffer.from((await publisher.document(key, 'turtle', 'en')).body).toString('utf8'),
      );
      console.info(`nginx: ${summary(report)}`);
      expect(report.checked).toBe(ids.length * FORMATS.length);
      expect(report.errors, summary(report)).toEqual([]);
      expect(report.mismatches, summary(report)).toEqual([]);
    }, 600_000);
  });
});

if (version === undefined)
  describe("rdflib reading every identifier in each of rdflib's formats", () => {
    it.skip('needs python3 with rdflib (apt-get install python3-rdflib); CI installs it and runs these tests', () => {});
  });
