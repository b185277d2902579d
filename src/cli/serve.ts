// `serve`: listens first, then loads the graph (and a remote store), serves the pages, then every interface until a signal.
import { parseArgs } from 'node:util';
import type { Hono } from 'hono';
import { loadGraph } from '../build/cache.ts';
import { DEFAULT_BASE, makeConfig, normaliseBase, storeConfig } from '../config.ts';
import { createApp } from '../http/app.ts';
import { ResponseCache } from '../publish/respond.ts';
import { linkedDataRoutes, linkedDataRoutesWith } from '../publish/routes.ts';
import type { Graph } from '../rdf/graph.ts';
import { listen } from '../server.ts';
import { poolFor } from '../sparql/pool.ts';
import { storedQueriesChecked } from '../sparql/stored-cache.ts';
import { prepareStore } from '../store/open.ts';
import type { Out } from './io.ts';

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
      'trusted-proxy': { type: 'string', multiple: true },
      store: { type: 'string' },
      endpoint: { type: 'string' },
      update: { type: 'string' },
      'graph-store': { type: 'string' },
      graph: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  const host = values.host ?? '127.0.0.1';
  const publicBase = values['public-base'] ?? process.env.PUBLIC_BASE;
  const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : undefined;
  const store = storeConfig(values, normaliseBase(values.base ?? DEFAULT_BASE), process.env);
  // Listen first: with --port 0 the public base must name the port the system chose.
  const listener = await listen(port, host);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = () => {
      io.err('shutting down: finishing requests in flight\n');
      void listener.close().then(resolve);
    };
  });
  // A signal during start-up stops the process too.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    const config = makeConfig({
      ...(values.base ? { base: values.base } : {}),
      publicBase: publicBase ?? `http://${host.includes(':') ? `[${host}]` : host}:${listener.port}/`,
      ...(values.root ? { root: values.root } : {}),
      ...(values['service-allow'] ? { serviceAllowlist: values['service-allow'] } : {}),
      ...(values['trusted-proxy'] ? { trustedProxies: values['trusted-proxy'] } : {}),
      ...(timeoutMs ? { limits: { timeoutMs } } : {}),
      store,
    });
    // The query runner starts as soon as the graph's dump is verified, loading it on another core while this
    // process parses it and gets the pages ready; the SPARQL routes take the same pool (poolFor gives one per
    // graph and settings). Over a remote store, once that store holds the graph (below).
    const startRunner = (g: Graph) => {
      if (config.store.kind !== 'sparql')
        poolFor(g, config.limits.concurrency, config.store, config.limits.threadMemoryMb);
    };
    const graph = await loadGraph(config, undefined, startRunner);
    // A remote store is loaded now (or found to hold this graph already); SPARQL then goes there.
    const loaded = await prepareStore(graph, config.store);
    if (loaded?.loaded)
      io.err(
        `loaded ${loaded.triples} triples into ${config.store.kind === 'sparql' ? config.store.endpoint : ''} in ${(loaded.ms / 1000).toFixed(1)} s\n`,
      );
    poolFor(graph, config.limits.concurrency, config.store, config.limits.threadMemoryMb);
    // A stored query that does not parse stops the start, as it always did. Texts an earlier start checked (under
    // the same code) are known to parse: then this is a read, and no SPARQL parser is built before it is needed.
    if (!storedQueriesChecked(config.root, graph.base))
      (await import('../sparql/stored.ts')).loadStoredQueries(config.root, graph.base);
    // The pages first: the SPARQL, search and reconciliation modules (the parser among them) load after, while
    // pages are already served; a request for those waits for them. Both apps share one page cache.
    const pages = linkedDataRoutesWith({ responseCache: new ResponseCache() });
    let everything: Promise<Hono> | undefined;
    const loadEverything = () => {
      everything ??= import('../app.ts').then(({ ROUTES }) =>
        createApp(
          graph,
          config,
          ROUTES.map((r) => (r === linkedDataRoutes ? pages : r)),
        ),
      );
      return everything;
    };
    // A page asked meanwhile goes first: the other request waits for the poll phase (where the page's request is
    // read) before it takes the loop, for the SPARQL parser's build, say.
    const afterPending = () => new Promise((resolve) => setImmediate(resolve));
    listener.use(
      createApp(graph, config, [pages], async (c) => {
        const app = await loadEverything();
        await afterPending();
        return app.fetch(c.req.raw, c.env);
      }),
    );
    io.out(
      `npcsc-kg serving ${graph.counts.total} triples at http://${host}:${listener.port}/ (public base ${config.publicBase})\n`,
    );
    // The whole route table from now on: the same routes as ever, each request through one app.
    listener.use(await loadEverything());
    // The first query builds the SPARQL parser (hundreds of milliseconds): built now, it is ready for that query.
    const { parseSparql } = await import('../sparql/parse.ts');
    await afterPending();
    parseSparql('ASK {}', graph.base);
  } catch (e) {
    // Nothing to serve (a data file that does not parse, a build that does not validate): stop listening, so that
    // the process exits with the error instead of answering 503 for ever.
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await listener.close();
    throw e;
  }
  await stopped;
  return 0;
}
