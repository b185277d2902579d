// Loads the real Graph (through the build cache) once per test worker and shares the immutable instance.

import { loadGraph } from '../../src/build/cache.ts';
import { type Config, makeConfig } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';

const cache = new Map<string, Promise<Graph>>();

/** The repository's graph under `base` (default: the canonical base). */
export function realGraph(overrides: Parameters<typeof makeConfig>[0] = {}): Promise<Graph> {
  const key = JSON.stringify(overrides);
  let g = cache.get(key);
  if (!g) {
    g = loadGraph(makeConfig(overrides));
    cache.set(key, g);
  }
  return g;
}

export function testConfig(overrides: Parameters<typeof makeConfig>[0] = {}): Config {
  return makeConfig({ serviceAllowlist: [], ...overrides });
}
