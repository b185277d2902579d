// The export's nginx rules (nginx.conf), run by a real nginx: the snippet wrapped in a complete configuration, the
// export served under a path prefix on 127.0.0.1, and the answers checked over HTTP (303s, negotiation, media types,
// security headers, 404 page, no way out of the export folder).
// Skipped where nginx is not installed, except in CI (process.env.CI), where .ci/run installs it and a skip would hide a failure.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { exportSite } from '../../src/export/site.ts';
import { PAGE_CSP, SECURITY_HEADERS } from '../../src/http/headers.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { CLIENTS } from '../support/accept-clients.ts';
import type { Daemon } from '../support/daemon.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { freePort } from '../support/net.ts';
import { nginxBinary, startNginx } from '../support/nginx.ts';

const binary = nginxBinary();
const run = binary !== undefined || Boolean(process.env.CI);

const PREFIX = '/kg/';
/** What every answer carries: the server's security headers, with the pages' policy (as in the export's _headers). */
const SECURITY = { ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP };
const MARKER = 'npcsc-outside-the-export';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe.runIf(run)('The nginx rules of a static export, run by nginx', () => {
  let work: string;
  let www: string;
  let out: string;
  let base: string;
  let port: number;
  let nginx: Daemon | undefined;
  /** The server itself, in process, on the same public base: what nginx must agree with. */
  let app: Hono;

  /** A request sent as written: fetch() would resolve `..` and `%2e%2e` before sending. */
  const raw = (target: string, headers: Record<string, string> = {}) =>
    new Promise<Raw>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: target, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const get = (pathAndQuery: string, accept?: string) =>
    fetch(`http://127.0.0.1:${port}${pathAndQuery}`, {
      redirect: 'manual',
      ...(accept ? { headers: { accept } } : {}),
    });
  const file = (name: string) => readFileSync(path.join(out, name));

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'npcsc-nginx-'));
    // The server's root is www/; the export is www/kg/, so the prefix maps to it. Beside www/, a file no request may reach.
    www = path.join(work, 'www');
    out = path.join(www, PREFIX.slice(1, -1));
    writeFileSync(path.join(work, 'secret.txt'), MARKER);
    port = await freePort();
    base = `http://127.0.0.1:${port}${PREFIX}`;
    await exportSite(await realGraph(), testConfig({ publicBase: base }), out);
    app = createApp(await realGraph(), testConfig({ publicBase: base }), [linkedDataRoutes]);
    nginx = await startNginx({ work, www, export: out, port, ready: base });
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('answers an identifier with 303 to the document in the format Accept asks for', async () => {
    const cases: [accept: string, suffix: string][] = [
      ['text/turtle', '.ttl'],
      ['text/html', '.html'],
      ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', '.html'],
      ['application/ld+json', '.jsonld'],
      ['application/n-triples', '.nt'],
      ['application/rdf+xml', '.rdf'],
      ['*/*', '.html'],
      // What rdflib sends for its nt, trig and (by type) nquads formats.
      ['text/plain, */*;q=0.1', '.nt'],
      ['application/trig, */*;q=0.1', '.trig'],
      ['application/n-quads, */*;q=0.1', '.nq'],
    ];
    for (const [accept, suffix] of cases) {
      const res = await get(`${PREFIX}id/person/peng-zhen`, accept);
      expect(res.status, accept).toBe(303);
      expect(res.headers.get('location'), accept).toBe(`${base}doc/person/peng-zhen${suffix}`);
      expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
    }
    // Every identifier's Location names a file of the export.
    const location = (await get(`${PREFIX}id/office/secretary-general`, 'text/turtle')).headers.get('location') ?? '';
    expect(existsSync(path.join(out, location.slice(base.length)))).toBe(true);
    console.info(`nginx: started in ${nginx?.startMs.toFixed(0)} ms`);
  });

  it("follows the server's own negotiation, q-values included, for the Accept headers real clients send", async () => {
    const chosen: string[] = [];
    for (const [client, accept] of CLIENTS) {
      // The app answers at the root, as behind a proxy that strips the prefix; its Location is on the public base.
      const server = await app.request('/id/person/peng-zhen', { headers: { accept } });
      expect(server.status, client).toBe(303);
      const location = server.headers.get('location') ?? '';
      const res = await get(`${PREFIX}id/person/peng-zhen`, accept);
      expect(res.status, client).toBe(303);
      expect(res.headers.get('location'), client).toBe(location);
      // The extension-less document: the very file the server's Location names, with the server's media type.
      const doc = await get(`${PREFIX}doc/person/peng-zhen`, accept);
      const served = await app.request(`/${location.slice(base.length)}`);
      expect(doc.status, client).toBe(200);
      expect(doc.headers.get('content-type'), client).toBe(served.headers.get('content-type'));
      expect(Buffer.from(await doc.arrayBuffer()).equals(file(location.slice(base.length))), client).toBe(true);
      chosen.push(`${client}: ${location.slice(location.lastIndexOf('.'))}`);
    }
    // What the issue is about: the RDF clients get RDF, the browsers the page.
    const formatOf = (client: string) => chosen.find((c) => c.startsWith(`${client}:`))?.split(': ')[1];
    for (const client of ['Comunica', 'rdf-dereference', 'Raptor (rapper)', 'rdflib nt', 'rdflib trig'])
      expect(formatOf(client), client).not.toBe('.html');
    for (const client of ['Firefox', 'Chrome']) expect(formatOf(client), client).toBe('.html');
  });

  it('answers an unknown identifier with 404, not a 303 to nowhere', async () => {
    const res = await get(`${PREFIX}id/person/nobody-of-that-name`, 'text/turtle');
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
  });

  it('serves every file of the export with its media type', async () => {
    const cases: [file: string, type: RegExp][] = [
      ['doc/person/peng-zhen.ttl', /^text\/turtle; charset=utf-8$/],
      ['doc/person/peng-zhen.jsonld', /^application\/ld\+json; charset=utf-8$/],
      ['doc/person/peng-zhen.nt', /^application\/n-triples; charset=utf-8$/],
      ['doc/person/peng-zhen.rdf', /^application\/rdf\+xml; charset=utf-8$/],
      ['doc/person/peng-zhen.nq', /^application\/n-quads; charset=utf-8$/],
      ['doc/person/peng-zhen.trig', /^application\/trig; charset=utf-8$/],
      ['doc/person/peng-zhen.html', /^text\/html; charset=utf-8$/],
      ['doc/person/peng-zhen.zh-Hans.html', /^text\/html; charset=utf-8$/],
      ['ontology.ttl', /^text\/turtle/],
      ['context.jsonld', /^application\/ld\+json/],
      ['sitemap.xml', /^application\/xml/],
      ['robots.txt', /^text\/plain/],
      ['assets/site.css', /^text\/css/],
      ['assets/favicon.svg', /^image\/svg\+xml/],
      ['dump.csv', /^text\/csv/],
      ['.well-known/void', /^text\/turtle/],
    ];
    for (const [name, type] of cases) {
      const res = await get(`${PREFIX}${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toMatch(type);
      expect(Buffer.from(await res.arrayBuffer()).equals(file(name)), name).toBe(true);
    }
    const home = await get(PREFIX, 'text/html');
    expect(home.status).toBe(200);
    expect(await home.text()).toBe(file('index.html').toString());
  });

  it('answers an extension-less document (and /ontology, /dataset) with the file Accept asks for', async () => {
    const cases: [target: string, accept: string, name: string][] = [
      ['doc/person/peng-zhen', 'application/ld+json', 'doc/person/peng-zhen.jsonld'],
      ['doc/person/peng-zhen', 'text/turtle', 'doc/person/peng-zhen.ttl'],
      ['doc/person/peng-zhen', 'text/html', 'doc/person/peng-zhen.html'],
      ['ontology', 'text/turtle', 'ontology.ttl'],
      ['ontology', 'text/html', 'ontology.html'],
      ['dataset', 'application/n-triples', 'doc/dataset/npcsc-kg.nt'],
    ];
    for (const [target, accept, name] of cases) {
      const res = await get(`${PREFIX}${target}`, accept);
      expect(res.status, `${target} ${accept}`).toBe(200);
      expect(res.headers.get('content-type'), `${target} ${accept}`).toMatch(
        accept === 'text/html' ? /^text\/html/ : new RegExp(`^${accept.replace('+', '\\+')}`),
      );
      expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
      expect(Buffer.from(await res.arrayBuffer()).equals(file(name)), `${target} ${accept}`).toBe(true);
    }
  });

  it('sends a dump precompressed to a client that takes gzip, and plain to one that does not', async () => {
    const gz = await raw(`${PREFIX}dump.ttl`, { 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/^text\/turtle/);
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gz.body.equals(file('dump.ttl.gz'))).toBe(true);
    const plain = await raw(`${PREFIX}dump.ttl`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(file('dump.ttl'))).toBe(true);
  });

  it("carries the server's security headers on every answer: pages, RDF files, 303, 404", async () => {
    const answers: [target: string, accept: string, status: number][] = [
      ['doc/person/peng-zhen.html', 'text/html', 200],
      ['doc/person/peng-zhen.ttl', 'text/turtle', 200],
      ['doc/person/peng-zhen', 'application/ld+json', 200],
      ['id/person/peng-zhen', 'text/turtle', 303],
      ['id/person/nobody-of-that-name', 'text/html', 404],
      ['no/such/file.html', 'text/html', 404],
      ['doc/person/nobody-of-that-name', 'text/turtle', 404],
      ['', 'text/html', 200],
      ['ontology', 'text/turtle', 200],
      ['.well-known/void', 'text/turtle', 200],
      ['dump.csv', 'text/csv', 200],
    ];
    for (const [target, accept, status] of answers) {
      const res = await get(`${PREFIX}${target}`, accept);
      expect(res.status, target).toBe(status);
      for (const [name, value] of Object.entries(SECURITY))
        expect(res.headers.get(name), `${target}: ${name}`).toBe(value);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('access-control-allow-origin'), target).toBe('*');
    }
  });

  it("answers an unknown path with 404 and the export's 404 page", async () => {
    for (const target of [`${PREFIX}no/such/page`, `${PREFIX}doc/person/nobody-of-that-name.ttl`, '/elsewhere']) {
      const res = await get(target, 'text/html');
      expect(res.status, target).toBe(404);
      if (target.startsWith(PREFIX)) {
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await res.text(), target).toBe(file('404.html').toString());
      }
    }
  });

  it('never answers with a file from outside the export folder, whatever the dots or escapes', async () => {
    const targets = [
      `${PREFIX}doc/../../etc/passwd`,
      `${PREFIX}doc/../../../../../../etc/passwd`,
      `${PREFIX}doc/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `${PREFIX}doc/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd`,
      `${PREFIX}doc/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd`,
      `${PREFIX}id/..%2f..%2f..%2f..%2fetc%2fpasswd`,
      `${PREFIX}../../secret.txt`,
      `${PREFIX}%2e%2e/%2e%2e/secret.txt`,
      `${PREFIX}doc/person/peng-zhen/../../../../secret.txt`,
      `${PREFIX}doc/..\\..\\..\\secret.txt`,
      `${PREFIX}..%5c..%5csecret.txt`,
    ];
    for (const target of targets) {
      const res = await raw(target, { accept: 'text/turtle' });
      expect([400, 404], `${target} → ${res.status}`).toContain(res.status);
      const body = res.body.toString();
      expect(body, target).not.toContain(MARKER);
      expect(body, target).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('never writes a control character from the path into a header', async () => {
    for (const target of [
      `${PREFIX}id/person/peng-zhen%0d%0aSet-Cookie:%20npcsc=1`,
      `${PREFIX}id/person/peng-zhen%0aSet-Cookie:%20npcsc=1`,
      `${PREFIX}id/person/peng-zhen%0d`,
    ]) {
      const res = await raw(target, { accept: 'text/turtle' });
      expect(res.headers['set-cookie'], target).toBeUndefined();
      expect(res.status, target).toBe(404);
    }
  });
});

// Where nginx is missing, one skipped test says so (and how CI gets it); where it runs, nothing is skipped.
if (!run)
  describe('The nginx rules of a static export, run by nginx', () => {
    it.skip('needs nginx (apt-get install nginx); CI installs it and runs these tests', () => {});
  });
