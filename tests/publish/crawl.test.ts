// The running server on a real socket: a crawl from the home page and the sitemap finds no broken internal link.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { RouteModule } from '../../src/http/route.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { crawl } from './helpers.ts';

let server: Server;
let publicBase: string;
/** With the SPARQL module loaded, /sparql and /api/* are part of the crawl; without it they are other sites. */
let withSparql = false;

beforeAll(async () => {
  let routes: readonly RouteModule[] = [linkedDataRoutes];
  try {
    routes = (await import('../../src/app.ts')).ROUTES;
    withSparql = true;
  } catch {
    withSparql = false;
  }
  const graph = await realGraph();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  publicBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const app = createApp(graph, testConfig({ publicBase }), routes);
  server.on('request', getRequestListener(app.fetch));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('A crawl of the running server', () => {
  it('finds every internal link resolving (pages, formats, dumps, assets, anchors)', async () => {
    const sitemap = await (await fetch(`${publicBase}sitemap.xml`)).text();
    const start = [publicBase, ...[...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '')];
    const internal = (url: string) =>
      url.startsWith(publicBase) && (withSparql || !/^\/(sparql|api\/)/.test(new URL(url).pathname));
    const result = await crawl(
      start,
      (url) => fetch(url, { redirect: 'manual', headers: { accept: 'text/html,*/*;q=0.8' } }),
      internal,
    );
    expect(result.broken).toEqual([]);
    expect(result.missingAnchors).toEqual([]);
    const visited = [...result.visited.keys()];
    expect(visited.length).toBeGreaterThan(500);
    for (const suffix of ['.ttl', '.nt', '.jsonld', '.rdf', '.zh-Hans.html', 'dump.csv', 'assets/site.css']) {
      expect(
        visited.some((u) => u.endsWith(suffix)),
        suffix,
      ).toBe(true);
    }
    if (withSparql) expect(visited.some((u) => u.includes('/sparql?query='))).toBe(true);
  }, 180_000);

  it('follows an identifier through its 303 to the document', async () => {
    const res = await fetch(`${publicBase}id/person/peng-zhen`, {
      redirect: 'manual',
      headers: { accept: 'text/turtle' },
    });
    expect(res.status).toBe(303);
    const doc = await fetch(res.headers.get('location') ?? '');
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toMatch(/^text\/turtle/);
  });
});
