// The static export: every file there, every internal link resolving on a plain static server, redirect rules, atomicity.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { exportCommand } from '../../src/cli/export.ts';
import { htaccessFile } from '../../src/export/htaccess.ts';
import { exportSite } from '../../src/export/site.ts';
import { RDF_FORMATS, suffixOf } from '../../src/publish/formats.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { crawl } from '../publish/helpers.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { type StaticServer, serveDirectory } from './static-server.ts';

let work: string;
let out: string;
let graph: Graph;
let site: StaticServer;
let keys: string[];
let exportMs = 0;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'npcsc-export-'));
  out = path.join(work, 'site');
  graph = await realGraph();
  // The server first: the export's public base is where it will be served, with a path prefix.
  site = await serveDirectory(() => out, '/kg/');
  const config = testConfig({ publicBase: site.url });
  const result = await exportSite(graph, config, out);
  exportMs = result.ms;
  keys = [...new Publisher(graph, config).keys.keys()];
});

afterAll(async () => {
  await site.close();
  rmSync(work, { recursive: true, force: true });
});

describe('A static export', () => {
  it('holds every document in every format and both languages, the dumps, sitemap, context and assets', () => {
    for (const key of keys) {
      for (const f of RDF_FORMATS) expect(existsSync(path.join(out, `${key}${suffixOf(f)}`)), `${key} ${f}`).toBe(true);
      expect(existsSync(path.join(out, `${key}.html`))).toBe(true);
      expect(existsSync(path.join(out, `${key}.zh-Hans.html`))).toBe(true);
    }
    for (const f of [
      'index.html',
      'index.zh-Hans.html',
      'ontology.html',
      'ontology.ttl',
      'dump.ttl',
      'dump.nt',
      'dump.jsonld',
      'dump.csv',
      'dump.ttl.gz',
      'sitemap.xml',
      'robots.txt',
      'context.jsonld',
      'assets/site.css',
      '.well-known/void',
      '404.html',
    ]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    console.info(`static export: ${keys.length} documents in ${exportMs.toFixed(0)} ms`);
  });

  it("dates every file by the data's day, not the day it was written: static servers send it as Last-Modified", () => {
    const day = new Publisher(graph, testConfig()).modified;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const at = Date.parse(`${day}T00:00:00Z`);
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(keys.length * 8);
    for (const f of files) expect(statSync(path.join(f.parentPath, f.name)).mtimeMs, f.name).toBe(at);
  });

  it('resolves every internal link when served by a plain static server (no 404)', async () => {
    const sitemap = readFileSync(path.join(out, 'sitemap.xml'), 'utf8');
    const start = [site.url, ...[...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '')];
    const result = await crawl(
      start,
      (url) => fetch(url, { redirect: 'manual' }),
      (url) => url.startsWith(site.url),
    );
    expect(result.broken).toEqual([]);
    expect(result.missingAnchors).toEqual([]);
    expect(result.visited.size).toBeGreaterThan(keys.length * 6);
  }, 120_000);

  it('writes simplified Chinese as zh-Hans in every file, the compressed dumps included, never zh-hans', () => {
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    const lower: string[] = [];
    let cased = 0;
    for (const d of files) {
      const file = path.join(d.parentPath, d.name);
      const bytes = readFileSync(file);
      const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      if (text.includes('zh-hans')) lower.push(path.relative(out, file));
      if (text.includes('zh-Hans')) cased++;
    }
    expect(lower).toEqual([]);
    expect(cased).toBeGreaterThan(keys.length);
  });

  it('carries no link to a SPARQL endpoint it does not have', () => {
    const html = readFileSync(path.join(out, 'doc/person/peng-zhen.html'), 'utf8');
    expect(html).not.toContain('/sparql');
    expect(html).not.toContain('query-this');
  });

  it('carries no search box without a search server, and one that sends there with --search', async () => {
    expect(readFileSync(path.join(out, 'index.zh-Hans.html'), 'utf8')).not.toContain('role="search"');
    const withSearch = path.join(work, 'with-search');
    await exportSite(graph, testConfig({ publicBase: site.url }), withSearch, { search: `${site.url}search` });
    const page = readFileSync(path.join(withSearch, 'index.zh-Hans.html'), 'utf8');
    expect(page).toContain(`<form class="search" role="search" action="${site.url}search" method="get">`);
    expect(page).toContain('<input type="hidden" name="lang" value="zh-Hans">');
  });

  it('publishes the same bytes as the server for the same configuration', async () => {
    const app = createApp(graph, testConfig({ publicBase: site.url }), [linkedDataRoutes]);
    for (const file of ['doc/person/peng-zhen.ttl', 'doc/office/secretary-general.jsonld', 'dump.csv']) {
      const served = await (await app.request(`/${file}`)).text();
      expect(readFileSync(path.join(out, file), 'utf8'), file).toBe(served);
    }
  });

  it('writes redirect rules for /id → /doc: a _redirects file and an nginx snippet', () => {
    const redirects = readFileSync(path.join(out, '_redirects'), 'utf8');
    expect(redirects).toMatch(/^\/kg\/id\/\*\s+\/kg\/doc\/:splat\s+303$/m);
    const nginx = readFileSync(path.join(out, 'nginx.conf'), 'utf8');
    expect(nginx).toContain(`location ~ ^/kg/id/(.+)$`);
    expect(nginx).toContain(`return 303 ${site.url}doc/$1$npcsc_ext;`);
    expect(nginx).toMatch(/^map \$http_accept \$npcsc_ext \{$/m);
    const headers = readFileSync(path.join(out, '_headers'), 'utf8');
    expect(headers).toContain('Content-Type: text/turtle');
    expect(headers).toMatch(/^\/kg\/\*\.trig\n {2}Content-Type: application\/trig; charset=utf-8$/m);
    // w3id.org's rules for the canonical base, sending each identifier here (run by Apache in apache.test.ts).
    const w3id = readFileSync(path.join(out, 'w3id.org/npcsc/.htaccess'), 'utf8');
    expect(w3id).toBe(htaccessFile(graph.base, site.url));
    expect(w3id).toContain(`RewriteRule ^id/(.+)$ ${site.url}doc/$1%{ENV:NPCSC_EXT} [R=303,L]`);
  });
});

describe('An export that fails', () => {
  it('leaves the previous export intact and no temporary folder behind', async () => {
    const dir = path.join(work, 'atomic');
    const config = testConfig({ publicBase: 'https://example.org/' });
    await exportSite(graph, config, dir);
    writeFileSync(path.join(dir, 'marker.txt'), 'previous export');
    const before = readFileSync(path.join(dir, 'doc/person/peng-zhen.html'), 'utf8');
    await expect(
      exportSite(graph, testConfig({ publicBase: 'https://other.example/' }), dir, {
        onProgress: (done) => {
          if (done === 50) throw new Error('disk full (simulated)');
        },
      }),
    ).rejects.toThrow(/disk full/);
    expect(readFileSync(path.join(dir, 'marker.txt'), 'utf8')).toBe('previous export');
    expect(readFileSync(path.join(dir, 'doc/person/peng-zhen.html'), 'utf8')).toBe(before);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('replaces the previous export completely when it succeeds', async () => {
    const dir = path.join(work, 'atomic');
    await exportSite(graph, testConfig({ publicBase: 'https://third.example/' }), dir);
    expect(existsSync(path.join(dir, 'marker.txt'))).toBe(false);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('https://third.example/');
  });
});

describe('The export command', () => {
  it('writes the site and reports it, showing progress only on a terminal', async () => {
    const dir = path.join(work, 'cli');
    const lines: string[] = [];
    const errs: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: (s: string) => errs.push(s) };
    const wasTty = process.stderr.isTTY;
    try {
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
      expect(await exportCommand(['--out', dir, '--public-base', 'https://example.org/kg/'], io)).toBe(0);
      expect(errs).toEqual([]);
      expect(lines.join('')).toMatch(/exported \d+ files/);
      expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('https://example.org/kg/doc/');
      Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
      expect(await exportCommand(['--out', dir, '--sparql', 'https://query.example/sparql'], io)).toBe(0);
      expect(errs.join('')).toMatch(/\rexporting \d+\/\d+ files \(100%\)\n$/);
      expect(readFileSync(path.join(dir, 'doc/person/peng-zhen.html'), 'utf8')).toContain(
        'https://query.example/sparql?query=',
      );
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: wasTty, configurable: true });
    }
  }, 60_000);
});
