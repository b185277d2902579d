// Test helpers for the SPARQL interface: an app over the real graph, a real socket when a test is about sockets, and a recording listener.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { sparqlRoutes } from '../../src/sparql/endpoint.ts';
import { poolFor, type QueryPool } from '../../src/sparql/pool.ts';
import { realGraph, testConfig } from '../support/graph.ts';

export interface SparqlApp {
  app: Hono;
  graph: Graph;
  config: Config;
  pool: QueryPool;
}

/** The SPARQL routes alone over the real graph, with its query threads ready. */
export async function sparqlApp(overrides: Parameters<typeof testConfig>[0] = {}): Promise<SparqlApp> {
  const graph = await realGraph();
  const config = testConfig(overrides);
  const app = createApp(graph, config, [sparqlRoutes]);
  const pool = poolFor(graph, config.limits.concurrency);
  await pool.ready();
  return { app, graph, config, pool };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no query thread of `pool` is still starting. */
export async function settled(pool: QueryPool): Promise<void> {
  while (pool.stats().starting > 0) await sleep(50);
}

export const get = (app: Hono, query: string, headers: Record<string, string> = {}) =>
  app.request(`/sparql?query=${encodeURIComponent(query)}`, { headers });

export const post = (app: Hono, query: string, headers: Record<string, string> = {}) =>
  app.request('/sparql', {
    method: 'POST',
    headers: { 'content-type': 'application/sparql-query', ...headers },
    body: query,
  });

/** The app on a real socket at 127.0.0.1, for the tests that are about sockets. */
export async function listen(app: Hono): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/**
 * A listener at 127.0.0.1 that records every request it gets and answers like a SPARQL endpoint with one row,
 * standing in for any server a query could make the endpoint call.
 */
export interface RecordingListener {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** `answer` decides the reply; by default one SPARQL row. */
export async function recordingListener(
  answer?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RecordingListener> {
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    if (answer) return answer(req, res);
    res.setHeader('content-type', 'application/sparql-results+json');
    res.end(
      JSON.stringify({ head: { vars: ['x'] }, results: { bindings: [{ x: { type: 'literal', value: 'remote' } }] } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
