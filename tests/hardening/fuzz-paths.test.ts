// Property-based fuzzing of request paths, sent raw on a socket (no client normalises them): dot segments, encoded dots and slashes, very long paths, odd Unicode. A 4xx or a page of the site, never a file from outside it, never a 5xx; on the server and on the static export.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { exportSite } from '../../src/export/site.ts';
import { type Listener, listen } from '../../src/server.ts';
import { type StaticServer, serveDirectory } from '../export/static-server.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { fullApp, rawGet, rawRequest } from './support.ts';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** FUZZ_SCALE multiplies every run count (FUZZ_SCALE=20 for a long hunt). */
const runs = (n: number) => ({
  numRuns: Math.round(n * Number(process.env.FUZZ_SCALE ?? 1)),
  ...(seed === undefined ? {} : { seed }),
});

/** Text that only a file outside the site holds: finding one in an answer is the failure. */
const SECRET = 'NPCSC-HARDENING-SECRET-7f3a';
const OUTSIDE = [
  SECRET,
  'root:x:0:0', // /etc/passwd
  '"typecheck": "tsc --noEmit"', // package.json
  'ref: refs/heads', // .git/HEAD
  '[core]', // .git/config
  'The process around the app: reads options', // src/server.ts
  '# Every tenure of the Secretary-General (1-14)', // data/tenures.ttl's first line (comments are never published)
];

const SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%2e.',
  '..%2f',
  '..%2F',
  '%2f',
  '%2F',
  '%5c',
  '..\\',
  '\\..',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '%e0%80%ae',
  '%uff0e%uff0e',
  '..;',
  '..%00',
  '%00',
  '%',
  '%zz',
  'etc',
  'passwd',
  'package.json',
  'node_modules',
  '.cache',
  'npcsc-kg',
  'src',
  'server.ts',
  'data',
  'tenures.ttl',
  '.git',
  'HEAD',
  'config',
  'id',
  'doc',
  'person',
  'peng-zhen',
  'peng-zhen.ttl',
  'assets',
  'yasgui',
  'yasgui.min.js',
  'query-page.js',
  'site.css',
  'ontology',
  'api',
  'holders',
  'sparql',
  'dump.ttl',
  'index.html',
  '~root',
  'C:',
  '%e2%80%ae',
  '%ef%bc%8e%ef%bc%8e',
  '%f0%9d%94%98',
  '%ed%a0%80',
  '%ff%fe',
  'secret.txt',
  '*',
  '?',
  '#',
  ';',
  '',
];
const segment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 9000 }).map((n) => 'a'.repeat(n)) },
  // Bytes a browser would escape, sent raw (Latin-1): the request line carries them as they are.
  { weight: 1, arbitrary: fc.constantFrom('\u00e9', '\u00ff', '\u00a0', '\u0085') },
);
const PREFIXES = [
  '/',
  '/assets/',
  '/assets/yasgui/',
  '/doc/',
  '/id/',
  '/api/',
  '/sparql/',
  '/ontology/',
  '//',
  '/doc/person/',
  '/.well-known/',
  '/kg/',
];
const target = fc
  .tuple(
    fc.constantFrom(...PREFIXES),
    fc.array(segment, { minLength: 1, maxLength: 8 }),
    fc.constantFrom('/', '//', '\\', '/./'),
    fc.constantFrom('', '', '?x=1', '?format=ttl', '#frag', '?../../etc/passwd', '%3F'),
  )
  .map(([prefix, parts, sep, tail]) => `${prefix}${parts.join(sep)}${tail}`);
/** Request targets that are not paths at all. */
const ODD_TARGETS = [
  '*',
  'etc/passwd',
  'http://127.0.0.1/../../etc/passwd',
  'http://evil.example/',
  '/%',
  '/..',
  '/../..',
  '//../',
  `/${'../'.repeat(50)}etc/passwd`,
  `/${'a/'.repeat(3000)}`,
  '/assets/yasgui/..%2f..%2f..%2fpackage.json',
];

