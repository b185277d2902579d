// The route table: which module answers which paths. Each module lists its own routes, one per line.
import { linkedDataRoutes } from '../publish/routes.ts';
import { reconcileRoutes } from '../reconcile/routes.ts';
import { searchRoutes } from '../search/routes.ts';
import { sparqlRoutes } from '../sparql/endpoint.ts';
import type { RouteModule } from './app.ts';

export const ROUTES: readonly RouteModule[] = [
  sparqlRoutes, //     /sparql, /api/*, /api/openapi.json, /assets/yasgui/*
  reconcileRoutes, //  /reconcile, /reconcile/{suggest/*,preview,propose_properties}
  searchRoutes, //     /search
  linkedDataRoutes, // /, /id/*, /doc/*, /ontology, /dataset, /.well-known/void, /dump.*, /sitemap.xml, /robots.txt, /context.jsonld
];
