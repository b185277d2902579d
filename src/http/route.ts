// The route types: what each published interface's module receives (the Graph, the configuration) and how it adds its routes.
import type { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { Graph } from '../rdf/graph.ts';

/** What every route module receives: the immutable Graph and the configuration. */
export interface AppContext {
  graph: Graph;
  config: Config;
}

/** A route module adds its routes to the app; each module owns one published interface. */
export type RouteModule = (app: Hono, ctx: AppContext) => void;
