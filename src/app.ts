// The HTTP application: createApp(graph, config) is pure (no port, file or env), over the route table below.
import { Hono } from 'hono';
import type { Config } from './config.ts';
import { HttpError } from './http/errors.ts';
import { SECURITY_HEADERS } from './http/headers.ts';
import type { RouteModule } from './http/route.ts';
import { linkedDataRoutes } from './publish/routes.ts';
import type { Graph } from './rdf/graph.ts';
import { reconcileRoutes } from './reconcile/routes.ts';
import { searchRoutes } from './search/routes.ts';
import { sparqlRoutes } from './sparql/endpoint.ts';

/** The route table: which module answers which paths. Each module lists its own routes, one per line. */
export const ROUTES: readonly RouteModule[] = [
  sparqlRoutes, //     /sparql, /api/*, /api/openapi.json, /assets/yasgui/*
  reconcileRoutes, //  /reconcile, /reconcile/{suggest/*,preview,propose_properties}
  searchRoutes, //     /search
  linkedDataRoutes, // /, /id/*, /doc/*, /ontology, /dataset, /.well-known/void, /dump.*, /sitemap.xml, /robots.txt, /context.jsonld
];

export function createApp(graph: Graph, config: Config, modules: readonly RouteModule[]): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.text(`${err.message}\n`, err.status as 400);
    }
    console.error(err);
    return c.text('internal server error\n', 500);
  });
  for (const register of modules) register(app, { graph, config });
  app.notFound((c) => c.text('not found\n', 404, SECURITY_HEADERS));
  return app;
}