/** Holds the answer to the property: no 5xx, and no byte of a file outside the site. */
function judge(where: string, target: string, res: { status: number; body: string; head: string }): void {
  expect(res.status, `${where} ${target}: no answer`).toBeGreaterThan(0);
  expect(res.status, `${where} ${target}: ${res.head}`).toBeLessThan(500);
  for (const m of OUTSIDE) expect(res.body.includes(m), `${where} ${target} served "${m}"`).toBe(false);
}

let logged: MockInstance<typeof console.error>;
beforeAll(() => {
  logged = vi.spyOn(console, 'error');
});
afterAll(() => logged.mockRestore());

describe('The server, sent hostile paths', () => {
  let listener: Listener;
  const statuses = new Map<number, number>();
  beforeAll(async () => {
    listener = await listen(0, '127.0.0.1');
    listener.use((await fullApp()).app);
  });
  afterAll(async () => {
    console.log(`server path fuzz statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`);
    await listener.close();
  });

  it('should answer each with a 4xx or a page of the site, never a file from elsewhere', async () => {
    await fc.assert(
      fc.asyncProperty(target, async (t) => {
        const res = await rawGet(listener.port, t);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        judge('server', t, res);
      }),
      runs(200),
    );
    for (const t of ODD_TARGETS) judge('server', t, await rawGet(listener.port, t));
    expect(logged).not.toHaveBeenCalled();
  });

  it('should still answer its own assets, and nothing else under /assets', async () => {
    expect((await rawGet(listener.port, '/assets/yasgui/yasgui.min.js')).status).toBe(200);
    for (const t of ['/assets/yasgui/package.json', '/assets/yasgui/..%2fpackage.json', '/assets/yasgui/%2e%2e/x']) {
      expect((await rawGet(listener.port, t)).status, t).toBe(404);
    }
  });

  it('should refuse a request line of 100,000 characters without trouble, and one past the head limit too', async () => {
    // Within the 256 KiB a head may have (room for a long query by GET): the routes answer, here that nothing is there.
    const long = await rawRequest(
      listener.port,
      `GET /${'x'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(long.status).toBe(404);
    // Past it, the listener answers before any route, and says what to do.
    const past = await rawRequest(listener.port, `GET /${'x'.repeat(300_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(past.status).toBe(431);
    expect(past.body).toMatch(/^request line and headers larger than 262144 bytes/);
  });
});

describe('The static export on a plain static server, sent hostile paths', () => {
  let work: string;
  let site: StaticServer;
  const statuses = new Map<number, number>();
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'npcsc-paths-'));
    // Beside the export, where only a path that climbs out of it would find it.
    writeFileSync(path.join(work, 'secret.txt'), `${SECRET}\n`);
    const out = path.join(work, 'site');
    site = await serveDirectory(() => out, '/kg/');
    await exportSite(await realGraph(), testConfig({ publicBase: site.url }), out);
  });
  afterAll(async () => {
    console.log(`static path fuzz statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`);
    await site.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('should answer each with a 4xx or a file of the export, never the file beside it', async () => {
    const port = Number(new URL(site.url).port);
    expect((await rawGet(port, '/kg/doc/person/peng-zhen.ttl')).status).toBe(200);
    await fc.assert(
      fc.asyncProperty(target, async (t) => {
        const res = await rawGet(port, t.replace(/^\//, '/kg/'));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        judge('static', t, res);
      }),
      runs(200),
    );
    for (const t of [
      '/kg/../secret.txt',
      '/kg/%2e%2e/secret.txt',
      '/kg/..%2fsecret.txt',
      '/kg/%2e%2e%2fsecret.txt',
      '/kg/doc/../../secret.txt',
      '/kg/..%5csecret.txt',
      '/kg/%252e%252e/secret.txt',
      ...ODD_TARGETS,
    ]) {
      judge('static', t, await rawGet(port, t));
    }
  });
});
