// The process around the app: reads options and environment, builds the Graph, listens, shuts down on SIGTERM.
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { makeConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { ROUTES } from './http/routes.ts';
import { loadGraph } from './rdf/graph.ts';
import { runQuery } from './sparql/engine.ts';

type Out = { out: (s: string) => void; err: (s: string) => void };

export async function serveCommand(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '3000' },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      base: { type: 'string' },
      'public-base': { type: 'string' },
      root: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'service-allow': { type: 'string', multiple: true },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  const host = values.host ?? '127.0.0.1';
  const publicBase = values['public-base'] ?? process.env.PUBLIC_BASE;
  const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : undefined;
  // Listen first: with --port 0 the public base must name the port the system chose.
  let app: ReturnType<typeof createApp> | undefined;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: (req, env) =>
          app ? app.fetch(req, env) : new Response('starting\n', { status: 503, headers: { 'retry-after': '1' } }),
        port,
        hostname: host,
      },
      () => resolve(s),
    );
  });
  // Slow clients: a request must send its headers within 10 s and complete within 60 s.
  Object.assign(server, { headersTimeout: 10_000, requestTimeout: 60_000 });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const config = makeConfig({
    ...(values.base ? { base: values.base } : {}),
    publicBase: publicBase ?? `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/`,
    ...(values.root ? { root: values.root } : {}),
    ...(values['service-allow'] ? { serviceAllowlist: values['service-allow'] } : {}),
    ...(timeoutMs ? { limits: { timeoutMs } } : {}),
  });
  const graph = await loadGraph(config);
  // Warm the engine so the first visitor does not pay for Comunica's start-up.
  await runQuery(graph.store, 'ASK { ?s ?p ?o }', { timeoutMs: 30_000 });
  app = createApp(graph, config, ROUTES);
  io.out(
    `npcsc-kg serving ${graph.counts.total} triples at http://${host}:${actualPort}/ (public base ${config.publicBase})\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => {
      io.err('shutting down: finishing requests in flight\n');
      server.close(() => resolve());
      // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
