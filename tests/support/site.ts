// The whole site (every route module) served on 127.0.0.1 with a free port, and the pages its sitemap lists.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createApp, ROUTES } from '../../src/app.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { realGraph, testConfig } from './graph.ts';

export interface Site {
  base: string;
  graph: Graph;
  close(): Promise<void>;
}

export async function startSite(): Promise<Site> {
  const graph = await realGraph();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  server.on('request', getRequestListener(createApp(graph, testConfig({ publicBase: base }), ROUTES).fetch));
  return {
    base,
    graph,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Every page URL of the sitemap (both languages), in its order. */
export async function sitemapPages(base: string): Promise<string[]> {
  const xml = await (await fetch(`${base}sitemap.xml`)).text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
}

/**
 * A test-only tool from npm (a devDependency such as lighthouse or vnu-jar), or the reason it is absent. It is
 * looked up the ordinary way; NPCSC_TEST_PACKAGES may name another node_modules folder to look in first (a tool
 * installed with `npm install --prefix DIR`, without touching the project's node_modules).
 */
export async function optionalPackage<T>(name: string): Promise<{ module: T } | { reason: string }> {
  const extra = process.env.NPCSC_TEST_PACKAGES;
  const places = [...(extra ? [path.join(path.resolve(extra), 'index.js')] : []), import.meta.filename];
  for (const from of places) {
    let resolved: string;
    try {
      resolved = createRequire(from).resolve(name);
    } catch {
      continue;
    }
    return { module: (await import(pathToFileURL(resolved).href)) as T };
  }
  return { reason: `${name} is not installed (npm ci installs it as a devDependency)` };
}
