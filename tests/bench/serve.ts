// A server for the benchmark, in a process of its own: `app` (the real app and routes), `bare` (node:http, one fixed
// response) or `hono` (Hono with one route answering that response: the framework's floor).
// Prints the port it listens on, then serves until killed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../../src/app.ts';
import { loadGraph } from '../../src/build/cache.ts';
import { makeConfig } from '../../src/config.ts';
import type { RouteModule } from '../../src/http/route.ts';
import { linkedDataRoutes } from '../../src/publish/routes.ts';

export interface FixedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const [mode = 'app', file] = process.argv.slice(2);

if (mode === 'hono') {
  // The framework's floor: Hono on @hono/node-server with one route answering the same fixed response.
  const fixed = JSON.parse(readFileSync(file ?? '', 'utf8')) as FixedResponse;
  const body = Buffer.from(fixed.body, 'base64');
  const app = new Hono();
  app.get('*', () => new Response(body, { status: fixed.status, headers: fixed.headers }));
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`${info.port}\n`));
} else if (mode === 'bare') {
  // The machine's ceiling: node:http answering the very bytes and headers the app answers, with no framework.
  const fixed = JSON.parse(readFileSync(file ?? '', 'utf8')) as FixedResponse;
  const body = Buffer.from(fixed.body, 'base64');
  const server = createServer((_req, res) => {
    res.writeHead(fixed.status, fixed.headers);
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
} else {
  const config = makeConfig({ serviceAllowlist: [], publicBase: 'http://127.0.0.1:8080/' });
  // The whole route table, as `npcsc-kg serve` has it; BENCH_ROUTES=publish measures the documents' module alone.
  let routes: readonly RouteModule[] = [linkedDataRoutes];
  if (process.env.BENCH_ROUTES !== 'publish') {
    try {
      routes = (await import('../../src/app.ts')).ROUTES;
    } catch {
      // Without the SPARQL module the document routes are the same.
    }
  }
  const app = createApp(await loadGraph(config), config, routes);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    process.stdout.write(`${info.port}\n`),
  );
  void server;
}
