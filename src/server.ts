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
  const config = makeConfig({
    ...(values.base ? { base: values.base } : {}),
    publicBase: publicBase ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    ...(values.root ? { root: values.root } : {}),
    ...(values['service-allow'] ? { serviceAllowlist: values['service-allow'] } : {}),
    ...(timeoutMs ? { limits: { timeoutMs } } : {}),
  });
  const graph = await loadGraph(config);
  // Warm the engine so the first visitor does not pay for Comunica's start-up.
  await runQuery(graph.store, 'ASK { ?s ?p ?o }', { timeoutMs: 30_000 });
  const app = createApp(graph, config, ROUTES);

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
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
