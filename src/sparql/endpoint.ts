// The SPARQL interface's routes: /sparql (protocol, service description, query page), /api/* (stored queries, OpenAPI) and the page's assets.
import type { Context } from 'hono';
import { HttpError, methodNotAllowed } from '../http/errors.ts';
import type { RouteModule } from '../http/route.ts';
import { CORS_HEADERS, Executor, preflight } from './execute.ts';
import { poolFor } from './pool.ts';
import { sparqlHandler } from './protocol.ts';
import { example, QUERY_PAGE_PATHS, queryPage, queryPageAssets } from './query-page.ts';
import { serviceDescriptionHandler } from './service-description.ts';
import { loadStoredQueries, openApiHandler, storedQueryHandler } from './stored.ts';

type Handler = (c: Context) => Response | Promise<Response>;

const corsOnError = (e: unknown): never => {
  if (e instanceof HttpError) Object.assign(e.headers, CORS_HEADERS);
  throw e;
};

/**
 * Errors of these routes carry the CORS headers too, so that a script on another origin can read why. A handler
 * that answers at once (a cache hit) stays synchronous.
 */
const withCors =
  (handler: Handler): Handler =>
  (c) => {
    try {
      const response = handler(c);
      return response instanceof Promise ? response.catch(corsOnError) : response;
    } catch (e) {
      return corsOnError(e);
    }
  };

/**
 * Methods answered 405 by name, not by a catch-all: a second route on the same path would make Hono run every
 * request through its middleware chain, a cost the cache-hit path notices.
 */
const OTHER_METHODS = ['PUT', 'DELETE', 'PATCH'];

const refuse =
  (allow: string): Handler =>
  () => {
    throw methodNotAllowed(allow);
  };

export const sparqlRoutes: RouteModule = (app, ctx) => {
  const { graph, config } = ctx;
  const exec = new Executor(ctx, poolFor(graph, config.limits.concurrency, config.store, config.limits.threadMemoryMb));
  const stored = loadStoredQueries(config.root, graph.base);
  const examples = stored.map((s) => example(s.file, graph.base, s.extensions, s.whereBody));
  const page = queryPage(ctx, examples, 'en');
  const sparql = withCors(sparqlHandler(ctx, { exec, page, describe: serviceDescriptionHandler(ctx) }));

  app.get('/sparql', sparql); // query by GET; without one, the service description or (for browsers) the query page
  app.post('/sparql', sparql); // query by form or as application/sparql-query; updates are refused
  app.options('/sparql', preflight); // CORS preflight
  app.on(OTHER_METHODS, '/sparql', refuse('GET, HEAD, POST, OPTIONS'));
  app.get('/api/openapi.json', openApiHandler(ctx, stored)); // OpenAPI 3 description of the stored queries
  // A wildcard, not /api/:name: beside the literal route above a parameter would switch Hono from its RegExpRouter
  // to the slower TrieRouter for every route of the app (measured: 15-20 points of the ceiling on documents).
  app.get('/api/*', withCors(storedQueryHandler(ctx, exec, stored))); // one stored query, e.g. /api/holders.csv
  app.options('/api/*', preflight);
  app.on(['POST', ...OTHER_METHODS], '/api/*', refuse('GET, HEAD, OPTIONS'));
  app.get(`/${QUERY_PAGE_PATHS['zh-Hans']}`, queryPage(ctx, examples, 'zh-Hans')); // the query page in Chinese
  app.get('/assets/yasgui/:file', queryPageAssets()); // YASGUI from node_modules, and the page's script and style
};
