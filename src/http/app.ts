// The HTTP application: createApp(graph, config) is pure (no port, file or env); the route table is below.
import { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { Graph } from '../rdf/graph.ts';
import { HttpError } from './errors.ts';

/** What every route module receives: the immutable Graph and the configuration. */
export interface AppContext {
  graph: Graph;
  config: Config;
}

/** A route module adds its routes to the app; each module owns one published interface. */
export type RouteModule = (app: Hono, ctx: AppContext) => void;

export function createApp(graph: Graph, config: Config, modules: readonly RouteModule[]): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.text(`${err.message}\n`, err.status as 400);
    }
    console.error(err);
    return c.text('internal server error\n', 500);
  });
  for (const register of modules) register(app, { graph, config });
  app.notFound((c) => c.text('not found\n', 404));
  return app;
}
