// Starts a query runner (a child process forked without the parent's flags): the compiled runner beside it, or the TypeScript one through tsx.
import { existsSync } from 'node:fs';

// Compiled (lib/sparql/), worker.js is here and no TypeScript loader is loaded; from the sources (src/sparql/, a
// server run by tsx or a test), there is only worker.ts, which needs tsx registered first.
const compiled = new URL('./worker.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  (await import('tsx/esm/api')).register();
  await import('./worker.ts');
}
