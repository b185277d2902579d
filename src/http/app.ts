// The HTTP application over route modules: createApp(graph, config, modules) is pure (no port, file or env); src/app.ts holds the route table.
import { type Context, Hono } from 'hono';
import type { Config } from '../config.ts';
import type { Graph } from '../rdf/graph.ts';
import { HttpError } from './errors.ts';
import { SECURITY_HEADERS } from './headers.ts';
import type { RouteModule } from './route.ts';

/**
 * The app of `modules`. A request none of them answers gets `otherwise`'s answer, by default a 404: a server
 * serves its pages first and the other interfaces once their modules are loaded (src/cli/serve.ts).
 */
export function createApp(
  graph: Graph,
  config: Config,
  modules: readonly RouteModule[],
  otherwise: (c: Context) => Response | Promise<Response> = (c) => c.text('not found\n', 404, SECURITY_HEADERS),
): Hono {
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
  app.notFound(otherwise);
  return app;
}
