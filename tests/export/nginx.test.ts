// The export's nginx rules (nginx.conf), run by a real nginx: the snippet wrapped in a complete configuration, the
// export served under a path prefix on 127.0.0.1, and the answers checked over HTTP (303s, negotiation, media types,
// security headers, 404 page, no way out of the export folder).
// Skipped where nginx is not installed, except in CI (process.env.CI), where .ci/run installs it and a skip would hide a failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { exportSite } from '../../src/export/site.ts';
import { PAGE_CSP, SECURITY_HEADERS } from '../../src/http/headers.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { freePort } from '../support/net.ts';

/** nginx as `command -v nginx` finds it (and in /usr/sbin, which a user's PATH may lack). */
function nginxBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const file = path.join(dir, 'nginx');
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

const binary = nginxBinary();
const run = binary !== undefined || Boolean(process.env.CI);

const PREFIX = '/kg/';
/** What every answer carries: the server's security headers, with the pages' policy (as in the export's _headers). */
const SECURITY = { ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP };
const MARKER = 'npcsc-outside-the-export';

const COMUNICA =
  'application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,' +
  'text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,' +
  'text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18';
/**
 * The Accept headers real clients send, each as written (spaces and all): the RDF clients of the issue, whose
 * q-values put RDF above text/html, and browsers, which must still get the page.
 */
const CLIENTS: [client: string, accept: string][] = [
  ['Comunica', COMUNICA],
  ['rdf-dereference', `${COMUNICA},application/json;q=0.135,text/shaclc;q=0.1,text/shaclc-ext;q=0.05`],
  [
    'Raptor (rapper)',
    'application/rdf+xml, text/rdf+n3;q=0.6, application/x-turtle;q=0.5, text/turtle;q=0.5, ' +
      'application/n-triples;q=0.3, text/plain;q=0.1, */*;q=0.1',
  ],
  ['rdflib turtle', 'text/turtle, application/x-turtle, */*;q=0.1'],
  ['rdflib xml', 'application/rdf+xml, */*;q=0.1'],
  ['rdflib json-ld', 'application/ld+json, application/json;q=0.9, */*;q=0.1'],
  ['rdflib nt', 'text/plain, */*;q=0.1'],
  ['rdflib trig', 'application/trig, */*;q=0.1'],
  ['rdflib nquads', 'application/n-quads, */*;q=0.1'],
  ...['text/turtle', 'application/rdf+xml', 'application/ld+json', 'application/n-triples', 'text/plain'].map(
    (t): [string, string] => [`bare ${t}`, t],
  ),
  ...['application/n-quads', 'application/trig'].map((t): [string, string] => [`bare ${t}`, t]),
  ['Firefox', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
  [
    'Chrome',
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,' +
      'application/signed-exchange;v=b3;q=0.7',
  ],
  ['curl', '*/*'],
  // Beyond the clients the export knows by name: its rules by q-value.
  ['RDF above the page, by q', 'text/turtle;q=0.9, text/html;q=0.8'],
  ['the page below a wildcard', 'text/html;q=0.5, */*'],
  ['a tie the server breaks for the page', 'application/rdf+xml, text/html'],
  ['an alias, spaced', 'application/xhtml+xml ; q=0.3 , application/json ; q=0.4'],
];

/**
 * nginx in the foreground under a watchdog shell: when the test process closes the shell's stdin, or dies and the
 * pipe closes with it, the shell stops nginx. No nginx outlives the test, whatever ends it.
 */
const WATCHDOG =
  'exec 3<&0; "$0" "$@" </dev/null & n=$!; (read -r _ <&3; kill "$n" 2>/dev/null) & w=$!; ' +
  'wait "$n"; s=$?; kill "$w" 2>/dev/null; exit "$s"';

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
  let child: ChildProcess | undefined;
  let stderr = '';
  let startMs = 0;
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

  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.stdin?.end();
    const killer = setTimeout(() => {
      // nginx did not stop on SIGTERM: its master by its pid file, then the watchdog.
      try {
        process.kill(Number(readFileSync(path.join(work, 'nginx.pid'), 'utf8')), 'SIGKILL');
      } catch {}
      c.kill('SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(killer);
  }

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
    const snippet = readFileSync(path.join(out, 'nginx.conf'), 'utf8');
    const [httpPart, serverPart] = snippet.split('# --- server {} block');
    if (httpPart === undefined || serverPart === undefined) throw new Error('nginx.conf: no "# --- server {} block"');
    for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      mkdirSync(path.join(work, 'temp', t), { recursive: true });
    const q = (p: string) => JSON.stringify(p);
    const conf = path.join(work, 'nginx-test.conf');
    writeFileSync(
      conf,
      `${process.getuid?.() === 0 ? 'user root root;\n' : ''}worker_processes 1;
pid ${q(path.join(work, 'nginx.pid'))};
error_log ${q(path.join(work, 'error.log'))} warn;
events { worker_connections 64; }
http {
    access_log ${q(path.join(work, 'access.log'))};
    client_body_temp_path ${q(path.join(work, 'temp/body'))};
    proxy_temp_path ${q(path.join(work, 'temp/proxy'))};
    fastcgi_temp_path ${q(path.join(work, 'temp/fastcgi'))};
    uwsgi_temp_path ${q(path.join(work, 'temp/uwsgi'))};
    scgi_temp_path ${q(path.join(work, 'temp/scgi'))};
    # A minimal types block: the snippet must bring the types of the export's files itself.
    types { text/html html; }
    default_type application/octet-stream;
${httpPart}
    server {
        listen 127.0.0.1:${port};
        server_name localhost;
        root ${q(www)};
${serverPart}
    }
}
`,
    );
    const started = performance.now();
    child = spawn('sh', ['-c', WATCHDOG, binary ?? 'nginx', '-p', work, '-c', conf, '-g', 'daemon off;'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const deadline = Date.now() + 15_000;
    try {
      for (;;) {
        if (!child || child.exitCode !== null) {
          const log = existsSync(path.join(work, 'error.log'))
            ? readFileSync(path.join(work, 'error.log'), 'utf8')
            : '';
          throw new Error(`nginx exited with ${child?.exitCode}: ${`${stderr}\n${log}`.trim().slice(-1500)}`);
        }
        const up = await fetch(base).then(
          () => true,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline) throw new Error(`nginx did not answer on port ${port} within 15 s: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (e) {
      await stop();
      throw e;
    }
    startMs = performance.now() - started;
  }, 120_000);

  afterAll(async () => {
    await stop();
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
    console.info(`nginx: started in ${startMs.toFixed(0)} ms`);
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
