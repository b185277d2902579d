// The export's w3id.org rules (w3id.org/npcsc/.htaccess) run by Debian's Apache with mod_rewrite, as w3id.org runs
// them: a document root holding npcsc/.htaccess with AllowOverride All, on 127.0.0.1; each canonical IRI must answer
// 303 with the document on the deployment that the server's own negotiation picks for the Accept header real clients
// send. Skipped where Apache is not installed, except in CI (.ci/run installs it).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { htaccessFile, htaccessPath } from '../../src/export/htaccess.ts';
import { negotiateFormat, suffixOf } from '../../src/publish/formats.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { CLIENTS } from '../support/accept-clients.ts';
import { type Daemon, startDaemon } from '../support/daemon.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { freePort } from '../support/net.ts';

const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
// In CI (.ci/run installs Apache) the tests run even so: a skip there would hide a failure.
const absent = !process.env.CI && (!existsSync(APACHE) || !existsSync(path.join(MODULES, 'mod_rewrite.so')));

/** The canonical base (as on w3id.org) and where the deployment's documents are. */
const BASE = 'https://w3id.org/npcsc/';
const DEPLOYMENT = 'https://npcsc.example.org/kg/';

/** One identifier of each kind, and the paths that only name the ontology (its terms are `ontology#Term`). */
const IDENTIFIERS = [
  'id/office/secretary-general',
  'id/person/peng-zhen',
  'id/tenure/secretary-general/1',
  'id/dataset/npcsc-kg',
];
const ONTOLOGY = ['ontology', 'ontology/alignments'];

describe.skipIf(absent)("The export's w3id.org rules, run by Apache with mod_rewrite", () => {
  let work: string;
  let port: number;
  let apache: Daemon | undefined;
  /** The server, on the deployment's public base: the Location it gives is the one w3id.org must give. */
  let app: Hono;

  const get = (target: string, accept?: string) =>
    fetch(`http://127.0.0.1:${port}/${target}`, { redirect: 'manual', ...(accept ? { headers: { accept } } : {}) });

  beforeAll(async () => {
    const graph = await realGraph();
    expect(graph.base).toBe(BASE);
    app = createApp(graph, testConfig({ publicBase: DEPLOYMENT }), [linkedDataRoutes]);
    work = mkdtempSync(path.join(tmpdir(), 'npcsc-apache-'));
    // As on w3id.org: the namespace's folder under the document root. The export names it w3id.org/npcsc/.htaccess.
    const file = htaccessPath(BASE);
    expect(file).toBe('w3id.org/npcsc/.htaccess');
    const www = path.join(work, 'www');
    mkdirSync(path.join(www, 'npcsc'), { recursive: true });
    writeFileSync(path.join(www, file.slice('w3id.org/'.length)), htaccessFile(BASE, DEPLOYMENT));
    // Apache's workers run as nobody when started by root: they must be able to read the .htaccess.
    for (const dir of [work, www, path.join(www, 'npcsc')]) chmodSync(dir, 0o755);
    port = await freePort();
    const q = (p: string) => JSON.stringify(p);
    const conf = path.join(work, 'httpd.conf');
    writeFileSync(
      conf,
      `ServerRoot ${q(work)}
DefaultRuntimeDir ${q(work)}
PidFile ${q(path.join(work, 'httpd.pid'))}
ErrorLog ${q(path.join(work, 'error.log'))}
LogLevel warn
${['mpm_event', 'authz_core', 'rewrite'].map((m) => `LoadModule ${m}_module ${q(path.join(MODULES, `mod_${m}.so`))}`).join('\n')}
${process.getuid?.() === 0 ? 'User #65534\nGroup #65534\n' : ''}Listen 127.0.0.1:${port}
ServerName 127.0.0.1
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
DocumentRoot ${q(www)}
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory ${q(www)}>
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
`,
    );
    apache = await startDaemon(APACHE, ['-f', conf, '-DFOREGROUND'], {
      name: 'Apache',
      ready: `http://127.0.0.1:${port}/`,
      errorLog: path.join(work, 'error.log'),
      pidFile: path.join(work, 'httpd.pid'),
    });
  }, 120_000);

  afterAll(async () => {
    await apache?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("answers each identifier with 303 to the document the server's negotiation picks, for each client", async () => {
    let checked = 0;
    const chosen = new Map<string, string>();
    for (const [client, accept] of CLIENTS) {
      for (const id of IDENTIFIERS) {
        const server = await app.request(`/${id}`, { headers: { accept } });
        expect(server.status, `${client} ${id}`).toBe(303);
        const res = await get(`npcsc/${id}`, accept);
        expect(res.status, `${client} ${id}`).toBe(303);
        expect(res.headers.get('location'), `${client} ${id}`).toBe(server.headers.get('location'));
        checked++;
      }
      // The ontology's IRI is a document of the server (no 303 there): w3id.org sends it to the file Accept picks.
      const suffix = suffixOf(negotiateFormat(accept) ?? 'html');
      for (const target of ONTOLOGY) {
        const res = await get(`npcsc/${target}`, accept);
        expect(res.status, `${client} ${target}`).toBe(303);
        expect(res.headers.get('location'), `${client} ${target}`).toBe(`${DEPLOYMENT}ontology${suffix}`);
        checked++;
      }
      chosen.set(client, suffix);
    }
    // What the issue is about: RDF clients get RDF, browsers and curl the page, q=0 is a refusal.
    for (const client of ['Comunica', 'rdf-dereference', 'Raptor (rapper)', 'Jena riot', 'rdflib nt', 'rdflib trig'])
      expect(chosen.get(client), client).not.toBe('.html');
    for (const client of ['Firefox', 'Chrome', 'curl']) expect(chosen.get(client), client).toBe('.html');
    expect(chosen.get('rdflib turtle')).toBe('.ttl');
    expect(chosen.get('Turtle above the rest, by q')).toBe('.ttl');
    expect(chosen.get('the page refused with q=0')).not.toBe('.html');
    expect(chosen.get('Turtle refused with q=0, then the wildcard')).toBe('.nt');
    expect(chosen.get('order against q: the later type wins by q')).toBe('.jsonld');
    console.info(`Apache: ${checked} answers checked (started in ${apache?.startMs.toFixed(0)} ms)`);
  });

  it('sends a request with no Accept header to the page, and the base to the home page', async () => {
    const res = await get('npcsc/id/person/peng-zhen');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${DEPLOYMENT}doc/person/peng-zhen.html`);
    const home = await get('npcsc/', 'text/html');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe(DEPLOYMENT);
  });

  it('writes no rule that would redirect an identifier to itself', () => {
    const file = htaccessFile(BASE, BASE);
    expect(file).not.toMatch(/^Rewrite/m);
    expect(file).toMatch(/--public-base/);
  });
});

if (absent)
  describe("The export's w3id.org rules, run by Apache with mod_rewrite", () => {
    it.skip('needs Apache with mod_rewrite (apt-get install apache2); CI installs it and runs these tests', () => {});
  });
