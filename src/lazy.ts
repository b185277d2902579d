// Loads a package at its first use, not at start-up: what a command or a request does not use costs nothing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A function that loads `specifier` the first time it is called, then returns the same module. Synchronous (the
 * package's CommonJS entry point), so that the functions that use it keep their signatures: an Oxigraph store is
 * opened, and RDF/XML written, without an await. Type it with the package's own types:
 * `lazy<typeof import('oxigraph')>('oxigraph')`.
 */
export function lazy<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(specifier) as T;
    return loaded;
  };
}
