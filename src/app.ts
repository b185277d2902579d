// The HTTP application: the route table below, assembled by createApp(graph, config, ROUTES) (src/http/app.ts).
import type { RouteModule } from './http/route.ts';
import { linkedDataRoutes } from './publish/routes.ts';
import { reconcileRoutes } from './reconcile/routes.ts';
import { searchRoutes } from './search/routes.ts';
import { sparqlRoutes } from './sparql/endpoint.ts';

export { createApp } from './http/app.ts';

/** The route table: which module answers which paths. Each module lists its own routes, one per line. */
export const ROUTES: readonly RouteModule[] = [
  sparqlRoutes, //     /sparql, /api/*, /api/openapi.json, /assets/yasgui/*
  reconcileRoutes, //  /reconcile, /reconcile/{suggest/*,preview,propose_properties}
  searchRoutes, //     /search
  linkedDataRoutes, // /, /id/*, /doc/*, /ontology, /dataset, /.well-known/void, /dump.*, /sitemap.xml, /robots.txt, /context.jsonld
];
